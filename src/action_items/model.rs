//! The JSON of the action-item endpoints (docs/api.md, "Action items").

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::queries::ItemRow;
use crate::tasks::Access;

/// `GET /api/action-items`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ItemList {
    /// Open items first; among them those past their due date, then by due
    /// date (undated last), then the newest meeting first.
    pub items: Vec<MyItem>,
    /// The speaker names the caller claims, besides their username.
    pub names: Vec<String>,
}

/// An action item of a meeting the caller can open, whose owner is the
/// caller: their username or a speaker name they claim.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct MyItem {
    pub task_id: Uuid,
    /// The meeting's title (its file name before it has minutes).
    pub title: String,
    /// The day the meeting was held, `YYYY-MM-DD`.
    pub meeting_date: String,
    /// The version of the minutes the item is in: send it back as `If-Match:
    /// "v<version>"` to mark it done.
    pub version: i32,
    /// Its place among the meeting's action items (`PATCH …/action-items/{index}`).
    pub index: i32,
    /// The caller's access to the meeting: `view` may not mark items done.
    pub access: Access,
    pub text: String,
    pub owner: String,
    /// The deadline as said ("next Friday", "金曜日").
    #[schema(required = true)]
    pub due: Option<String>,
    /// The deadline as a date, `YYYY-MM-DD`, when known.
    #[schema(required = true)]
    pub due_date: Option<String>,
    /// Open, with a due date before today (UTC).
    pub overdue: bool,
    pub done: bool,
    /// The transcript segment it was said in: the meeting page opens there
    /// (`#/tasks/{task_id}?segment={segment}`).
    pub segment: i32,
    /// When that segment starts in the recording, in seconds, if timed.
    #[schema(required = true)]
    pub start: Option<f64>,
}

/// Today's date as `YYYY-MM-DD` (UTC): a due date before it is overdue.
pub(super) fn today() -> String {
    OffsetDateTime::now_utc().date().to_string()
}

impl MyItem {
    pub(super) fn from_row(row: ItemRow, today: &str) -> Self {
        let overdue = !row.done && row.due_date.as_deref().is_some_and(|d| d < today);
        Self {
            task_id: row.task_id,
            title: row.title,
            meeting_date: row.meeting_date,
            version: row.version,
            index: row.index,
            access: row.access,
            text: row.text,
            owner: row.owner,
            due: row.due,
            due_date: row.due_date,
            overdue,
            done: row.done,
            segment: row.segment,
            start: row.start,
        }
    }
}

/// `PATCH /api/tasks/{task_id}/action-items/{index}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DoneRequest {
    pub done: bool,
}

/// `PUT /api/action-items/names`: the speaker names the caller claims.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SpeakerNames {
    /// At most 20, each at most 100 characters; trimmed, blank ones
    /// dropped, and duplicates (ignoring case) counted once.
    #[schema(schema_with = names_schema)]
    pub names: Vec<String>,
}

fn names_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
    let name = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(100));
    ArrayBuilder::new().items(name).max_items(Some(20)).build()
}

/// `GET /api/action-items/feed`: whether the caller has a calendar feed.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct FeedStatus {
    pub active: bool,
    /// When its current address was made; null without a feed.
    #[schema(required = true)]
    #[serde(with = "crate::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
}

/// `POST /api/action-items/feed`: the feed's new address, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct NewFeed {
    /// Subscribe to it in a calendar app; anyone holding it reads the
    /// caller's due items, so it is shown only now.
    pub url: String,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
}
