//! What the link endpoints show and take: the owner's view of a link and
//! its views, and what a link's holder sees of the meeting.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{summary::Minutes, tasks::Status};

/// A link as the people who manage it see it: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LinkView {
    pub id: Uuid,
    pub task_id: Uuid,
    /// The public part of the link's secret (`mnl_<prefix>_…`).
    pub prefix: String,
    /// Who made it; null once that account is gone.
    #[schema(required = true)]
    pub created_by: Option<String>,
    pub has_passphrase: bool,
    pub include_transcript: bool,
    pub include_recording: bool,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "crate::rfc3339::option")]
    #[schema(required = true)]
    pub revoked_at: Option<OffsetDateTime>,
    /// How many times the link was opened.
    pub view_count: i64,
    /// The newest views, at most 50, newest first.
    pub views: Vec<LinkViewEntry>,
}

/// One opening of a link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct LinkViewEntry {
    #[serde(with = "crate::rfc3339")]
    pub viewed_at: OffsetDateTime,
    /// The browser's `User-Agent`, as sent (at most 256 characters).
    #[schema(required = true)]
    pub user_agent: Option<String>,
    /// The client's address (`server.trusted_proxies` applies).
    #[schema(required = true)]
    pub ip: Option<String>,
}

/// A task's links, and whether its editors may make them.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LinkList {
    /// Newest first, revoked and expired ones included.
    pub links: Vec<LinkView>,
    pub editors_may_create: bool,
}

/// A new link's request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewLinkRequest {
    /// How long the link lives, in days: 1 to `sharing.link_max_days`
    /// (default 30, the document's maximum); 422 `validation_failed`
    /// otherwise.
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "whole_number")]
    pub expires_in_days: u32,
    /// 8–128 characters the holder must also give; none by default.
    #[serde(default)]
    #[schema(min_length = 8, max_length = 128)]
    pub passphrase: Option<String>,
    /// Share the transcript too (default true).
    #[serde(default = "yes")]
    pub include_transcript: bool,
    /// Share the uploaded file too (default true).
    #[serde(default = "yes")]
    pub include_recording: bool,
}

fn yes() -> bool {
    true
}

/// JSON Schema's `integer` admits `7.0`, serde's `u32` only `7`: a whole
/// number either way, one past `u32::MAX` saturating (and so out of range).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    let whole = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
            .map(|f| f.min(u64::MAX as f64) as u64)
    });
    whole
        .map(|w| u32::try_from(w).unwrap_or(u32::MAX))
        .ok_or_else(|| serde::de::Error::custom("expected a whole number of days"))
}

/// The created link with its secret and address: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CreatedLink {
    /// `mnl_<prefix>_<secret>`, for the `Link-Secret` header.
    pub secret: String,
    /// The page that opens it: `{server.public_origin}/l#<secret>`. The
    /// secret is in the fragment, which browsers never send to a server.
    pub url: String,
    pub link: LinkView,
}

/// Whether editors of the task may make links to it; only its owner (or
/// an admin) may say.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkPolicy {
    pub editors_may_create: bool,
}

/// What a link's holder sends with the secret.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenLink {
    /// The link's passphrase, when it has one.
    #[serde(default)]
    pub passphrase: Option<String>,
}

/// The meeting as a link shows it: read only, nothing about its owner.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LinkedMeeting {
    #[schema(required = true)]
    pub title: Option<String>,
    #[schema(format = Date, example = "2024-09-30")]
    pub meeting_date: String,
    pub filename: String,
    pub status: Status,
    /// The newest minutes; null until the task has completed. Without the
    /// transcript, `transcript` is empty.
    #[schema(required = true)]
    pub minutes: Option<Minutes>,
    pub include_transcript: bool,
    /// Whether `POST /api/links/recording` gives the uploaded file.
    pub include_recording: bool,
    #[serde(with = "crate::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// Sets `NewLinkRequest.expires_in_days`' maximum in the document to the
/// configured one, which the derive cannot know.
pub(super) fn document_max_days(doc: &mut utoipa::openapi::OpenApi, max_days: u32) {
    use utoipa::openapi::{RefOr, schema::Schema};
    let field = doc
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("NewLinkRequest"))
        .and_then(|s| match s {
            RefOr::T(Schema::Object(object)) => object.properties.get_mut("expires_in_days"),
            _ => None,
        });
    if let Some(RefOr::T(Schema::Object(days))) = field {
        days.maximum = Some(max_days.into());
    }
}
