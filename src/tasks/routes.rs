//! The task read and delete endpoints. They never start a session: a caller
//! without one sees an empty list and 404s.

use anyhow::Context as _;
use axum::{
    Json,
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use tokio_util::io::ReaderStream;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    TasksState, Viewer,
    byte_range::{self, Wanted},
    cursor::{Cursor, MeetingCursor},
    errors, filename,
    filters::{Filters, ListQuery, Sort},
    model::{Right, Task, TaskRow},
    queries::{self, ListAfter},
};
use crate::{
    error::{ErrorResponse, Result},
    paging::{Key, Page},
    storage::{StorageKey, UploadStore, Uploads},
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
#[tracing::instrument(level = "debug", skip_all)]
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
#[tracing::instrument(level = "debug", skip_all, fields(%task_id))]
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

/// The uploaded file as stored, with the content type we derived at upload;
/// one byte range of it when asked (`Range`), so a player can seek.
#[utoipa::path(
    get,
    path = "/api/tasks/{task_id}/media",
    operation_id = "get_task_media",
    tag = "tasks",
    params(
        ("task_id" = Uuid, Path, description = "The task"),
        ("Range" = Option<String>, Header, description = "One byte range (`bytes=0-1023`, `bytes=1024-`, `bytes=-512`); any other value is ignored and the whole file served"),
    ),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The uploaded file as stored, as an attachment, with the content type derived at upload",
            content_type = "*/*", body = inline(crate::openapi::Binary),
            headers(
                ("Content-Disposition" = String, description = "`attachment` with the upload's file name"),
                ("Accept-Ranges" = String, description = "`bytes`"),
            )),
        (status = 206, description = "The byte range asked for",
            content_type = "*/*", body = inline(crate::openapi::Binary),
            headers(
                ("Content-Range" = String, description = "`bytes first-last/length`"),
                ("Accept-Ranges" = String, description = "`bytes`"),
            )),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
        (status = 416, description = "`range_not_satisfiable`: the range starts past the end of the file",
            body = ErrorResponse,
            headers(("Content-Range" = String, description = "`bytes */length`"))),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn media(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response> {
    let row = viewer.read(&state.db, task_id).await?;
    let key = StorageKey::parse(&row.storage_key).context("a stored task's key")?;
    let asked = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, file, len, range) = match asked {
        None => whole(&state, key).await?,
        Some(asked) => {
            let len = state
                .uploads
                .len(key)
                .await
                .context("a stored upload's length")?;
            match byte_range::resolve(asked, len) {
                Wanted::Whole => whole(&state, key).await?,
                Wanted::Part(range) => {
                    let file = state
                        .uploads
                        .open_range(key, range.clone())
                        .await
                        .context("opening part of a stored upload")?;
                    (
                        StatusCode::PARTIAL_CONTENT,
                        file,
                        range.end - range.start,
                        Some((range, len)),
                    )
                }
                Wanted::Unsatisfiable => {
                    let mut res = errors::range_not_satisfiable().into_response();
                    res.headers_mut().insert(
                        header::CONTENT_RANGE,
                        HeaderValue::try_from(format!("bytes */{len}"))
                            .context("a Content-Range")?,
                    );
                    return Ok(res);
                }
            }
        }
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::try_from(row.content_type).context("a stored content type")?,
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        filename::content_disposition(&row.filename)?,
    );
    // User content: browsers must not second-guess the type we derived.
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some((range, total)) = range {
        let value = format!("bytes {}-{}/{total}", range.start, range.end - 1);
        headers.insert(
            header::CONTENT_RANGE,
            HeaderValue::try_from(value).context("a Content-Range")?,
        );
    }
    let body = Body::from_stream(ReaderStream::with_capacity(file, 64 * 1024));
    Ok((status, headers, body).into_response())
}

type Served = (
    StatusCode,
    <Uploads as UploadStore>::Reader,
    u64,
    Option<(std::ops::Range<u64>, u64)>,
);

async fn whole(state: &TasksState, key: StorageKey) -> Result<Served> {
    let (file, len) = state
        .uploads
        .open(key)
        .await
        .context("opening a stored upload")?;
    Ok((StatusCode::OK, file, len, None))
}
