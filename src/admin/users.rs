//! `GET /api/admin/users`, `PATCH /api/admin/users/{user_id}` and
//! `DELETE /api/admin/users/{user_id}/sessions`.

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{AdminState, accounts, extract::RequireAdmin, queries};
use crate::{
    audit,
    auth::{self, Role, User},
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    paging::PageQuery,
    session::{CurrentSession, Selector},
    sharing,
};

pub(super) fn router() -> OpenApiRouter<AdminState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(patch))
        .routes(routes!(revoke_sessions))
}

/// A `User` with what only admins see.
#[derive(Serialize, ToSchema)]
struct AdminUser {
    #[serde(flatten)]
    user: User,
    disabled: bool,
    /// Live (unexpired, unrevoked) session series.
    session_count: i64,
}

impl From<queries::UserRow> for AdminUser {
    fn from(r: queries::UserRow) -> Self {
        Self {
            user: User {
                id: r.id,
                username: r.username,
                email: r.email,
                roles: r.roles,
                created_at: r.created_at,
            },
            disabled: r.disabled,
            session_count: r.session_count,
        }
    }
}

#[derive(Serialize, ToSchema)]
struct UserList {
    users: Vec<AdminUser>,
    /// Where the next page starts; null on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// Every account, by username, a page at a time.
#[utoipa::path(
    get,
    path = "/api/admin/users",
    operation_id = "admin_list_users",
    tag = "admin",
    params(PageQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "Accounts by username", body = UserList),
        (status = 400, description = "`invalid_limit`", body = ErrorResponse),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn list(
    _admin: RequireAdmin,
    State(state): State<AdminState>,
    Query(query): Query<PageQuery>,
) -> Result<Json<UserList>> {
    let page = query.page::<String>()?;
    let mut rows = queries::users(&state.db, None, page.after.as_deref(), page.fetch()).await?;
    let next_cursor = page.finish(&mut rows, |r| r.username.clone());
    Ok(Json(UserList {
        users: rows.into_iter().map(AdminUser::from).collect(),
        next_cursor,
    }))
}

/// The fields to change; absent ones stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PatchUser {
    /// The account's roles from now on; `member` is always kept.
    roles: Option<Vec<Role>>,
    disabled: Option<bool>,
}

/// Changes an account's roles or disabled flag, for an admin who signed in
/// within `auth.fresh_secs`. Disabling revokes all of the user's sessions
/// at once.
#[utoipa::path(
    patch,
    path = "/api/admin/users/{user_id}",
    operation_id = "admin_update_user",
    tag = "admin",
    params(("user_id" = Uuid, Path, description = "The account")),
    request_body = PatchUser,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The account as it now is", body = AdminUser),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin; `reauthentication_required`: no sign-in within `auth.fresh_secs`; `csrf_failed`, `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`user_not_found`", body = ErrorResponse),
        (status = 409, description = "`last_admin`: the change would leave no enabled admin", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: an unknown role or field", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%user_id))]
async fn patch(
    RequireAdmin(admin): RequireAdmin,
    CurrentSession(ctx): CurrentSession,
    State(state): State<AdminState>,
    Path(user_id): Path<Uuid>,
    JsonObject(body): JsonObject<PatchUser>,
) -> Result<Json<AdminUser>> {
    state.sessions.require_fresh(&ctx).await?;
    let mut tx = state.db.begin().await?;
    let target = accounts::lock(&mut tx, user_id).await?;
    let roles = body.roles.unwrap_or_else(|| target.roles.clone());
    let disabled = body.disabled.unwrap_or(target.disabled);
    let stays_admin = roles.contains(&Role::Admin) && !disabled;
    accounts::keep_an_admin(&mut tx, &target, stays_admin).await?;
    accounts::set_roles(&mut tx, &target, &roles, &admin.actor).await?;
    accounts::set_disabled(&mut tx, &state.sessions, &target, disabled, &admin.actor).await?;
    let mut user = queries::users(&mut *tx, Some(user_id), None, 1).await?;
    tx.commit().await?;
    let user = user.pop().ok_or_else(sharing::user_not_found)?;
    Ok(Json(user.into()))
}

/// Revokes every session of the account, its API tokens included: each of
/// its browsers is logged out on its next request, and its sockets close;
/// its device cookies stop counting.
#[utoipa::path(
    delete,
    path = "/api/admin/users/{user_id}/sessions",
    operation_id = "admin_revoke_user_sessions",
    tag = "admin",
    params(("user_id" = Uuid, Path, description = "The account")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "All the user's series are revoked, API tokens included"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin; `csrf_failed`, `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`user_not_found`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%user_id))]
async fn revoke_sessions(
    RequireAdmin(admin): RequireAdmin,
    State(state): State<AdminState>,
    Path(user_id): Path<Uuid>,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    let target = queries::users(&mut *tx, Some(user_id), None, 1)
        .await?
        .pop()
        .ok_or_else(sharing::user_not_found)?;
    // Signed out everywhere: known browsers are strangers again too.
    auth::forget_devices(&mut tx, user_id).await?;
    let selector = Selector::all_of_user(user_id, None);
    let revoked = state
        .sessions
        .revoke_in(&mut tx, selector, "revoked_by_admin", &admin.actor)
        .await?;
    audit::record(
        &mut tx,
        audit::Kind::SessionsRevokedByAdmin,
        &admin.actor,
        Some(&target.username),
        serde_json::json!({ "count": revoked.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
