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
use serde::Serialize;
use tokio_util::io::ReaderStream;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    TasksState, Viewer,
    cursor::{Cursor, MeetingCursor},
    filename,
    filters::{Filters, ListQuery, Sort},
    model::{Right, Task, TaskRow},
    queries::{self, ListAfter},
};
use crate::{
    error::{ErrorResponse, Result},
    paging::{Key, Page},
    storage::{StorageKey, UploadStore},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn router() -> OpenApiRouter<TasksState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_one, delete))
        .routes(routes!(media))
}

#[derive(Default, Serialize, ToSchema)]
struct TaskList {
    tasks: Vec<Task>,
    /// Where the next page starts; null on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// The caller's tasks, newest first (or by meeting date), a page at a
/// time, narrowed by the filters.
#[utoipa::path(
    get,
    path = "/api/tasks",
    operation_id = "list_tasks",
    tag = "tasks",
    params(ListQuery),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The caller's tasks that pass the filters, newest `upload_timestamp` first (or latest `meeting_date` first); empty without a session", body = TaskList),
        (status = 400, description = "`invalid_limit`, `invalid_cursor` (malformed, or of the other sort) or `invalid_filter`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<TasksState>,
    viewer: Option<Viewer>,
    Query(query): Query<ListQuery>,
) -> Result<Json<TaskList>> {
    let filters = query.filters()?;
    let (limit, cursor) = (query.limit.as_deref(), query.cursor.as_deref());
    let list = match filters.sort {
        Sort::Uploaded => {
            let page = Page::parse(limit, cursor)?;
            list_page(
                &state,
                viewer,
                &filters,
                page,
                ListAfter::Uploaded,
                Cursor::of,
            )
            .await?
        }
        Sort::MeetingDate => {
            let page = Page::parse(limit, cursor)?;
            let key = MeetingCursor::of;
            list_page(&state, viewer, &filters, page, ListAfter::MeetingDate, key).await?
        }
    };
    Ok(Json(list))
}

/// One page of the list in the sort whose position is `K`; empty for a
/// caller without a session, who has no tasks.
async fn list_page<K: Key>(
    state: &TasksState,
    viewer: Option<Viewer>,
    filters: &Filters,
    mut page: Page<K>,
    after: fn(Option<K>) -> ListAfter,
    key: fn(&TaskRow) -> K,
) -> sqlx::Result<TaskList> {
    let Some(viewer) = viewer else {
        return Ok(TaskList::default());
    };
    let start = after(page.after.take());
    let mut rows = queries::list(&state.db, &viewer, filters, start, page.fetch()).await?;
    let next_cursor = page.finish(&mut rows, key);
    Ok(TaskList {
        tasks: rows.into_iter().map(Task::from).collect(),
        next_cursor,
    })
}

#[utoipa::path(
    get,
    path = "/api/tasks/{task_id}",
    operation_id = "get_task",
    tag = "tasks",
    params(("task_id" = Uuid, Path, description = "The task")),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The task", body = Task),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn get_one(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    viewer: Viewer,
) -> Result<Json<Task>> {
    Ok(Json(viewer.read(&state.db, task_id).await?.into()))
}

/// Deletes the row first: a file without a row is garbage, a row without its
/// file would be a broken task.
#[utoipa::path(
    delete,
    path = "/api/tasks/{task_id}",
    operation_id = "delete_task",
    tag = "tasks",
    params(("task_id" = Uuid, Path, description = "The task")),
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "The task and its file are gone"),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn delete(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    viewer: Viewer,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    viewer.authorize(&mut tx, task_id, Right::Manage).await?;
    let key = queries::delete(&mut tx, task_id).await?;
    tx.commit().await?;
    let key = StorageKey::parse(&key).context("a stored task's key")?;
    if let Err(e) = state.uploads.delete(key).await {
        tracing::warn!(error = %e, %key, "deleted task's file not removed");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The uploaded file as stored, with the content type we derived at upload.
#[utoipa::path(
    get,
    path = "/api/tasks/{task_id}/media",
    operation_id = "get_task_media",
    tag = "tasks",
    params(("task_id" = Uuid, Path, description = "The task")),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The uploaded file as stored, as an attachment, with the content type derived at upload",
            content_type = "*/*", body = inline(crate::openapi::Binary),
            headers(("Content-Disposition" = String, description = "`attachment` with the upload's file name"))),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn media(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    viewer: Viewer,
) -> Result<Response> {
    let row = viewer.read(&state.db, task_id).await?;
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
