//! A task's minutes: `GET /api/tasks/{task_id}/minutes` renders a version
//! (the newest by default) with its `ETag`; `PUT` saves a new version under
//! optimistic concurrency (`If-Match`), and `GET …/minutes/revisions` lists
//! them all. The task's row lock, taken by `Viewer::authorize`, orders
//! concurrent saves: of two with the same ETag, one wins and one gets 412.

use anyhow::Context as _;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    TasksState, Viewer, edit, errors,
    etag::{IfMatch, etag},
    filename, hub,
    model::{Right, Status},
    revisions::{self, Edit, Revision, RevisionInfo},
};
use crate::{
    audit,
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
    /// `md` (default), `json` or `txt`; `markdown` and `text` are accepted too.
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
}

/// A version of the minutes: `PUT`'s answer, and 412's `current`.
#[derive(Serialize, ToSchema)]
pub(super) struct Saved {
    pub version: i32,
    pub minutes: Minutes,
}

/// 412's body: the error, and the version the save lost to.
#[derive(Serialize, ToSchema)]
struct VersionConflict<'a> {
    #[serde(flatten)]
    error: ErrorResponse<'a>,
    current: Saved,
}

#[derive(Serialize, ToSchema)]
struct Revisions {
    /// Newest first.
    revisions: Vec<RevisionInfo>,
}

pub(super) fn stored(revision: Revision) -> Result<Saved> {
    let minutes = serde_json::from_value(revision.content).context("stored minutes")?;
    Ok(Saved {
        version: revision.version,
        minutes,
    })
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
`title`: `missing`/`invalid`; `meeting_date`: `invalid`, not a `YYYY-MM-DD` date; `restored_from`: `no_such_version`, not an older version)", body = ErrorResponse),
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
    let mut tx = state.db.begin().await?;
    viewer
        .authorize(&mut tx, task_id, Right::EditMinutes)
        .await?;
    let Some(current) = revisions::newest(&mut tx, task_id).await? else {
        let task = viewer.read(&mut *tx, task_id).await?;
        return Err(errors::not_ready(task.status));
    };
    let if_match = IfMatch::from_headers(&headers);
    if if_match == IfMatch::Missing {
        return Err(errors::precondition_required());
    }
    let current = stored(current)?;
    if !if_match.matches(current.version) {
        return Ok(conflict(current));
    }
    let minutes = edit::parse(&current.minutes, body)?;
    if params
        .restored_from
        .is_some_and(|n| !(1..current.version).contains(&n))
    {
        return Err(errors::no_such_version_to_restore());
    }
    let content = serde_json::to_value(&minutes).context("serializing minutes")?;
    let version = current.version + 1;
    let edit = Edit {
        task_id,
        version,
        content: &content,
        author_user_id: viewer.user_id,
        series_id: viewer.series_id,
        restored_from: params.restored_from,
    };
    let author = revisions::insert_edit(&mut tx, edit).await?;
    hub::notify_minutes_updated(&mut tx, task_id, version, author.as_deref()).await?;
    // The revision renamed (or redated) the task: lists hear its new state.
    hub::notify(&mut tx, task_id).await?;
    let actor = audit::Actor {
        user_id: viewer.user_id,
        series_id: Some(viewer.series_id),
        ip: session.client().ip,
    };
    let detail = match params.restored_from {
        Some(n) => serde_json::json!({ "version": version, "restored_from": n }),
        None => serde_json::json!({ "version": version }),
    };
    let subject = task_id.to_string();
    audit::record(
        &mut tx,
        audit::Kind::MinutesEdited,
        &actor,
        Some(&subject),
        detail,
    )
    .await?;
    tx.commit().await?;
    let saved = Saved { version, minutes };
    Ok(([(header::ETAG, etag(version))], Json(saved)).into_response())
}

pub(super) fn conflict(current: Saved) -> Response {
    let message = errors::version_conflict_message(current.version);
    let tag = etag(current.version);
    let body = VersionConflict {
        error: ErrorResponse::new(errors::VERSION_CONFLICT, &message),
        current,
    };
    (
        StatusCode::PRECONDITION_FAILED,
        [(header::ETAG, tag)],
        Json(body),
    )
        .into_response()
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
