//! `GET/POST /api/templates`, `GET/PUT/DELETE /api/templates/{id}`. The
//! built-ins are listed first and are read-only; a caller's own follow. A
//! caller without a session sees the built-ins; creating a template starts
//! a session, as an upload does.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    Owner, TemplatesState, builtin, errors,
    model::{TemplateInput, TemplateView, validate},
    queries,
};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
};

/// The most templates one owner (a user, or an anonymous session) keeps.
const MAX_TEMPLATES: i64 = 100;

pub(super) fn router() -> OpenApiRouter<TemplatesState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
}

#[derive(Serialize, ToSchema)]
struct TemplateList {
    /// The built-ins, then the caller's own, oldest first.
    templates: Vec<TemplateView>,
}

fn owner(session: &SessionHandle) -> Option<Owner> {
    session.current().as_ref().map(Owner::from)
}

/// A user template's id, or 404 (a built-in's id is not a UUID).
fn own_id(id: &str) -> Result<Uuid> {
    Uuid::try_parse(id).map_err(|_| errors::not_found())
}

#[utoipa::path(
    get,
    path = "/api/templates",
    operation_id = "list_templates",
    tag = "templates",
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The built-in templates, then the caller's own (none without a session)", body = TemplateList),
    ),
)]
#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<TemplatesState>,
    session: SessionHandle,
) -> Result<Json<TemplateList>> {
    let mut templates: Vec<TemplateView> = builtin::all()
        .into_iter()
        .map(TemplateView::builtin)
        .collect();
    if let Some(owner) = owner(&session) {
        let own = queries::list(&state.db, owner).await?;
        templates.extend(own.into_iter().map(TemplateView::own));
    }
    Ok(Json(TemplateList { templates }))
}

#[utoipa::path(
    post,
    path = "/api/templates",
    operation_id = "create_template",
    tag = "templates",
    request_body = TemplateInput,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Created; starts a session if there was none", body = TemplateView),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 409, description = "`too_many_templates`: the caller has 100 already", body = ErrorResponse),
        (status = 422, description = "`validation_failed`, `fields` naming each bad one (`name`, `sections[0].heading`: \
`empty`, `too_long`; `sections`: `empty`, `too_many`; `instructions`: `too_long`), or a body of the wrong shape", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<TemplatesState>,
    session: SessionHandle,
    JsonObject(input): JsonObject<TemplateInput>,
) -> Result<(StatusCode, Json<TemplateView>)> {
    validate(&input)?;
    let ctx = crate::session::start_session(&state.sessions, &session).await?;
    let stored = queries::insert(&state.db, Owner::from(&ctx), &input, MAX_TEMPLATES)
        .await?
        .ok_or_else(|| errors::too_many(MAX_TEMPLATES))?;
    tracing::info!(template_id = %stored.id, "template created");
    Ok((StatusCode::CREATED, Json(TemplateView::own(stored))))
}

#[utoipa::path(
    get,
    path = "/api/templates/{template_id}",
    operation_id = "get_template",
    tag = "templates",
    params(("template_id" = String, Path, description = "A built-in's id or one of the caller's templates' UUID")),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "The template", body = TemplateView),
        (status = 404, description = "`template_not_found`: no such template, or not the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%template_id))]
async fn get_one(
    State(state): State<TemplatesState>,
    Path(template_id): Path<String>,
    session: SessionHandle,
) -> Result<Json<TemplateView>> {
    if let Some(template) = builtin::find(&template_id) {
        return Ok(Json(TemplateView::builtin(template)));
    }
    let id = own_id(&template_id)?;
    let owner = owner(&session).ok_or_else(errors::not_found)?;
    let stored = queries::get(&state.db, owner, id)
        .await?
        .ok_or_else(errors::not_found)?;
    Ok(Json(TemplateView::own(stored)))
}

#[utoipa::path(
    put,
    path = "/api/templates/{template_id}",
    operation_id = "update_template",
    tag = "templates",
    params(("template_id" = String, Path, description = "One of the caller's templates' UUID")),
    request_body = TemplateInput,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Replaced; minutes already made with it are unchanged", body = TemplateView),
        (status = 403, description = "`template_read_only`: a built-in; `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`template_not_found`: no such template, or not the caller's", body = ErrorResponse),
        (status = 422, description = "`validation_failed`, as for `POST /api/templates`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%template_id))]
async fn update(
    State(state): State<TemplatesState>,
    Path(template_id): Path<String>,
    session: SessionHandle,
    JsonObject(input): JsonObject<TemplateInput>,
) -> Result<Json<TemplateView>> {
    if builtin::find(&template_id).is_some() {
        return Err(errors::read_only());
    }
    let id = own_id(&template_id)?;
    let owner = owner(&session).ok_or_else(errors::not_found)?;
    validate(&input)?;
    let stored = queries::update(&state.db, owner, id, &input)
        .await?
        .ok_or_else(errors::not_found)?;
    Ok(Json(TemplateView::own(stored)))
}

#[utoipa::path(
    delete,
    path = "/api/templates/{template_id}",
    operation_id = "delete_template",
    tag = "templates",
    params(("template_id" = String, Path, description = "One of the caller's templates' UUID")),
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Deleted; minutes already made with it are unchanged"),
        (status = 403, description = "`template_read_only`: a built-in; `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`template_not_found`: no such template, or not the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%template_id))]
async fn delete(
    State(state): State<TemplatesState>,
    Path(template_id): Path<String>,
    session: SessionHandle,
) -> Result<StatusCode> {
    if builtin::find(&template_id).is_some() {
        return Err(errors::read_only());
    }
    let id = own_id(&template_id)?;
    let owner = owner(&session).ok_or_else(errors::not_found)?;
    if !queries::delete(&state.db, owner, id).await? {
        return Err(errors::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}
