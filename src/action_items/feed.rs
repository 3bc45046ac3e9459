//! The calendar feed of a user's due action items: a secret address that
//! calendar apps subscribe to without cookies (`GET /ics/{secret}.ics`),
//! made, replaced or ended by the signed-in user (`…/action-items/feed`).
//! The secret carries 256 random bits and is shown once; only its SHA-256
//! is stored, so a new one ends the old address at once, and a disabled
//! user's feed answers 404 like an unknown one. Making and ending one are
//! audited (`calendar_feed_created`, `calendar_feed_stopped`).

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest as _, Sha256};
use time::{Date, OffsetDateTime, macros::format_description};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ItemsState, ics,
    model::{FeedStatus, MyItem, NewFeed, today},
    queries,
};
use crate::{
    audit,
    auth::CurrentUser,
    error::{ApiError, ErrorResponse, Result},
    session::SessionHandle,
};

pub(super) fn router() -> OpenApiRouter<ItemsState> {
    OpenApiRouter::new()
        .routes(routes!(status, rotate, stop))
        .routes(routes!(calendar))
}

const SUFFIX: &str = ".ics";
const SECRET_BYTES: usize = 32;

fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Whether the caller has a feed, and since when.
#[utoipa::path(
    get,
    path = "/api/action-items/feed",
    operation_id = "get_action_item_feed",
    tag = "action items",
    security(("session" = [])),
    responses(
        (status = 200, description = "The feed's state; its address is never shown again", body = FeedStatus),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`token_not_allowed`: called with an API token", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn status(State(state): State<ItemsState>, user: CurrentUser) -> Result<Json<FeedStatus>> {
    let created_at = queries::feed_created(&state.db, user.id).await?;
    Ok(Json(FeedStatus {
        active: created_at.is_some(),
        created_at,
    }))
}

/// Gives the caller a new feed address, ending the one they had.
#[utoipa::path(
    post,
    path = "/api/action-items/feed",
    operation_id = "rotate_action_item_feed",
    tag = "action items",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "The new address, shown this once", body = NewFeed),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed`, `origin_not_allowed`, or `token_not_allowed`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn rotate(
    State(state): State<ItemsState>,
    user: CurrentUser,
    session: SessionHandle,
) -> Result<(StatusCode, Json<NewFeed>)> {
    let mut raw = [0u8; SECRET_BYTES];
    // Without an OS CSPRNG no secret is safe to hand out; there is no fallback.
    getrandom::fill(&mut raw).expect("the OS random number generator failed");
    let secret = URL_SAFE_NO_PAD.encode(raw);
    let mut tx = state.db.begin().await?;
    let made = queries::replace_feed(&mut tx, user.id, &hash(&secret)).await?;
    let detail = serde_json::json!({ "replaced": made.replaced });
    audit::record(
        &mut tx,
        audit::Kind::CalendarFeedCreated,
        &actor(&user, &session),
        None,
        detail,
    )
    .await?;
    tx.commit().await?;
    let url = format!("{}/ics/{secret}{SUFFIX}", state.origin);
    Ok((
        StatusCode::CREATED,
        Json(NewFeed {
            url,
            created_at: made.created_at,
        }),
    ))
}

/// Ends the caller's feed: its address answers 404 from now on.
#[utoipa::path(
    delete,
    path = "/api/action-items/feed",
    operation_id = "delete_action_item_feed",
    tag = "action items",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "No feed any more (also when there was none)"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed`, `origin_not_allowed`, or `token_not_allowed`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn stop(
    State(state): State<ItemsState>,
    user: CurrentUser,
    session: SessionHandle,
) -> Result<StatusCode> {
    let mut tx = state.db.begin().await?;
    if queries::delete_feed(&mut tx, user.id).await? {
        let kind = audit::Kind::CalendarFeedStopped;
        audit::record(
            &mut tx,
            kind,
            &actor(&user, &session),
            None,
            serde_json::json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

fn actor(user: &CurrentUser, session: &SessionHandle) -> audit::Actor {
    audit::Actor {
        user_id: Some(user.id),
        series_id: Some(user.session.series_id),
        ip: session.client().ip,
    }
}

/// The feed: the user's open action items that have a due date, as an
/// iCalendar (RFC 5545) of all-day events. The address is the credential;
/// no cookies are read.
#[utoipa::path(
    get,
    path = "/ics/{file}",
    operation_id = "get_action_item_calendar",
    tag = "action items",
    params(("file" = String, Path, description = "`<secret>.ics`, as `POST /api/action-items/feed` gave it")),
    security(()),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = 404, description = "`calendar_not_found`: no such feed, a replaced or ended one, or its user is disabled", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn calendar(State(state): State<ItemsState>, Path(file): Path<String>) -> Result<Response> {
    let not_found = || ApiError::not_found("calendar_not_found", "no such calendar");
    let secret = file.strip_suffix(SUFFIX).ok_or_else(not_found)?;
    let user_id = queries::feed_user(&state.db, &hash(secret))
        .await?
        .ok_or_else(not_found)?;
    let today = today();
    let items: Vec<MyItem> = queries::mine(&state.db, user_id)
        .await?
        .into_iter()
        .map(|row| MyItem::from_row(row, &today))
        .filter(|item| !item.done)
        .collect();
    let events: Vec<ics::Event<'_>> = items
        .iter()
        .filter_map(|item| event(&state.origin, item))
        .collect();
    let body = ics::calendar("minutes: action items", &events, OffsetDateTime::now_utc());
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, body).into_response())
}

/// An open item's event, when it has a due date.
fn event<'a>(origin: &str, item: &'a MyItem) -> Option<ics::Event<'a>> {
    let due_date = Date::parse(
        item.due_date.as_deref()?,
        format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    let url = format!("{origin}/#/tasks/{}?segment={}", item.task_id, item.segment);
    Some(ics::Event {
        uid: format!("{}.{}@minutes", item.task_id, item.index),
        due_date,
        summary: &item.text,
        description: format!("{} ({})\n{url}", item.title, item.meeting_date),
        url,
    })
}
