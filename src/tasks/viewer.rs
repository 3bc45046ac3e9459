//! `Viewer`: who a task request acts for, as an extractor, so a handler's
//! signature says who may call it. Every task query takes one and carries
//! its access in the `WHERE`; `read` and `authorize` turn "no access" into
//! 404 and "not enough" into 403, so no handler decides access itself.

use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts},
    http::request::Parts,
};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    errors::{self, TaskError},
    model::{Access, Right, TaskRow},
    queries,
};
use crate::{
    error::{ApiError, Result},
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
    /// When the caller's series ends, unless it is extended meanwhile: a
    /// socket stays open no longer.
    pub series_ends: OffsetDateTime,
}

impl From<&SessionContext> for Viewer {
    fn from(ctx: &SessionContext) -> Self {
        Self {
            series_id: ctx.series_id,
            user_id: ctx.user_id,
            series_ends: ctx.refresh_expires_at,
        }
    }
}

impl Viewer {
    /// The task as this viewer sees it; `NotFound` without access.
    pub(crate) async fn read(
        &self,
        db: impl sqlx::PgExecutor<'_>,
        task_id: Uuid,
    ) -> Result<TaskRow, TaskError> {
        queries::get(db, self, task_id)
            .await?
            .ok_or(TaskError::NotFound)
    }

    /// Locks the task for the rest of `conn`'s transaction and checks that
    /// the viewer's access allows `right`: `NotFound` without access,
    /// `Forbidden` when it falls short.
    pub(crate) async fn authorize(
        &self,
        conn: &mut PgConnection,
        task_id: Uuid,
        right: Right,
    ) -> Result<Access, TaskError> {
        let access = queries::lock(conn, self, task_id)
            .await?
            .ok_or(TaskError::NotFound)?;
        if access.allows(right) {
            Ok(access)
        } else {
            Err(TaskError::Forbidden(access))
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> std::result::Result<Option<Self>, Self::Rejection> {
        let Ok(MaybeSession(ctx)) =
            <MaybeSession as FromRequestParts<S>>::from_request_parts(parts, state).await;
        Ok(ctx.as_ref().map(Self::from))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        <Self as OptionalFromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .ok()
            .flatten()
            .ok_or_else(errors::task_not_found)
    }
}
