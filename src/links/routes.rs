//! The endpoints of those who manage a task's links: `POST` and `GET
//! /api/tasks/{task_id}/links`, `PUT /api/tasks/{task_id}/links/policy`,
//! `DELETE /api/links/{link_id}`. A browser session or an API token with
//! `shares:write` (`session::bearer_policy`). Handlers only carry HTTP to
//! `service`.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    LinksState,
    model::{CreatedLink, LinkList, LinkPolicy, NewLinkRequest},
    service,
};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    sharing::LoggedIn,
};

pub(super) fn router() -> OpenApiRouter<LinksState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(set_policy))
        .routes(routes!(revoke))
}

/// Makes a link to the meeting; its secret and address are in this answer
/// only.
#[utoipa::path(
    post,
    path = "/api/tasks/{task_id}/links",
    operation_id = "create_link",
    tag = "links",
    params(("task_id" = Uuid, Path, description = "The task")),
    request_body = NewLinkRequest,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Created; `secret` and `url` are shown this once", body = CreatedLink),
        (status = 401, description = "`login_required`", body = ErrorResponse),
        (status = 403, description = "`forbidden` (a `view` grantee, or an `edit` grantee when the owner does not let editors make links), \
`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`", body = ErrorResponse),
        (status = 409, description = "`anonymous_task`: the task belongs to an anonymous session; `too_many_links`", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `expires_in_days` (`out_of_range`: 1 to `sharing.link_max_days`), `passphrase` (`too_short`, `too_long`)", body = ErrorResponse),
        (status = 503, description = "`busy`: the passphrase hashing queue is full", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn create(
    State(state): State<LinksState>,
    by: LoggedIn,
    Path(task_id): Path<Uuid>,
    JsonObject(body): JsonObject<NewLinkRequest>,
) -> Result<(StatusCode, Json<CreatedLink>)> {
    let created = service::create(&state, &by, task_id, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The task's links, newest first, each with its newest views.
#[utoipa::path(
    get,
    path = "/api/tasks/{task_id}/links",
    operation_id = "list_links",
    tag = "links",
    params(("task_id" = Uuid, Path, description = "The task")),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The links and their views, never their secrets", body = LinkList),
        (status = 401, description = "`login_required`", body = ErrorResponse),
        (status = 403, description = "`forbidden` (as for creating)", body = ErrorResponse),
        (status = 404, description = "`task_not_found`", body = ErrorResponse),
        (status = 409, description = "`anonymous_task`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn list(
    State(state): State<LinksState>,
    by: LoggedIn,
    Path(task_id): Path<Uuid>,
) -> Result<Json<LinkList>> {
    Ok(Json(service::list(&state, &by, task_id).await?))
}

/// Lets the task's editors make (and manage) links too, or stops them;
/// only the owner or an admin. Off by default.
#[utoipa::path(
    put,
    path = "/api/tasks/{task_id}/links/policy",
    operation_id = "put_link_policy",
    tag = "links",
    params(("task_id" = Uuid, Path, description = "The task")),
    request_body = LinkPolicy,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The policy as it now is", body = LinkPolicy),
        (status = 401, description = "`login_required`", body = ErrorResponse),
        (status = 403, description = "`forbidden` (a grantee), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`", body = ErrorResponse),
        (status = 409, description = "`anonymous_task`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id))]
async fn set_policy(
    State(state): State<LinksState>,
    by: LoggedIn,
    Path(task_id): Path<Uuid>,
    JsonObject(body): JsonObject<LinkPolicy>,
) -> Result<Json<LinkPolicy>> {
    service::set_policy(&state, &by, task_id, &body).await?;
    Ok(Json(body))
}

/// Revokes a link: the next use, on any instance, is 404.
#[utoipa::path(
    delete,
    path = "/api/links/{link_id}",
    operation_id = "revoke_link",
    tag = "links",
    params(("link_id" = Uuid, Path, description = "The link")),
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Revoked (or already revoked)"),
        (status = 401, description = "`login_required`", body = ErrorResponse),
        (status = 403, description = "`forbidden` (as for creating), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`link_not_found`: no such link on a task the caller can see", body = ErrorResponse),
        (status = 409, description = "`anonymous_task`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%link_id))]
async fn revoke(
    State(state): State<LinksState>,
    by: LoggedIn,
    Path(link_id): Path<Uuid>,
) -> Result<StatusCode> {
    service::revoke(&state, &by, link_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
