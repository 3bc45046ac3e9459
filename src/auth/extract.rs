//! `CurrentUser`: the extractor for handlers only a logged-in caller may use.
//! It reads the user from the session record `manage_session` already loaded, so it
//! costs no query.

use axum::{extract::FromRequestParts, http::request::Parts};
use uuid::Uuid;

use super::errors::not_authenticated;
use crate::{
    error::ApiError,
    session::{MaybeSession, SessionContext},
};

/// The logged-in caller; 401 `not_authenticated` otherwise.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: Uuid,
    pub session: SessionContext,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ok(MaybeSession(session)) = MaybeSession::from_request_parts(parts, state).await;
        session
            .and_then(|session| {
                let id = session.user_id?;
                Some(Self { id, session })
            })
            .ok_or_else(not_authenticated)
    }
}
