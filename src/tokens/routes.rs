//! `POST /api/tokens`, `GET /api/tokens`, `DELETE /api/tokens/{token_id}`:
//! a logged-in user's own tokens, from a browser session only (no token can
//! call these, `session::bearer_policy`).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    TokensState,
    model::{CreatedToken, NewTokenRequest, TokenList},
    queries, service,
};
use crate::{
    audit,
    auth::CurrentUser,
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::{SessionHandle, Sessions},
};

pub fn router<S: Clone + Send + Sync + 'static>(state: TokensState) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
        .with_state(state)
}

/// Creates a token; its secret is in this answer only. Needs a sign-in
/// within `auth.fresh_secs`, or `password`.
#[utoipa::path(
    post,
    path = "/api/tokens",
    operation_id = "create_token",
    tag = "tokens",
    request_body = NewTokenRequest,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Created; `secret` is shown this once", body = CreatedToken),
        (status = 401, description = "`not_authenticated`, or `invalid_credentials` for a wrong `password`", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required`, `token_not_allowed` (called with a token), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: `task_id` is not a task the caller can see", body = ErrorResponse),
        (status = 409, description = "`too_many_tokens`", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `name`, `scopes` or `expires_in_days`", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts` (password checks), with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn create(
    State(state): State<TokensState>,
    handle: SessionHandle,
    user: CurrentUser,
    JsonObject(body): JsonObject<NewTokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>)> {
    let created = service::create(&state, &user, &handle.client(), body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The caller's tokens, newest first, revoked ones included until purged.
#[utoipa::path(
    get,
    path = "/api/tokens",
    operation_id = "list_tokens",
    tag = "tokens",
    security(("session" = [])),
    responses(
        (status = 200, description = "The caller's tokens, never their secrets", body = TokenList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`token_not_allowed`: called with a token", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn list(State(db): State<PgPool>, user: CurrentUser) -> Result<Json<TokenList>> {
    Ok(Json(TokenList {
        tokens: queries::list_of_user(&db, user.id).await?,
    }))
}

/// Revokes one of the caller's tokens, on every instance within the
/// `NOTIFY` delay.
#[utoipa::path(
    delete,
    path = "/api/tokens/{token_id}",
    operation_id = "revoke_token",
    tag = "tokens",
    params(("token_id" = Uuid, Path, description = "The token")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Revoked (or already revoked)"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`token_not_allowed`, `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`token_not_found`: none of the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %token_id))]
async fn revoke(
    State(db): State<PgPool>,
    State(sessions): State<std::sync::Arc<Sessions>>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(token_id): Path<Uuid>,
) -> Result<StatusCode> {
    let actor = audit::Actor {
        user_id: Some(user.id),
        series_id: Some(user.session.series_id),
        ip: handle.client().ip,
    };
    service::revoke(&db, &sessions, token_id, Some(user.id), &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
