//! `GET /api/action-items`, the caller's items across every meeting they
//! can open; `PATCH /api/tasks/{task_id}/action-items/{index}`, an item
//! marked done or not done as an edit of the minutes (the tasks feature's
//! save path: a revision, `If-Match`, the event socket); and `GET`/`PUT
//! /api/action-items/names`, the speaker names the caller claims.

use std::collections::HashSet;

use axum::{
    Json,
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    ItemsState,
    model::{DoneRequest, ItemList, MyItem, SpeakerNames, today},
    queries,
};
use crate::{
    auth::CurrentUser,
    error::{ApiError, ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
    tasks::{self, Change, IfMatch, Saved, VersionConflict, Viewer},
};

pub(super) fn router() -> OpenApiRouter<ItemsState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(mark))
        .routes(routes!(get_names, put_names))
}

const MAX_NAMES: usize = 20;
const MAX_NAME_CHARS: usize = 100;

/// The caller's action items: those of every meeting they can open (their
/// own and those shared with them) whose owner is their username or a
/// speaker name they claim, compared without regard to case. At most 1000.
#[utoipa::path(
    get,
    path = "/api/action-items",
    operation_id = "list_my_action_items",
    tag = "action items",
    security(("session" = [])),
    responses(
        (status = 200, description = "The caller's items and claimed names", body = ItemList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`token_not_allowed`: called with an API token", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn list(State(state): State<ItemsState>, user: CurrentUser) -> Result<Json<ItemList>> {
    let today = today();
    let items = queries::mine(&state.db, user.id)
        .await?
        .into_iter()
        .map(|row| MyItem::from_row(row, &today))
        .collect();
    let names = queries::names(&state.db, user.id).await?;
    Ok(Json(ItemList { items, names }))
}

/// Marks an action item done or not done: a new version of the minutes,
/// saved as any edit is (a revision by the caller, audited, announced to
/// every open page), so it needs the version it started from.
#[utoipa::path(
    patch,
    path = "/api/tasks/{task_id}/action-items/{index}",
    operation_id = "mark_action_item",
    tag = "action items",
    params(
        ("task_id" = Uuid, Path, description = "The meeting"),
        ("index" = u32, Path, description = "The item's place among the meeting's action items, from 0"),
        ("If-Match" = String, Header, description = "The `ETag` of the version the item was read from \
(`\"v3\"`; `version` in `GET /api/action-items`)"),
    ),
    request_body = DoneRequest,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Saved as the next version of the minutes", body = Saved,
            headers(("ETag" = String, description = "The new version's"))),
        (status = 403, description = "`forbidden`: a `view` share does not allow editing; `csrf_failed`, \
`origin_not_allowed`, or `token_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`task_not_found`: no such task, or not the caller's; \
`action_item_not_found`: the minutes have no item at `index`", body = ErrorResponse),
        (status = 409, description = "`not_ready`: the task has not completed", body = ErrorResponse),
        (status = 412, description = "`version_conflict`: the minutes changed since; nothing was saved. \
`current` is the version now, its `ETag` in the header", body = VersionConflict,
            headers(("ETag" = String, description = "The current version's"))),
        (status = 428, description = "`precondition_required`: no `If-Match`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(%task_id, index))]
async fn mark(
    State(state): State<ItemsState>,
    Path((task_id, index)): Path<(Uuid, u32)>,
    viewer: Viewer,
    session: SessionHandle,
    headers: HeaderMap,
    JsonObject(body): JsonObject<DoneRequest>,
) -> Result<Response> {
    let change = Change {
        task_id,
        if_match: IfMatch::from_headers(&headers),
        restored_from: None,
    };
    tasks::save_minutes(&state.db, &viewer, session.client().ip, change, |current| {
        let mut minutes = current.minutes.clone();
        let item = usize::try_from(index)
            .ok()
            .and_then(|i| minutes.action_items.get_mut(i))
            .ok_or_else(action_item_not_found)?;
        item.done = body.done;
        Ok(minutes)
    })
    .await
}

fn action_item_not_found() -> ApiError {
    ApiError::not_found(
        "action_item_not_found",
        "the minutes have no action item there",
    )
}

/// The speaker names the caller claims: an action item whose owner is one
/// of them is theirs.
#[utoipa::path(
    get,
    path = "/api/action-items/names",
    operation_id = "get_claimed_speaker_names",
    tag = "action items",
    security(("session" = [])),
    responses(
        (status = 200, description = "The names, in the order they were given", body = SpeakerNames),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`token_not_allowed`: called with an API token", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn get_names(
    State(state): State<ItemsState>,
    user: CurrentUser,
) -> Result<Json<SpeakerNames>> {
    let names = queries::names(&state.db, user.id).await?;
    Ok(Json(SpeakerNames { names }))
}

/// Replaces the speaker names the caller claims (an empty list claims none;
/// blank names are dropped).
#[utoipa::path(
    put,
    path = "/api/action-items/names",
    operation_id = "put_claimed_speaker_names",
    tag = "action items",
    request_body = SpeakerNames,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The names now claimed", body = SpeakerNames),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed`, `origin_not_allowed`, or `token_not_allowed`", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `names` `too_many` (over 20), or `names[i]` \
`too_long` (over 100 characters)", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn put_names(
    State(state): State<ItemsState>,
    user: CurrentUser,
    JsonObject(body): JsonObject<SpeakerNames>,
) -> Result<Json<SpeakerNames>> {
    let names = claimed(body.names)?;
    let mut tx = state.db.begin().await?;
    queries::set_names(&mut tx, user.id, &names).await?;
    let names = queries::names(&mut *tx, user.id).await?;
    tx.commit().await?;
    Ok(Json(SpeakerNames { names }))
}

/// The names trimmed, without blanks and repeats (ignoring case), or 422
/// naming each one past the limits.
fn claimed(names: Vec<String>) -> Result<Vec<String>> {
    let mut fields = std::collections::BTreeMap::new();
    if names.len() > MAX_NAMES {
        fields.insert("names".to_owned(), vec!["too_many".to_owned()]);
    }
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let name = name.trim();
        if name.chars().count() > MAX_NAME_CHARS {
            fields.insert(format!("names[{i}]"), vec!["too_long".to_owned()]);
        } else if !name.is_empty() && seen.insert(name.to_lowercase()) {
            kept.push(name.to_owned());
        }
    }
    if fields.is_empty() {
        Ok(kept)
    } else {
        Err(ApiError::Validation(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claimed_names_are_trimmed_and_counted_once_and_blanks_dropped() {
        let names = claimed(vec![
            " 鈴木 ".into(),
            "Priya".into(),
            "priya".into(),
            "  ".into(),
        ]);
        assert_eq!(names.unwrap(), ["鈴木", "Priya"]);
    }

    #[test]
    fn names_past_the_limits_are_each_named() {
        let long = claimed(vec!["ok".into(), "x".repeat(101)]);
        let Err(ApiError::Validation(fields)) = long else {
            panic!("expected a 422");
        };
        assert_eq!(fields["names[1]"], ["too_long"]);
        let too_many = (0..21).map(|i| i.to_string()).collect();
        assert!(claimed(too_many).is_err());
    }
}
