//! A task's minutes: `GET /api/tasks/{task_id}/minutes` renders a version
//! (the newest by default) with its `ETag`; `PUT` saves a new version under
//! optimistic concurrency (`If-Match`, through `save`), and `GET
//! …/minutes/revisions` lists them all.

use anyhow::Context as _;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    TasksState, Viewer, edit, errors,
    etag::{IfMatch, etag},
    filename,
    model::{Right, Status},
    revisions::{self, RevisionInfo},
    save::{self, Change, Saved, VersionConflict, stored},
};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
    summary::{Minutes, MinutesFormat},
};
use utoipa_axum::{router::OpenApiRouter, routes};

/// JSON bodies: merged into the app's small-body group.
pub(super) fn router() -> OpenApiRouter<TasksState> {
    OpenApiRouter::new()
        .routes(routes!(read, save))
        .routes(routes!(history))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct MinutesParams {
    /// `md` (default), `json`, `txt` or `docx`; `markdown` and `text` are accepted too.
    #[param(inline, value_type = Option<FormatName>, example = "md")]
    format: Option<String>,
    /// A version from the revision history; the newest by default.
    #[param(minimum = 1)]
    version: Option<i32>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SaveParams {
    /// This save restores that older version (its content, as `GET
    /// …/minutes?version=N&format=json` gave it): the history says so.
    #[param(minimum = 1)]
    restored_from: Option<i32>,
}

/// The values `format` takes, for the OpenAPI document only.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[expect(dead_code, reason = "describes a parameter; never built")]
enum FormatName {
    Md,
    Markdown,
    Json,
    Txt,
    Text,
    Docx,
}

#[derive(Serialize, ToSchema)]
struct Revisions {
    /// Newest first.
    revisions: Vec<RevisionInfo>,
}

#[utoipa::path(
    get,
    path = "/api/tasks/{task_id}/minutes",
    operation_id = "get_minutes",
    tag = "tasks",
    params(("task_id" = Uuid, Path, description = "The task"), MinutesParams),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The minutes in the format asked for; the headings of `md` and \
`txt` follow the meeting's `language`",
            headers(("ETag" = String, description = "Names the version, e.g. `\"v3\"`: send it back as `If-Match` to save an edit"),
                ("Content-Disposition" = String, description = "`attachment`, named by the meeting's date and title \
(`2026-09-30 第3四半期 定例会議.md`): an ASCII `filename` and the exact name as `filename*`")),
            content(
                (String = "text/markdown"),
                (Minutes = "application/json"),
                (String = "text/plain"),
                (String = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            )),
        (status = 400, description = "`invalid_format`, or a `version` that is not a number", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's; `version_not_found`", body = ErrorResponse),
        (status = 409, description = "`not_ready`: the task has not completed", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn read(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    Query(params): Query<MinutesParams>,
    viewer: Viewer,
) -> Result<Response> {
    let format = match params.format.as_deref() {
        None => MinutesFormat::Markdown,
        Some(f) => MinutesFormat::from_query(f).ok_or_else(errors::invalid_format)?,
    };
    let found = revisions::read(&state.db, &viewer, task_id, params.version)
        .await?
        .ok_or_else(errors::task_not_found)?;
    let revision = match (found.status, found.revision, params.version) {
        (Status::Completed, Some(revision), _) => revision,
        (Status::Completed, None, Some(version)) => return Err(errors::version_not_found(version)),
        (status, _, _) => return Err(errors::not_ready(status)),
    };
    let mut saved = stored(revision)?;
    let date = saved.minutes.meeting_date.get_or_insert(found.meeting_date);
    let name = filename::download_name(date, &saved.minutes.title, format.extension());
    let body = format.render(&saved.minutes).context("rendering minutes")?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        ),
        (header::ETAG, etag(saved.version)),
        (
            header::CONTENT_DISPOSITION,
            filename::content_disposition(&name)?,
        ),
    ];
    Ok((headers, body).into_response())
}

/// Saves a new version. The transcript's segments stay as recorded: their
/// number and times cannot change, only their `text` and `speaker`.
/// Restoring an old version is a `PUT` of its content (`GET
/// …/minutes?version=N&format=json`) with the current ETag.
#[utoipa::path(
    put,
    path = "/api/tasks/{task_id}/minutes",
    operation_id = "save_minutes",
    tag = "tasks",
    params(
        ("task_id" = Uuid, Path, description = "The task"),
        ("If-Match" = String, Header, description = "The `ETag` of the version this edit started from \
(`\"v3\"`); `*` saves over whatever is current"),
        SaveParams,
    ),
    request_body(content = Minutes, description = "The whole minutes; without `language` the current one is kept"),
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Saved as the next version", body = Saved,
            headers(("ETag" = String, description = "The new version's"))),
        (status = 403, description = "`forbidden`: a `view` share does not allow editing; `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
        (status = 409, description = "`not_ready`: the task has not completed", body = ErrorResponse),
        (status = 412, description = "`version_conflict`: someone saved since; nothing was saved. \
`current` is the version now, its `ETag` in the header", body = VersionConflict,
            headers(("ETag" = String, description = "The current version's"))),
        (status = 422, description = "`validation_failed`, `fields` naming each bad one (`decisions[2].text`: `empty`, `too_long`; \
`transcript`: `segment_count_changed`; `transcript[0].start`: `changed`; `…segment`: `no_such_segment`; `summary`: `too_many`; \
`title`: `missing`/`invalid`; `meeting_date`, `action_items[i].due_date`: `invalid`, not a `YYYY-MM-DD` date; `restored_from`: `no_such_version`, not an older version)", body = ErrorResponse),
        (status = 428, description = "`precondition_required`: no `If-Match`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn save(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    viewer: Viewer,
    session: SessionHandle,
    headers: HeaderMap,
    Query(params): Query<SaveParams>,
    JsonObject(body): JsonObject<serde_json::Value>,
) -> Result<Response> {
    let change = Change {
        task_id,
        if_match: IfMatch::from_headers(&headers),
        restored_from: params.restored_from,
    };
    let client = session.client();
    save::save(&state.db, &viewer, client.ip, change, |current| {
        edit::parse(&current.minutes, body)
    })
    .await
}

/// Every saved version, newest first; any access may read it.
#[utoipa::path(
    get,
    path = "/api/tasks/{task_id}/minutes/revisions",
    operation_id = "list_minutes_revisions",
    tag = "tasks",
    params(("task_id" = Uuid, Path, description = "The task")),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The revision history, newest first; empty before the task completes", body = Revisions),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn history(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    viewer: Viewer,
) -> Result<Json<Revisions>> {
    let task = viewer.read(&state.db, task_id).await?;
    let with_addresses = task.access.allows(Right::SeeAddresses);
    let revisions = revisions::list(&state.db, task_id, with_addresses).await?;
    Ok(Json(Revisions { revisions }))
}
