//! `LoggedIn`: the extractor for the sharing endpoints, a logged-in caller
//! as a task `Viewer` plus who they are for the audit log. An anonymous
//! caller is rejected with 401 `login_required` before any task is read.

use axum::{extract::FromRequestParts, http::request::Parts};
use uuid::Uuid;

use super::errors;
use crate::{audit, error::ApiError, session::SessionHandle, tasks::Viewer};

#[derive(Debug, Clone)]
pub(crate) struct LoggedIn {
    pub viewer: Viewer,
    pub user_id: Uuid,
    pub actor: audit::Actor,
}

impl LoggedIn {
    /// The request's caller when a user is logged in.
    pub(crate) fn of(handle: &SessionHandle) -> Option<Self> {
        let ctx = handle.current()?;
        let user_id = ctx.user_id?;
        Some(Self {
            viewer: Viewer::from(&ctx),
            user_id,
            actor: audit::Actor {
                user_id: Some(user_id),
                series_id: Some(ctx.series_id),
                ip: handle.client().ip,
            },
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for LoggedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ok(handle) = SessionHandle::from_request_parts(parts, state).await;
        Self::of(&handle).ok_or_else(errors::login_required)
    }
}
