//! `Viewer`: who a task request acts for, as an extractor, so a handler's
//! signature says who may call it. Every task query takes one and carries
//! its scope in the `WHERE`.

use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts},
    http::request::Parts,
};
use uuid::Uuid;

use super::errors;
use crate::{
    error::ApiError,
    session::{MaybeSession, SessionContext},
};

/// Whose tasks a request may see: a user's, or else its anonymous series'.
/// Required, it rejects a caller without a session with 404
/// `task_not_found`, exactly as a task they cannot see; optional (the list,
/// the WebSocket), it is `None` instead.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Viewer {
    pub series_id: Uuid,
    pub user_id: Option<Uuid>,
}

impl From<&SessionContext> for Viewer {
    fn from(ctx: &SessionContext) -> Self {
        Self {
            series_id: ctx.series_id,
            user_id: ctx.user_id,
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let Ok(MaybeSession(ctx)) =
            <MaybeSession as FromRequestParts<S>>::from_request_parts(parts, state).await;
        Ok(ctx.as_ref().map(Self::from))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        <Self as OptionalFromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .ok()
            .flatten()
            .ok_or_else(errors::task_not_found)
    }
}
