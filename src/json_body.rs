//! `JsonObject<T>`: axum's `Json` extractor for request bodies the document
//! describes as JSON objects. serde reads a struct from a JSON array as well
//! (`[null, null]` is `{"roles": null, "disabled": null}` to it), so with the
//! plain extractor a body of the wrong type is accepted; this one refuses any
//! body that is not an object (422 `validation_failed`) before reading it
//! into `T`, and any string or key holding NUL, which PostgreSQL cannot
//! store (422 naming the field: `nul_character`). Its other rejections are
//! `Json`'s: 415 without `Content-Type: application/json`, 400 for a body
//! that is not JSON (a lone surrogate such as `"\ud800"` included).

use axum::{
    extract::{FromRequest, Request},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::de::DeserializeOwned;

use crate::{
    error::{ApiError, error_response},
    nul,
};

pub struct JsonObject<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonObject<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let invalid = |message: &str| {
            error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                message,
            )
        };
        if !value.is_object() {
            return Err(invalid("the request body must be a JSON object"));
        }
        if let Some(field) = nul::in_json(&value) {
            let fields = [(field, vec![nul::NUL_CHARACTER.to_owned()])].into();
            return Err(ApiError::Validation(fields).into_response());
        }
        serde_path_to_error::deserialize(value)
            .map(Self)
            .map_err(|e| invalid(&format!("Failed to deserialize the JSON body: {e}")))
    }
}
