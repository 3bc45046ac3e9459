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
use uuid::Uuid;

use super::{
    Viewer,
    model::Task,
    queries,
    routes::{task_not_found, visible},
};
use crate::{
    app::AppState,
    error::{ApiError, Result},
    processing::{Minutes, MinutesFormat, render},
    session::MaybeSession,
};

#[derive(Deserialize)]
pub(super) struct MinutesParams {
    format: Option<String>,
}

#[tracing::instrument(skip_all, fields(%task_id))]
pub(super) async fn minutes(
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
#[tracing::instrument(skip_all, fields(%task_id))]
pub(super) async fn retry(
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
