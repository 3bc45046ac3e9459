//! The task read and delete endpoints. They never start a session: a caller
//! without one sees an empty list and 404s.

use anyhow::Context as _;
use axum::{
    Json,
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use tokio_util::io::ReaderStream;
use uuid::Uuid;

use super::{
    UploadStore, Viewer,
    cursor::Cursor,
    filename,
    model::{Task, TaskRow},
    queries,
    store::StorageKey,
};
use crate::{
    app::AppState,
    error::{ApiError, Result},
    session::{MaybeSession, SessionContext},
};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;

/// Taken as text so a bad value gets our error code, not the extractor's.
#[derive(Deserialize)]
pub(super) struct ListParams {
    limit: Option<String>,
    cursor: Option<String>,
}

#[derive(Serialize)]
pub(super) struct TaskList {
    tasks: Vec<Task>,
    next_cursor: Option<String>,
}

/// The caller's tasks, newest first, a page at a time.
#[tracing::instrument(skip_all)]
pub(super) async fn list(
    State(state): State<AppState>,
    MaybeSession(ctx): MaybeSession,
    Query(params): Query<ListParams>,
) -> Result<Json<TaskList>> {
    let limit = match params.limit.as_deref().map(str::parse::<usize>) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_limit",
                format!("limit must be an integer from 1 to {MAX_LIMIT}"),
            ));
        }
    };
    let after = match params.cursor.as_deref() {
        None => None,
        Some(c) => Some(Cursor::decode(c).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_cursor",
                "malformed cursor",
            )
        })?),
    };
    let Some(ctx) = ctx else {
        return Ok(Json(TaskList {
            tasks: vec![],
            next_cursor: None,
        }));
    };
    // One row more than asked says whether another page exists.
    let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
    let mut rows = queries::list(&state.db, &Viewer::from(&ctx), after, fetch).await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| {
            Cursor {
                upload_timestamp: r.upload_timestamp,
                id: r.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok(Json(TaskList {
        tasks: rows.into_iter().map(Task::from).collect(),
        next_cursor,
    }))
}

#[tracing::instrument(skip_all, fields(%task_id))]
pub(super) async fn get_one(
    State(state): State<AppState>,
    MaybeSession(ctx): MaybeSession,
    Path(task_id): Path<Uuid>,
) -> Result<Json<Task>> {
    Ok(Json(visible(&state, ctx, task_id).await?.into()))
}

/// Deletes the row first: a file without a row is garbage, a row without its
/// file would be a broken task.
#[tracing::instrument(skip_all, fields(%task_id))]
pub(super) async fn delete(
    State(state): State<AppState>,
    MaybeSession(ctx): MaybeSession,
    Path(task_id): Path<Uuid>,
) -> Result<StatusCode> {
    let ctx = ctx.ok_or_else(task_not_found)?;
    let key = queries::delete(&state.db, &Viewer::from(&ctx), task_id)
        .await?
        .ok_or_else(task_not_found)?;
    let key = StorageKey::parse(&key).context("a stored task's key")?;
    if let Err(e) = state.uploads.delete(key).await {
        tracing::warn!(error = %e, %key, "deleted task's file not removed");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The uploaded file as stored, with the content type we derived at upload.
#[tracing::instrument(skip_all, fields(%task_id))]
pub(super) async fn media(
    State(state): State<AppState>,
    MaybeSession(ctx): MaybeSession,
    Path(task_id): Path<Uuid>,
) -> Result<Response> {
    let row = visible(&state, ctx, task_id).await?;
    let key = StorageKey::parse(&row.storage_key).context("a stored task's key")?;
    let (file, len) = state
        .uploads
        .open(key)
        .await
        .context("opening a stored upload")?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::try_from(row.content_type).context("a stored content type")?,
        ),
        (header::CONTENT_LENGTH, HeaderValue::from(len)),
        (
            header::CONTENT_DISPOSITION,
            filename::content_disposition(&row.filename)?,
        ),
        // User content: browsers must not second-guess the type we derived.
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    let body = Body::from_stream(ReaderStream::with_capacity(file, 64 * 1024));
    Ok((headers, body).into_response())
}

pub(super) async fn visible(
    state: &AppState,
    ctx: Option<SessionContext>,
    task_id: Uuid,
) -> Result<TaskRow> {
    let ctx = ctx.ok_or_else(task_not_found)?;
    queries::get(&state.db, &Viewer::from(&ctx), task_id)
        .await?
        .ok_or_else(task_not_found)
}

pub(super) fn task_not_found() -> ApiError {
    ApiError::not_found("task_not_found", "no such task")
}
