//! `/api/webhooks…`: a signed-in user's endpoints (list, register, change,
//! delete, rotate, test, the delivery log, redeliver), from a browser
//! session (with CSRF on unsafe methods) or a token with `webhooks:write`
//! (`session::bearer_policy`). An anonymous session gets 401; another
//! user's endpoint or delivery is 404, never 403.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    errors,
    model::{DeliveryList, NewWebhook, Queued, Webhook, WebhookChange, WebhookList, WithSecret},
    queries,
    service::{self, Caller, WebhooksState},
};
use crate::{
    audit,
    auth::CurrentUser,
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
};

pub fn router<S: Clone + Send + Sync + 'static>(state: WebhooksState) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(change, delete))
        .routes(routes!(rotate))
        .routes(routes!(send_test))
        .routes(routes!(deliveries))
        .routes(routes!(redeliver))
        .with_state(state)
}

/// The caller, for the queries and the audit log. (A token limited to one
/// task never gets here: these routes have no `task_id`, and the bearer
/// check refuses it with `token_task_limited`.)
fn caller(user: &CurrentUser, handle: &SessionHandle) -> Caller {
    Caller {
        user_id: user.id,
        actor: audit::Actor {
            user_id: Some(user.id),
            series_id: Some(user.session.series_id),
            ip: handle.client().ip,
        },
    }
}

/// The caller's endpoints, newest first.
#[utoipa::path(
    get,
    path = "/api/webhooks",
    operation_id = "list_webhooks",
    tag = "webhooks",
    security(("session" = [])),
    responses(
        (status = 200, description = "The caller's endpoints, never their secrets", body = WebhookList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn list(
    State(state): State<WebhooksState>,
    handle: SessionHandle,
    user: CurrentUser,
) -> Result<Json<WebhookList>> {
    let caller = caller(&user, &handle);
    Ok(Json(WebhookList {
        webhooks: queries::list(&state.db, caller.user_id).await?,
    }))
}

/// Registers an endpoint; its signing secret is in this answer only.
#[utoipa::path(
    post,
    path = "/api/webhooks",
    operation_id = "create_webhook",
    tag = "webhooks",
    request_body = NewWebhook,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Registered; `secret` is shown this once", body = WithSecret),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`admin_required` (`all_tasks`), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 409, description = "`too_many_webhooks`", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `url` (`invalid`, `https_required`, `private_address`) or `events`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn create(
    State(state): State<WebhooksState>,
    handle: SessionHandle,
    user: CurrentUser,
    JsonObject(body): JsonObject<NewWebhook>,
) -> Result<(StatusCode, Json<WithSecret>)> {
    let caller = caller(&user, &handle);
    let created = service::create(&state, &caller, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Changes an endpoint's URL or events, or enables it again after it was
/// disabled (`"enabled": true`).
#[utoipa::path(
    patch,
    path = "/api/webhooks/{webhook_id}",
    operation_id = "change_webhook",
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path, description = "The endpoint")),
    request_body = WebhookChange,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The endpoint as it is now", body = Webhook),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`webhook_not_found`: none of the caller's", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `url` or `events`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %webhook_id))]
async fn change(
    State(state): State<WebhooksState>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(webhook_id): Path<Uuid>,
    JsonObject(body): JsonObject<WebhookChange>,
) -> Result<Json<Webhook>> {
    let caller = caller(&user, &handle);
    Ok(Json(
        service::change(&state, &caller, webhook_id, body).await?,
    ))
}

/// Deletes an endpoint and its delivery log.
#[utoipa::path(
    delete,
    path = "/api/webhooks/{webhook_id}",
    operation_id = "delete_webhook",
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path, description = "The endpoint")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`webhook_not_found`: none of the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %webhook_id))]
async fn delete(
    State(state): State<WebhooksState>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(webhook_id): Path<Uuid>,
) -> Result<StatusCode> {
    let caller = caller(&user, &handle);
    service::delete(&state, &caller, webhook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new signing secret, shown this once; deliveries are signed with the
/// old one too for 24 hours.
#[utoipa::path(
    post,
    path = "/api/webhooks/{webhook_id}/rotate",
    operation_id = "rotate_webhook_secret",
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path, description = "The endpoint")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Rotated; `secret` is shown this once", body = WithSecret),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`webhook_not_found`: none of the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %webhook_id))]
async fn rotate(
    State(state): State<WebhooksState>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(webhook_id): Path<Uuid>,
) -> Result<Json<WithSecret>> {
    let caller = caller(&user, &handle);
    Ok(Json(service::rotate(&state, &caller, webhook_id).await?))
}

/// Queues a `webhook.test` event to the endpoint.
#[utoipa::path(
    post,
    path = "/api/webhooks/{webhook_id}/test",
    operation_id = "test_webhook",
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path, description = "The endpoint")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 202, description = "Queued; its outcome appears in the delivery log", body = Queued),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`webhook_not_found`: none of the caller's", body = ErrorResponse),
        (status = 409, description = "`webhook_disabled`: enable it first", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %webhook_id))]
async fn send_test(
    State(state): State<WebhooksState>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(webhook_id): Path<Uuid>,
) -> Result<(StatusCode, Json<Queued>)> {
    let caller = caller(&user, &handle);
    let queued = service::send_test(&state, &caller, webhook_id).await?;
    Ok((StatusCode::ACCEPTED, Json(queued)))
}

/// The endpoint's newest 50 deliveries, newest first, each with its attempts.
#[utoipa::path(
    get,
    path = "/api/webhooks/{webhook_id}/deliveries",
    operation_id = "list_webhook_deliveries",
    tag = "webhooks",
    params(("webhook_id" = Uuid, Path, description = "The endpoint")),
    security(("session" = [])),
    responses(
        (status = 200, description = "The delivery log", body = DeliveryList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 404, description = "`webhook_not_found`: none of the caller's", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %webhook_id))]
async fn deliveries(
    State(state): State<WebhooksState>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(webhook_id): Path<Uuid>,
) -> Result<Json<DeliveryList>> {
    let caller = caller(&user, &handle);
    let mut conn = state.db.acquire().await?;
    let deliveries = queries::deliveries(&mut conn, webhook_id, caller.user_id)
        .await?
        .ok_or_else(errors::not_found)?;
    Ok(Json(DeliveryList { deliveries }))
}

/// Sends a delivery's message again: the same `webhook-id` and body, a new
/// delivery in the log.
#[utoipa::path(
    post,
    path = "/api/webhooks/deliveries/{delivery_id}/redeliver",
    operation_id = "redeliver_webhook",
    tag = "webhooks",
    params(("delivery_id" = Uuid, Path, description = "The delivery to send again")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 202, description = "Queued as a new delivery", body = Queued),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`delivery_not_found`: none to an endpoint of the caller's", body = ErrorResponse),
        (status = 409, description = "`webhook_disabled`: enable the endpoint first", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %delivery_id))]
async fn redeliver(
    State(state): State<WebhooksState>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(delivery_id): Path<Uuid>,
) -> Result<(StatusCode, Json<Queued>)> {
    let caller = caller(&user, &handle);
    let queued = service::redeliver(&state, &caller, delivery_id).await?;
    Ok((StatusCode::ACCEPTED, Json(queued)))
}
