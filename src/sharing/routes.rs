//! The owner's sharing endpoints (docs/api.md, "Sharing and roles"): list, grant or change,
//! revoke. Handlers only carry HTTP to the flows in `service`.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    extract::LoggedIn,
    model::{Permission, Share},
    service,
};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
};

pub fn router<S: Clone + Send + Sync + 'static>(db: PgPool) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(put, delete))
        .with_state(db)
}

#[derive(Serialize, ToSchema)]
struct ShareList {
    shares: Vec<Share>,
}

/// The body of a grant: the permission to give (or change to).
#[derive(Deserialize, ToSchema)]
pub(crate) struct PutShare {
    pub permission: Permission,
}

/// Who the task is shared with, oldest grant first.
#[utoipa::path(
    get,
    path = "/api/tasks/{task_id}/shares",
    operation_id = "list_shares",
    tag = "sharing",
    params(("task_id" = Uuid, Path, description = "The task")),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The task's shares", body = ShareList),
        (status = 401, description = "`login_required`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: a grantee may not see the shares", body = ErrorResponse),
        (status = 404, description = "`task_not_found`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn list(
    State(db): State<PgPool>,
    by: LoggedIn,
    Path(task_id): Path<Uuid>,
) -> Result<Json<ShareList>> {
    let shares = service::list(&db, &by, task_id).await?;
    Ok(Json(ShareList { shares }))
}

/// Shares the task with a user, or changes their permission in place;
/// idempotent.
#[utoipa::path(
    put,
    path = "/api/tasks/{task_id}/shares/{username}",
    operation_id = "put_share",
    tag = "sharing",
    params(
        ("task_id" = Uuid, Path, description = "The task"),
        ("username" = String, Path, description = "The grantee"),
    ),
    request_body = PutShare,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The share as it now is", body = Share),
        (status = 401, description = "`login_required`", body = ErrorResponse),
        (status = 403, description = "`forbidden` (a grantee), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`, or `user_not_found` (no enabled account of that name)", body = ErrorResponse),
        (status = 409, description = "`anonymous_task`: the task belongs to an anonymous session", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `username` is the task's owner (`is_owner`), or a bad `permission`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id, %username))]
async fn put(
    State(db): State<PgPool>,
    by: LoggedIn,
    Path((task_id, username)): Path<(Uuid, String)>,
    JsonObject(body): JsonObject<PutShare>,
) -> Result<Json<Share>> {
    let share = service::grant(&db, &by, task_id, &username, body.permission).await?;
    Ok(Json(share))
}

/// Takes the task from a user at once, open sockets included.
#[utoipa::path(
    delete,
    path = "/api/tasks/{task_id}/shares/{username}",
    operation_id = "delete_share",
    tag = "sharing",
    params(
        ("task_id" = Uuid, Path, description = "The task"),
        ("username" = String, Path, description = "The grantee"),
    ),
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "`login_required`", body = ErrorResponse),
        (status = 403, description = "`forbidden` (a grantee), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`, or `share_not_found` (not shared with that user)", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id, %username))]
async fn delete(
    State(db): State<PgPool>,
    by: LoggedIn,
    Path((task_id, username)): Path<(Uuid, String)>,
) -> Result<StatusCode> {
    service::revoke(&db, &by, task_id, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}
