//! `GET /api/session` and `POST /api/session/refresh`: the session as a
//! frontend sees it, with its account. They live with accounts because the
//! answer names the user; the session feature itself knows only user ids,
//! so it need not depend on accounts.

use std::sync::Arc;

use axum::{Json, extract::State};
use serde::Serialize;
use sqlx::PgPool;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Accounts, users::User};
use crate::{
    error::{ErrorResponse, Result},
    session::{RefreshFailure, Refreshed, SessionContext, SessionHandle, start_session},
};

pub(super) fn router() -> OpenApiRouter<Arc<Accounts>> {
    OpenApiRouter::new()
        .routes(routes!(get_session))
        .routes(routes!(refresh))
}

/// The caller's session: who is logged in, the CSRF token, and when the
/// session ID and the refresh token expire.
#[derive(Serialize, ToSchema)]
struct SessionView {
    authenticated: bool,
    #[schema(required = true)]
    user: Option<User>,
    csrf_token: String,
    #[serde(with = "crate::rfc3339")]
    session_expires_at: OffsetDateTime,
    #[serde(with = "crate::rfc3339")]
    refresh_expires_at: OffsetDateTime,
}

impl SessionView {
    /// Costs one query, for authenticated sessions only.
    async fn of(db: &PgPool, ctx: SessionContext) -> Result<Self> {
        let user = super::user_of(db, &ctx).await?;
        Ok(Self {
            authenticated: user.is_some(),
            user,
            csrf_token: ctx.csrf_token,
            session_expires_at: ctx.session_expires_at,
            refresh_expires_at: ctx.refresh_expires_at,
        })
    }
}

/// Starts a session if the caller has none.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "session",
    security((), ("session" = []), ("refresh" = [])),
    responses(
        (status = 200, description = "The session, started if there was none (sets the `sid` and `rt` cookies then)", body = SessionView),
    ),
)]
#[tracing::instrument(skip_all)]
async fn get_session(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
) -> Result<Json<SessionView>> {
    let ctx = start_session(&accounts.sessions, &handle).await?;
    Ok(Json(SessionView::of(&accounts.db, ctx).await?))
}

/// Rotates explicitly. A request whose session ID had expired was already
/// rotated by `manage_session`; its new pair is the answer.
#[utoipa::path(
    post,
    path = "/api/session/refresh",
    operation_id = "refresh_session",
    tag = "session",
    security(("refresh" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Rotated: new `sid` and `rt` cookies", body = SessionView),
        (status = 401, description = "`no_session`, `refresh_token_expired` or `refresh_token_reused` (the series is revoked)", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn refresh(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
) -> Result<Json<SessionView>> {
    if handle.rotated() {
        if let Some(ctx) = handle.current() {
            return Ok(Json(SessionView::of(&accounts.db, ctx).await?));
        }
    }
    if let Some(failure) = handle.refresh_failure() {
        return Err(failure.into());
    }
    let token = handle.refresh_token().ok_or(RefreshFailure::Unknown)?;
    match accounts.sessions.refresh(&token, &handle.client()).await? {
        Refreshed::Rotated(ctx, issued) | Refreshed::Replayed(ctx, issued) => {
            handle.issue(ctx.clone(), issued);
            Ok(Json(SessionView::of(&accounts.db, ctx).await?))
        }
        Refreshed::Failed(failure) => {
            handle.clear();
            Err(failure.into())
        }
    }
}
