//! What the webhook endpoints show and take.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::outbox::Event;

/// An event an endpoint can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EventName {
    /// A task's processing finished: its minutes are ready.
    #[serde(rename = "task.completed")]
    TaskCompleted,
    /// A task's processing failed.
    #[serde(rename = "task.failed")]
    TaskFailed,
    /// A new version of a task's minutes: an edit, a restore or a
    /// regeneration.
    #[serde(rename = "minutes.updated")]
    MinutesUpdated,
    /// A task was shared with someone, or the share changed.
    #[serde(rename = "task.shared")]
    TaskShared,
}

impl EventName {
    pub(super) fn event(self) -> Event {
        match self {
            Self::TaskCompleted => Event::TaskCompleted,
            Self::TaskFailed => Event::TaskFailed,
            Self::MinutesUpdated => Event::MinutesUpdated,
            Self::TaskShared => Event::TaskShared,
        }
    }

    /// The stored names, deduplicated, in a fixed order.
    pub(super) fn names(events: &[Self]) -> Vec<String> {
        Event::ALL
            .into_iter()
            .filter(|e| events.iter().any(|n| n.event() == *e))
            .map(|e| e.as_str().to_owned())
            .collect()
    }

    pub(super) fn parse(name: &str) -> Option<Self> {
        [
            Self::TaskCompleted,
            Self::TaskFailed,
            Self::MinutesUpdated,
            Self::TaskShared,
        ]
        .into_iter()
        .find(|n| n.event().as_str() == name)
    }
}

/// An endpoint as its owner sees it: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<EventName>,
    /// Every task's events (an admin's endpoint), not only the owner's tasks.
    pub all_tasks: bool,
    /// Failed attempts in a row; at `webhooks.max_failures` the endpoint
    /// is disabled.
    pub consecutive_failures: i32,
    /// When it was disabled after repeated failures (`null`: enabled).
    #[serde(with = "crate::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
    /// Until when the secret before the last rotation still signs
    /// deliveries (`null`: none).
    #[serde(with = "crate::rfc3339::option")]
    pub previous_secret_until: Option<OffsetDateTime>,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The characters a webhook URL may have: `https://` (or `http://` where
/// `webhooks.allow_private` is set), a host name or IPv4 address, a port,
/// a path and query of printable ASCII; no credentials, no fragment.
pub(super) const URL_PATTERN: &str = concat!(
    r"^https?://(?:(?:[A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*",
    r"|(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))",
    r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?",
    r"(?:/[!-\x22$-~]*)?$",
);

/// Where deliveries are POSTed, as the document describes it (`URL_PATTERN`).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub(crate) struct WebhookUrl(pub String);

/// Longest URL accepted.
pub(super) const URL_MAX: usize = 2000;

impl utoipa::PartialSchema for WebhookUrl {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(URL_MAX))
            .pattern(Some(URL_PATTERN))
            .description(Some(
                "Where deliveries are POSTed: `https://` unless the server allows private \
                 addresses (`webhooks.allow_private`), which also admits `http://`. A URL \
                 naming an address that is loopback, private, link-local or otherwise \
                 internal is refused (422 `private_address`) unless the server allows it.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for WebhookUrl {}

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewWebhook {
    pub url: WebhookUrl,
    /// At least one.
    #[schema(min_items = 1)]
    pub events: Vec<EventName>,
    /// Every task's events: admins only (403 `admin_required`).
    #[serde(default)]
    pub all_tasks: bool,
}

/// A change to an endpoint: each field left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WebhookChange {
    #[serde(default)]
    pub url: Option<WebhookUrl>,
    #[schema(min_items = 1)]
    #[serde(default)]
    pub events: Option<Vec<EventName>>,
    /// `true` enables a disabled endpoint (its failure count starts again).
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// A new or rotated endpoint with its signing secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WithSecret {
    /// `whsec_` and the base64 of the key, as Standard Webhooks libraries take it.
    pub secret: String,
    pub webhook: Webhook,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WebhookList {
    pub webhooks: Vec<Webhook>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its first attempt or a retry.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up: a 4xx, the guard, or the retry horizon passed.
    Failed,
    /// Not sent: the endpoint was disabled, or its owner can no longer see the task.
    Dropped,
}

/// One attempt at a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attempt {
    pub attempt: i32,
    /// The receiver's status code (`null`: no answer).
    pub status_code: Option<i32>,
    pub response_ms: Option<i32>,
    /// Why it failed: a timeout, a refused address, a connection error.
    pub error: Option<String>,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// One event sent (or to be sent) to one endpoint, with its attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    pub id: Uuid,
    /// The `webhook-id` header: the same on every retry and redelivery.
    pub message_id: String,
    /// `task.completed` … or `webhook.test`.
    pub event: String,
    pub task_id: Option<Uuid>,
    pub state: DeliveryState,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Oldest first.
    pub attempts: Vec<Attempt>,
}

/// The newest deliveries of an endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeliveryList {
    pub deliveries: Vec<Delivery>,
}

/// A delivery queued.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Queued {
    pub delivery_id: Uuid,
}
