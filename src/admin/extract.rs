//! `RequireAdmin`: the extractor every admin endpoint takes. Anonymous →
//! 401 `not_authenticated`; a user without the `admin` role (or disabled) →
//! 403 `forbidden`. The role is read from the database on every request, so
//! removing it takes effect at once.

use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};
use sqlx::PgPool;

use super::{errors, queries};
use crate::{
    auth::errors::not_authenticated, error::ApiError, session::SessionHandle, sharing::LoggedIn,
};

/// An enabled admin, as the sharing flows' caller.
pub(super) struct RequireAdmin(pub LoggedIn);

impl<S> FromRequestParts<S> for RequireAdmin
where
    S: Send + Sync,
    PgPool: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ok(handle) = SessionHandle::from_request_parts(parts, state).await;
        // `bearer_policy` keeps API tokens off these routes; this keeps
        // them off should a route ever slip past it.
        if handle.current().is_some_and(|ctx| ctx.token.is_some()) {
            return Err(errors::forbidden());
        }
        let caller = LoggedIn::of(&handle).ok_or_else(not_authenticated)?;
        if queries::is_admin(&PgPool::from_ref(state), caller.user_id).await? {
            Ok(Self(caller))
        } else {
            Err(errors::forbidden())
        }
    }
}
