//! `POST /api/tasks/{task_id}/retry`: a failed task goes back in the queue.

use axum::{
    Json,
    extract::{Path, State},
};
use uuid::Uuid;

use super::{
    TasksState, Viewer, errors,
    model::{Right, Task},
    queries,
};
use crate::error::{ErrorResponse, Result};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn router() -> OpenApiRouter<TasksState> {
    OpenApiRouter::new().routes(routes!(retry))
}

/// A failed task goes back in the queue; anything else is 409.
#[utoipa::path(
    post,
    path = "/api/tasks/{task_id}/retry",
    operation_id = "retry_task",
    tag = "tasks",
    params(("task_id" = Uuid, Path, description = "The task")),
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Queued again", body = Task),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
        (status = 409, description = "`not_failed`: only failed tasks can be retried", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn retry(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    viewer: Viewer,
) -> Result<Json<Task>> {
    let mut tx = state.db.begin().await?;
    viewer.authorize(&mut tx, task_id, Right::Retry).await?;
    let requeued = queries::retry(&mut tx, task_id).await?;
    let row = viewer.read(&mut *tx, task_id).await?;
    if !requeued {
        return Err(errors::not_failed(row.status));
    }
    tx.commit().await?;
    Ok(Json(row.into()))
}
