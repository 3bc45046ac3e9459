//! The session endpoints (docs/api.md, "Sessions")
//! that need no account: list and revoke series. `GET /api/session` and
//! `POST /api/session/refresh` answer with the user, so they live in
//! `auth::session_routes`.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    CurrentSession, MaybeSession, Selector, SessionContext, SessionHandle, Sessions, errors,
    session_series,
};
use crate::{
    audit,
    error::{ApiError, ErrorResponse, Result},
};

pub fn router<S: Clone + Send + Sync + 'static>(sessions: Arc<Sessions>) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_one))
        .routes(routes!(revoke_others))
        .with_state(sessions)
}

fn actor(ctx: &SessionContext, handle: &SessionHandle) -> audit::Actor {
    audit::Actor {
        user_id: ctx.user_id,
        series_id: Some(ctx.series_id),
        ip: handle.client().ip,
    }
}

/// One live session series.
#[derive(Serialize, ToSchema)]
struct SessionItem {
    id: Uuid,
    #[serde(with = "crate::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "crate::rfc3339")]
    last_seen_at: OffsetDateTime,
    #[schema(required = true)]
    user_agent: Option<String>,
    #[schema(required = true)]
    ip: Option<String>,
    current: bool,
}

#[derive(Serialize, ToSchema)]
struct SessionList {
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
async fn list_sessions(
    State(sessions): State<Arc<Sessions>>,
    MaybeSession(ctx): MaybeSession,
) -> Result<Json<SessionList>> {
    let Some(ctx) = ctx else {
        return Ok(Json(SessionList { sessions: vec![] }));
    };
    let sessions = session_series::list_live(&sessions.db, ctx.series_id, ctx.user_id)
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
async fn revoke_one(
    State(sessions): State<Arc<Sessions>>,
    handle: SessionHandle,
    CurrentSession(ctx): CurrentSession,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let selector = match ctx.user_id {
        Some(user_id) => Selector::users_series(user_id, id),
        None if id == ctx.series_id => Selector::series(id),
        None => return Err(session_not_found()),
    };
    let revoked = sessions
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

/// Revokes all the user's other browser sessions (not their API tokens);
/// an anonymous caller has none.
#[utoipa::path(
    post,
    path = "/api/sessions/revoke-others",
    operation_id = "revoke_other_sessions",
    tag = "session",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Every other browser session of the user revoked; API tokens stay (nothing for an anonymous caller)"),
        (status = 401, description = "`no_session`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn revoke_others(
    State(sessions): State<Arc<Sessions>>,
    handle: SessionHandle,
    CurrentSession(ctx): CurrentSession,
) -> Result<StatusCode> {
    if let Some(user_id) = ctx.user_id {
        sessions
            .revoke(
                Selector::other_browsers(user_id, ctx.series_id),
                "revoked_by_owner",
                &actor(&ctx, &handle),
            )
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
