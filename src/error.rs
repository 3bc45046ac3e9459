//! The one error type handlers return, rendered as the JSON error body (docs/api.md, "Conventions"):
//! `{"error": {"code", "message", "fields"?}}`. Server-side failures are logged
//! with their cause and answered with a generic 500.

use std::collections::BTreeMap;

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Client {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("validation failed")]
    Validation(BTreeMap<String, Vec<String>>),
    #[error("too many attempts")]
    Throttled { retry_after_secs: u64 },
    /// The server is at capacity for this kind of work (e.g. password hashing).
    #[error("busy")]
    Busy { retry_after_secs: u64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Client {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Client { status, .. } => *status,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ if self.database_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether this failure is the database being out of reach (down,
    /// restarting, the pool unable to connect) rather than a fault of ours:
    /// answered 503 so clients and load balancers retry instead of giving up.
    fn database_unavailable(&self) -> bool {
        match self {
            Self::Database(e) => db_unavailable(e),
            Self::Internal(e) => e
                .chain()
                .filter_map(|c| c.downcast_ref::<sqlx::Error>())
                .any(db_unavailable),
            _ => false,
        }
    }
}

fn db_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        // Class 08: connection exceptions; 57P01-57P03: the server shutting
        // down, crashed or not yet accepting connections.
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let fields = errors
            .field_errors()
            .into_iter()
            .map(|(field, errs)| {
                let codes = errs.iter().map(|e| e.code.to_string()).collect();
                (field.to_string(), codes)
            })
            .collect();
        Self::Validation(fields)
    }
}

/// The error body, for every 4xx and 5xx.
#[derive(Serialize, ToSchema)]
pub struct ErrorResponse<'a> {
    error: ErrorDetail<'a>,
}

impl<'a> ErrorResponse<'a> {
    /// A body without `fields`, for answers that add their own members
    /// next to `error` (e.g. 412's current version).
    pub fn new(code: &'a str, message: &'a str) -> Self {
        Self {
            error: ErrorDetail {
                code,
                message,
                fields: None,
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
struct ErrorDetail<'a> {
    /// Machine-readable, snake_case.
    #[schema(example = "task_not_found")]
    code: &'a str,
    message: &'a str,
    /// Only on 422: each invalid field's error codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<BTreeMap<String, Vec<String>>>, nullable = false, example = json!({"password": ["too_short"]}))]
    fields: Option<&'a BTreeMap<String, Vec<String>>>,
}

/// Renders an error body; also used by fallbacks that are not handlers.
pub fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(ErrorResponse::new(code, message))).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.database_unavailable() {
            tracing::warn!(error = format!("{self:#}"), "database unavailable");
            return unavailable(
                "database_unavailable",
                "the database is unavailable; try again shortly",
            );
        }
        match &self {
            Self::Client {
                status,
                code,
                message,
            } => error_response(*status, code, message),
            Self::Validation(fields) => {
                let body = ErrorResponse {
                    error: ErrorDetail {
                        code: "validation_failed",
                        message: "the request has invalid fields",
                        fields: Some(fields),
                    },
                };
                (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
            }
            Self::Throttled { retry_after_secs } => {
                let mut res = error_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    "too many attempts; try again later",
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                res
            }
            Self::Busy { retry_after_secs } => {
                let mut res = error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the server is busy; try again shortly",
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                res
            }
            Self::Database(e) => {
                tracing::error!(error = %e, "database error");
                internal()
            }
            Self::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                internal()
            }
        }
    }
}

/// 503 with a `Retry-After`, for a dependency that is away (database, upload store).
pub fn unavailable(code: &str, message: &str) -> Response {
    let mut res = error_response(StatusCode::SERVICE_UNAVAILABLE, code, message);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    res
}

fn internal() -> Response {
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "an internal error occurred",
    )
}

/// Maps a named unique-constraint violation to a 409 with the given code;
/// any other error passes through unchanged. Works on `ApiError` results
/// too, so one statement with several named constraints can chain calls.
pub trait OnConstraint<T> {
    fn on_constraint(self, name: &str, code: &'static str, message: &str) -> Result<T>;
}

impl<T, E: Into<ApiError>> OnConstraint<T> for std::result::Result<T, E> {
    fn on_constraint(self, name: &str, code: &'static str, message: &str) -> Result<T> {
        self.map_err(|e| match e.into() {
            ApiError::Database(sqlx::Error::Database(db)) if db.constraint() == Some(name) => {
                ApiError::new(StatusCode::CONFLICT, code, message)
            }
            other => other,
        })
    }
}

/// Middleware: gives error responses produced outside our handlers (axum's
/// extractor rejections, the body limit, 404/405 fallbacks) the JSON shape too.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Rejection texts are short; cap what we read all the same.
    let detail = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let detail = String::from_utf8_lossy(&detail);
    let (code, fallback) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "method not allowed here"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "unsupported media type"),
        StatusCode::UNPROCESSABLE_ENTITY => ("validation_failed", "the request body is invalid"),
        s if s.is_server_error() => ("internal_error", "an internal error occurred"),
        _ => ("bad_request", "the request is malformed"),
    };
    let message = if detail.trim().is_empty() || status.is_server_error() {
        fallback
    } else {
        detail.trim()
    };
    let mut res = error_response(status, code, message);
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            res.headers_mut().append(name, value.clone());
        }
    }
    res
}
