//! Saving a new version of the minutes: the one path every change to them
//! takes — an edit of the whole minutes (`PUT …/minutes`) or of one part of
//! them (an action item marked done) — so each is checked against the
//! version it started from, becomes a revision with its author and device,
//! is audited, and reaches every open page through the event socket. The
//! task's row lock, taken by `Viewer::authorize`, orders concurrent saves:
//! of two with the same ETag, one wins and one gets 412.

use anyhow::Context as _;
use axum::{
    Json,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    Viewer, errors,
    etag::{IfMatch, etag},
    hub,
    model::Right,
    revisions::{self, Edit, Revision},
};
use crate::{
    audit,
    error::{ErrorResponse, Result},
    summary::Minutes,
};

/// A version of the minutes: a save's answer, and 412's `current`.
#[derive(Serialize, ToSchema)]
pub(crate) struct Saved {
    pub version: i32,
    pub minutes: Minutes,
}

/// 412's body: the error, and the version the save lost to.
#[derive(Serialize, ToSchema)]
pub(crate) struct VersionConflict<'a> {
    #[serde(flatten)]
    error: ErrorResponse<'a>,
    current: Saved,
}

/// What a save asks for, besides the new content.
pub(crate) struct Change {
    pub task_id: Uuid,
    /// The version the change started from.
    pub if_match: IfMatch,
    /// The change restores that older version: the history says so.
    pub restored_from: Option<i32>,
}

pub(super) fn stored(revision: Revision) -> Result<Saved> {
    let minutes = serde_json::from_value(revision.content).context("stored minutes")?;
    Ok(Saved {
        version: revision.version,
        minutes,
    })
}

/// Saves what `edit` makes of the current version as the next one, for a
/// viewer whose access allows editing: 200 with the new version and its
/// `ETag`, 412 with the current one when `If-Match` names another, 428
/// without `If-Match`, 403 for a `view` share, 404 without access, 409
/// before the task has minutes.
pub(crate) async fn save(
    db: &PgPool,
    viewer: &Viewer,
    ip: Option<String>,
    change: Change,
    edit: impl FnOnce(&Saved) -> Result<Minutes>,
) -> Result<Response> {
    let Change {
        task_id,
        if_match,
        restored_from,
    } = change;
    let mut tx = db.begin().await?;
    viewer
        .authorize(&mut tx, task_id, Right::EditMinutes)
        .await?;
    let Some(current) = revisions::newest(&mut tx, task_id).await? else {
        let task = viewer.read(&mut *tx, task_id).await?;
        return Err(errors::not_ready(task.status));
    };
    if if_match == IfMatch::Missing {
        return Err(errors::precondition_required());
    }
    let current = stored(current)?;
    if !if_match.matches(current.version) {
        return Ok(conflict(current));
    }
    let minutes = edit(&current)?;
    if restored_from.is_some_and(|n| !(1..current.version).contains(&n)) {
        return Err(errors::no_such_version_to_restore());
    }
    let content = serde_json::to_value(&minutes).context("serializing minutes")?;
    let version = current.version + 1;
    let new = Edit {
        task_id,
        version,
        content: &content,
        author_user_id: viewer.user_id,
        series_id: viewer.series_id,
        restored_from,
    };
    let author = revisions::insert_edit(&mut tx, new).await?;
    hub::notify_minutes_updated(&mut tx, task_id, version, author.as_deref()).await?;
    // The revision renamed (or redated) the task: lists hear its new state.
    hub::notify(&mut tx, task_id).await?;
    let actor = audit::Actor {
        user_id: viewer.user_id,
        series_id: Some(viewer.series_id),
        ip,
    };
    let detail = match restored_from {
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

/// 412 `version_conflict`: the version that is current, with its `ETag`.
pub(crate) fn conflict(current: Saved) -> Response {
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
