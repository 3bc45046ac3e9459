//! The session endpoints (README, "Sessions: what a frontend needs to know").

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, get, post},
};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    CurrentSession, MaybeSession, RefreshFailure, Refreshed, Selector, SessionContext,
    SessionHandle, errors, session_series, start_session,
};
use crate::{
    app::AppState,
    audit,
    auth::{self, User},
    error::{ApiError, ErrorResponse, Result},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/session", get(get_session))
        .route("/api/session/refresh", post(refresh))
        .route("/api/sessions", get(list_sessions))
        .route("/api/sessions/{id}", delete(revoke_one))
        .route("/api/sessions/revoke-others", post(revoke_others))
}

/// The caller's session: who is logged in, the CSRF token, and when the
/// session ID and the refresh token expire.
#[derive(Serialize, ToSchema)]
pub(crate) struct SessionView {
    authenticated: bool,
    #[schema(required = true)]
    user: Option<User>,
    csrf_token: String,
    #[serde(with = "time::serde::rfc3339")]
    session_expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    refresh_expires_at: OffsetDateTime,
}

impl SessionView {
    /// Costs one query, for authenticated sessions only.
    async fn of(state: &AppState, ctx: SessionContext) -> Result<Self> {
        let user = auth::user_of(state, &ctx).await?;
        Ok(Self {
            authenticated: user.is_some(),
            user,
            csrf_token: ctx.csrf_token,
            session_expires_at: ctx.session_expires_at,
            refresh_expires_at: ctx.refresh_expires_at,
        })
    }
}

fn actor(ctx: &SessionContext, handle: &SessionHandle) -> audit::Actor {
    audit::Actor {
        user_id: ctx.user_id,
        series_id: Some(ctx.series_id),
        ip: handle.client().ip,
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
pub(crate) async fn get_session(
    State(state): State<AppState>,
    handle: SessionHandle,
) -> Result<Json<SessionView>> {
    let ctx = start_session(&state.sessions, &handle).await?;
    Ok(Json(SessionView::of(&state, ctx).await?))
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
pub(crate) async fn refresh(
    State(state): State<AppState>,
    handle: SessionHandle,
) -> Result<Json<SessionView>> {
    if handle.rotated() {
        if let Some(ctx) = handle.current() {
            return Ok(Json(SessionView::of(&state, ctx).await?));
        }
    }
    if let Some(failure) = handle.refresh_failure() {
        return Err(failure.into());
    }
    let token = handle.refresh_token().ok_or(RefreshFailure::Unknown)?;
    match state.sessions.refresh(&token, &handle.client()).await? {
        Refreshed::Rotated(ctx, issued) | Refreshed::Replayed(ctx, issued) => {
            handle.issue(ctx.clone(), issued);
            Ok(Json(SessionView::of(&state, ctx).await?))
        }
        Refreshed::Failed(failure) => {
            handle.clear();
            Err(failure.into())
        }
    }
}

/// One live session series.
#[derive(Serialize, ToSchema)]
struct SessionItem {
    id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    last_seen_at: OffsetDateTime,
    #[schema(required = true)]
    user_agent: Option<String>,
    #[schema(required = true)]
    ip: Option<String>,
    current: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SessionList {
    sessions: Vec<SessionItem>,
}

/// Lists the caller's live series; never starts a session.
#[utoipa::path(
    get,
    path = "/api/sessions",
    tag = "session",
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The caller's live series (all of a logged-in user's); empty without a session", body = SessionList),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_sessions(
    State(state): State<AppState>,
    MaybeSession(ctx): MaybeSession,
) -> Result<Json<SessionList>> {
    let Some(ctx) = ctx else {
        return Ok(Json(SessionList { sessions: vec![] }));
    };
    let sessions = session_series::list_live(&state.db, ctx.series_id, ctx.user_id)
        .await?
        .into_iter()
        .map(|s| SessionItem {
            current: s.id == ctx.series_id,
            id: s.id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            user_agent: s.user_agent,
            ip: s.ip,
        })
        .collect();
    Ok(Json(SessionList { sessions }))
}

/// Revokes one of the caller's own series; anyone else's is 404.
#[utoipa::path(
    delete,
    path = "/api/sessions/{id}",
    operation_id = "revoke_session",
    tag = "session",
    params(("id" = Uuid, Path, description = "The series to revoke")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Revoked; revoking the current series also clears the cookies"),
        (status = 401, description = "`no_session`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`session_not_found`: not one of the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(target = %id))]
pub(crate) async fn revoke_one(
    State(state): State<AppState>,
    handle: SessionHandle,
    CurrentSession(ctx): CurrentSession,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let selector = match ctx.user_id {
        Some(user_id) => Selector::users_series(user_id, id),
        None if id == ctx.series_id => Selector::series(id),
        None => return Err(session_not_found()),
    };
    let revoked = state
        .sessions
        .revoke(selector, "revoked_by_owner", &actor(&ctx, &handle))
        .await?;
    if revoked.is_empty() {
        return Err(session_not_found());
    }
    if id == ctx.series_id {
        handle.clear();
    }
    Ok(StatusCode::NO_CONTENT)
}

fn session_not_found() -> ApiError {
    ApiError::not_found(errors::SESSION_NOT_FOUND, "no such session")
}

/// Revokes all the user's other series; an anonymous caller has none.
#[utoipa::path(
    post,
    path = "/api/sessions/revoke-others",
    operation_id = "revoke_other_sessions",
    tag = "session",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Every other series of the user revoked (nothing for an anonymous caller)"),
        (status = 401, description = "`no_session`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn revoke_others(
    State(state): State<AppState>,
    handle: SessionHandle,
    CurrentSession(ctx): CurrentSession,
) -> Result<StatusCode> {
    if let Some(user_id) = ctx.user_id {
        state
            .sessions
            .revoke(
                Selector::all_of_user(user_id, Some(ctx.series_id)),
                "revoked_by_owner",
                &actor(&ctx, &handle),
            )
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
