//! `GET /api/admin/users/{user_id}/tokens` and
//! `DELETE /api/admin/tokens/{token_id}`: any user's API tokens, listed and
//! revoked with the tokens feature's own queries and flow.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{AdminState, extract::RequireAdmin, queries};
use crate::{
    error::{ErrorResponse, Result},
    sharing, tokens,
};

pub(super) fn router() -> OpenApiRouter<AdminState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(revoke))
}

/// An account's API tokens, newest first, never their secrets.
#[utoipa::path(
    get,
    path = "/api/admin/users/{user_id}/tokens",
    operation_id = "admin_list_user_tokens",
    tag = "admin",
    params(("user_id" = Uuid, Path, description = "The account")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The account's tokens", body = tokens::TokenList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin (or an API token)", body = ErrorResponse),
        (status = 404, description = "`user_not_found`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%user_id))]
async fn list(
    _admin: RequireAdmin,
    State(state): State<AdminState>,
    Path(user_id): Path<Uuid>,
) -> Result<Json<tokens::TokenList>> {
    queries::users(&state.db, Some(user_id), None, 1)
        .await?
        .pop()
        .ok_or_else(sharing::user_not_found)?;
    Ok(Json(tokens::TokenList {
        tokens: tokens::list_of_user(&state.db, user_id).await?,
    }))
}

/// Revokes any user's token, on every instance within the `NOTIFY` delay.
#[utoipa::path(
    delete,
    path = "/api/admin/tokens/{token_id}",
    operation_id = "admin_revoke_token",
    tag = "admin",
    params(("token_id" = Uuid, Path, description = "The token")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Revoked (or already revoked)"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin; `csrf_failed`, `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`token_not_found`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%token_id))]
async fn revoke(
    RequireAdmin(admin): RequireAdmin,
    State(state): State<AdminState>,
    Path(token_id): Path<Uuid>,
) -> Result<StatusCode> {
    tokens::revoke(&state.db, &state.sessions, token_id, None, &admin.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
