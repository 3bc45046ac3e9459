//! The results of processing: `GET /api/tasks/{task_id}/minutes` in the
//! format asked for, and `POST /api/tasks/{task_id}/retry` for failed tasks.

use anyhow::Context as _;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    Viewer,
    model::Task,
    queries,
    routes::{task_not_found, visible},
};
use crate::{
    app::AppState,
    error::{ApiError, ErrorResponse, Result},
    minutes::{Minutes, MinutesFormat, render},
    session::MaybeSession,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct MinutesParams {
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
pub(crate) async fn minutes(
    State(state): State<AppState>,
    MaybeSession(ctx): MaybeSession,
    Path(task_id): Path<Uuid>,
    Query(params): Query<MinutesParams>,
) -> Result<Response> {
    let format = match params.format.as_deref() {
        None => MinutesFormat::Markdown,
        Some(f) => MinutesFormat::from_query(f).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_format",
                "format must be md, json or txt",
            )
        })?,
    };
    let ctx = ctx.ok_or_else(task_not_found)?;
    let stored = queries::minutes(&state.db, &Viewer::from(&ctx), task_id)
        .await?
        .ok_or_else(task_not_found)?;
    let (Some(markdown), Some(json)) = (stored.markdown, stored.json) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_ready",
            format!("the minutes are not ready (the task is {})", stored.status),
        ));
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
pub(crate) async fn retry(
    State(state): State<AppState>,
    MaybeSession(ctx): MaybeSession,
    Path(task_id): Path<Uuid>,
) -> Result<Json<Task>> {
    let ctx = ctx.ok_or_else(task_not_found)?;
    match queries::retry(&state.db, &Viewer::from(&ctx), task_id).await? {
        Some(row) => Ok(Json(row.into())),
        None => {
            let row = visible(&state, Some(ctx), task_id).await?;
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_failed",
                format!(
                    "only failed tasks can be retried (the task is {})",
                    row.status
                ),
            ))
        }
    }
}
