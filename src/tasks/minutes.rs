//! The results of processing: `GET /api/tasks/{task_id}/minutes` in the
//! format asked for, and `POST /api/tasks/{task_id}/retry` for failed tasks.

use anyhow::Context as _;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    Viewer, errors,
    model::{Right, Task},
    queries,
};
use crate::{
    app::AppState,
    error::{ErrorResponse, Result},
    minutes::{Minutes, MinutesFormat, render},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(minutes))
        .routes(routes!(retry))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MinutesParams {
    /// `md` (default), `json` or `txt`; `markdown` and `text` are accepted too.
    #[param(example = "md")]
    format: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/tasks/{task_id}/minutes",
    operation_id = "get_minutes",
    tag = "tasks",
    params(("task_id" = Uuid, Path, description = "The task"), MinutesParams),
    security(("session" = [])),
    responses(
        (status = 200, description = "The minutes in the format asked for",
            content(
                (String = "text/markdown"),
                (Object = "application/json"),
                (String = "text/plain"),
            )),
        (status = 400, description = "`invalid_format`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
        (status = 409, description = "`not_ready`: the task has not completed", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn minutes(
    State(state): State<AppState>,
    Path(task_id): Path<Uuid>,
    Query(params): Query<MinutesParams>,
    viewer: Viewer,
) -> Result<Response> {
    let format = match params.format.as_deref() {
        None => MinutesFormat::Markdown,
        Some(f) => MinutesFormat::from_query(f).ok_or_else(errors::invalid_format)?,
    };
    let stored = queries::minutes(&state.db, &viewer, task_id)
        .await?
        .ok_or_else(errors::task_not_found)?;
    let (Some(markdown), Some(json)) = (stored.markdown, stored.json) else {
        return Err(errors::not_ready(stored.status));
    };
    let body = match format {
        // Stored as rendered at completion; later edits will change it alone.
        MinutesFormat::Markdown => markdown,
        MinutesFormat::Json => serde_json::to_string(&json).context("serializing minutes")?,
        MinutesFormat::Text => {
            let minutes: Minutes = serde_json::from_value(json).context("stored minutes")?;
            render::text(&minutes)
        }
    };
    Ok(([(header::CONTENT_TYPE, format.content_type())], body).into_response())
}

/// A failed task goes back in the queue; anything else is 409.
#[utoipa::path(
    post,
    path = "/api/tasks/{task_id}/retry",
    operation_id = "retry_task",
    tag = "tasks",
    params(("task_id" = Uuid, Path, description = "The task")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Queued again", body = Task),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
        (status = 409, description = "`not_failed`: only failed tasks can be retried", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn retry(
    State(state): State<AppState>,
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
