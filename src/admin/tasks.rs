//! `GET /api/admin/tasks` (every task, `?owner=`) and sharing any task:
//! `PUT`/`DELETE /api/admin/tasks/{task_id}/shares/{username}` run the
//! sharing feature's own flows with the admin as caller (an admin has
//! `Manage` on every task), so there is one implementation of sharing.

use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{AdminState, extract::RequireAdmin};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    paging::Page,
    sharing::{self, Permission, Share},
    tasks::{self, Cursor, Task},
};

pub(super) fn router() -> OpenApiRouter<AdminState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(put_share, delete_share))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListParams {
    /// Only this user's tasks.
    owner: Option<String>,
    /// Page size, 1–100; 50 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct AdminTaskList {
    tasks: Vec<Task>,
    /// Where the next page starts; null on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// Every task, newest upload first, with its owner.
#[utoipa::path(
    get,
    path = "/api/admin/tasks",
    operation_id = "admin_list_tasks",
    tag = "admin",
    params(ListParams),
    security(("session" = [])),
    responses(
        (status = 200, description = "Tasks, newest first; `access` is `admin` (or `owner` for the admin's own), `owner` names the owning user (null for an anonymous session's task)", body = AdminTaskList),
        (status = 400, description = "`invalid_limit` or `invalid_cursor`", body = ErrorResponse),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn list(
    RequireAdmin(admin): RequireAdmin,
    State(state): State<AdminState>,
    Query(params): Query<ListParams>,
) -> Result<Json<AdminTaskList>> {
    let page = Page::<Cursor>::parse(params.limit.as_deref(), params.cursor.as_deref())?;
    let owner = params.owner.as_deref();
    let mut rows =
        tasks::queries::list_all(&state.db, &admin.viewer, owner, page.after, page.fetch()).await?;
    let next_cursor = page.finish(&mut rows, Cursor::of);
    Ok(Json(AdminTaskList {
        tasks: rows.into_iter().map(Task::from).collect(),
        next_cursor,
    }))
}

#[derive(Deserialize, ToSchema)]
struct AdminPutShare {
    permission: Permission,
}

/// Shares any task, as its owner could.
#[utoipa::path(
    put,
    path = "/api/admin/tasks/{task_id}/shares/{username}",
    operation_id = "admin_put_share",
    tag = "admin",
    params(
        ("task_id" = Uuid, Path, description = "The task"),
        ("username" = String, Path, description = "The grantee"),
    ),
    request_body = AdminPutShare,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The share as it now is", body = Share),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin; `csrf_failed`, `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found` or `user_not_found`", body = ErrorResponse),
        (status = 409, description = "`anonymous_task`: the task belongs to an anonymous session", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `username` is the owner (`is_owner`), or a bad `permission`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id, %username))]
async fn put_share(
    RequireAdmin(admin): RequireAdmin,
    State(state): State<AdminState>,
    Path((task_id, username)): Path<(Uuid, String)>,
    JsonObject(body): JsonObject<AdminPutShare>,
) -> Result<Json<Share>> {
    let share = sharing::grant(&state.db, &admin, task_id, &username, body.permission).await?;
    Ok(Json(share))
}

/// Unshares any task.
#[utoipa::path(
    delete,
    path = "/api/admin/tasks/{task_id}/shares/{username}",
    operation_id = "admin_delete_share",
    tag = "admin",
    params(
        ("task_id" = Uuid, Path, description = "The task"),
        ("username" = String, Path, description = "The grantee"),
    ),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin; `csrf_failed`, `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found` or `share_not_found`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id, %username))]
async fn delete_share(
    RequireAdmin(admin): RequireAdmin,
    State(state): State<AdminState>,
    Path((task_id, username)): Path<(Uuid, String)>,
) -> Result<StatusCode> {
    sharing::revoke(&state.db, &admin, task_id, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}
