//! `POST /api/tasks/{task_id}/minutes/regenerate`: the minutes made again
//! from their stored transcript (speaker names and words as edited) with a
//! template. The summarizer may be an LLM, so the work is a job on the
//! durable queue (`queue::REGENERATE`); its result is stored as the next
//! version whenever it finishes, after any edit saved meanwhile, which
//! therefore stays in the history (and an editor still holding the older
//! `ETag` gets 412, never a silent overwrite). A regeneration that fails
//! leaves the minutes as they are.

use anyhow::Context as _;
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    TasksState, Viewer, errors,
    etag::IfMatch,
    model::Right,
    revisions,
    save::{conflict, stored},
};
use crate::{
    audit,
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    queue,
    session::SessionHandle,
    summary::Template,
    templates,
};

pub(super) fn router() -> OpenApiRouter<TasksState> {
    OpenApiRouter::new().routes(routes!(regenerate))
}

/// A regeneration job's payload: the template as it was asked for, and who
/// asked (the new version's author).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Regeneration {
    pub template: Template,
    pub author_user_id: Option<Uuid>,
    pub series_id: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RegenerateRequest {
    /// A built-in template's id or one of the caller's own (`GET /api/templates`).
    #[schema(example = "standup")]
    template: String,
}

#[derive(Serialize, ToSchema)]
struct RegenerationQueued {
    /// The version whose transcript is summarized again; the result is
    /// saved as the newest version when the job finishes, announced by a
    /// `minutes_updated` event.
    from_version: i32,
    /// The template's id.
    template: String,
}

#[utoipa::path(
    post,
    path = "/api/tasks/{task_id}/minutes/regenerate",
    operation_id = "regenerate_minutes",
    tag = "tasks",
    params(
        ("task_id" = Uuid, Path, description = "The task"),
        ("If-Match" = Option<String>, Header, description = "Optional: the `ETag` of the version the caller has seen; \
a newer one answers 412 and queues nothing"),
    ),
    request_body = RegenerateRequest,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 202, description = "Queued: the regenerated minutes become the next version; the history says \
`regenerated_with` the template's name", body = RegenerationQueued),
        (status = 403, description = "`forbidden`: a `view` share does not allow editing; `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's; `unknown_template`: neither \
a built-in nor one of the caller's templates", body = ErrorResponse),
        (status = 409, description = "`not_ready`: the task has not completed", body = ErrorResponse),
        (status = 412, description = "`version_conflict`: `If-Match` names an older version; `current` is the version now", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: a body of the wrong shape", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn regenerate(
    State(state): State<TasksState>,
    Path(task_id): Path<Uuid>,
    viewer: Viewer,
    session: SessionHandle,
    headers: HeaderMap,
    JsonObject(body): JsonObject<RegenerateRequest>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    viewer
        .authorize(&mut tx, task_id, Right::EditMinutes)
        .await?;
    let Some(current) = revisions::newest(&mut tx, task_id).await? else {
        let task = viewer.read(&mut *tx, task_id).await?;
        return Err(errors::not_ready(task.status));
    };
    let current = stored(current)?;
    let if_match = IfMatch::from_headers(&headers);
    if if_match != IfMatch::Missing && !if_match.matches(current.version) {
        return Ok(conflict(current));
    }
    let owner = templates::Owner {
        series_id: viewer.series_id,
        user_id: viewer.user_id,
    };
    let template = templates::resolve(&state.db, Some(owner), &body.template).await?;
    let job = Regeneration {
        template,
        author_user_id: viewer.user_id,
        series_id: viewer.series_id,
    };
    let payload = serde_json::to_value(&job).context("a regeneration's payload")?;
    queue::enqueue_with(&mut tx, task_id, queue::REGENERATE, Some(&payload)).await?;
    let actor = audit::Actor {
        user_id: viewer.user_id,
        series_id: Some(viewer.series_id),
        ip: session.client().ip,
    };
    let subject = task_id.to_string();
    let detail = serde_json::json!({
        "template": job.template.id, "from_version": current.version,
    });
    audit::record(
        &mut tx,
        audit::Kind::MinutesRegenerated,
        &actor,
        Some(&subject),
        detail,
    )
    .await?;
    tx.commit().await?;
    let queued = RegenerationQueued {
        from_version: current.version,
        template: job.template.id,
    };
    Ok((StatusCode::ACCEPTED, Json(queued)).into_response())
}
