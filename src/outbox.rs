//! The webhook outbox: features record an event about a task where it
//! happens (processing finished or failed, minutes saved, a task shared),
//! in the transaction that makes the change, and it becomes one pending
//! delivery per endpoint that wants it — an endpoint of the task's owner, or
//! an admin's endpoint for all tasks. The webhooks feature delivers them. A
//! leaf: it names no feature, so any feature may call it without a cycle.

use serde_json::{Value, json};
use sqlx::PgConnection;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use uuid::Uuid;

/// `NOTIFY` channel that wakes idle deliverers.
pub const DELIVERIES_CHANNEL: &str = "webhook_deliveries";

/// What an endpoint can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    TaskCompleted,
    TaskFailed,
    MinutesUpdated,
    TaskShared,
}

impl Event {
    pub const ALL: [Self; 4] = [
        Self::TaskCompleted,
        Self::TaskFailed,
        Self::MinutesUpdated,
        Self::TaskShared,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TaskCompleted => "task.completed",
            Self::TaskFailed => "task.failed",
            Self::MinutesUpdated => "minutes.updated",
            Self::TaskShared => "task.shared",
        }
    }
}

/// The Standard Webhooks body: `{"type", "timestamp", "data"}`.
pub fn body(kind: &str, data: Value) -> String {
    let timestamp = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    json!({ "type": kind, "timestamp": timestamp, "data": data }).to_string()
}

/// Queues `event` about `task_id` for every enabled endpoint of an enabled
/// user that wants it and may hear of the task; `data` gets the task's id.
/// Workers are woken at commit.
pub async fn emit(
    conn: &mut PgConnection,
    event: Event,
    task_id: Uuid,
    mut data: Value,
) -> sqlx::Result<()> {
    if let Value::Object(map) = &mut data {
        map.insert("task_id".into(), json!(task_id));
    }
    let queued = sqlx::query!(
        "INSERT INTO webhook_deliveries (webhook_id, event, task_id, body)
         SELECT w.id, $2, t.id, $3
         FROM tasks t
         JOIN webhooks w ON w.id IN (
             SELECT id FROM webhooks WHERE user_id = t.user_id
             UNION
             SELECT id FROM webhooks WHERE all_tasks AND user_is_admin(user_id))
         JOIN users u ON u.id = w.user_id AND u.disabled_at IS NULL
         WHERE t.id = $1 AND w.disabled_at IS NULL AND $2 = ANY (w.events)",
        task_id,
        event.as_str(),
        body(event.as_str(), data),
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if queued > 0 {
        wake(conn).await?;
    }
    Ok(())
}

/// Wakes idle deliverers when the caller's transaction commits.
pub async fn wake(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("SELECT pg_notify($1, '')", DELIVERIES_CHANNEL)
        .execute(conn)
        .await?;
    Ok(())
}
