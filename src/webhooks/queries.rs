//! The `webhooks` queries, each scoped to the endpoint's owner: there is no
//! statement here that reaches another user's endpoint or delivery.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

use super::model::{Attempt, Delivery, DeliveryState, EventName, Webhook};

struct Row {
    id: Uuid,
    url: String,
    events: Vec<String>,
    all_tasks: bool,
    consecutive_failures: i32,
    disabled_at: Option<OffsetDateTime>,
    previous_secret_until: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
}

impl From<Row> for Webhook {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            url: r.url,
            events: r
                .events
                .iter()
                .filter_map(|e| EventName::parse(e))
                .collect(),
            all_tasks: r.all_tasks,
            consecutive_failures: r.consecutive_failures,
            disabled_at: r.disabled_at,
            previous_secret_until: r.previous_secret_until,
            created_at: r.created_at,
        }
    }
}

/// The user's endpoints, newest first.
pub(super) async fn list(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Vec<Webhook>> {
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, url, events, all_tasks, consecutive_failures, disabled_at,
                CASE WHEN previous_secret_until > now() THEN previous_secret_until END
                    AS previous_secret_until,
                created_at
         FROM webhooks WHERE user_id = $1 ORDER BY created_at DESC, id",
        user_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Webhook::from).collect())
}

/// One of the user's endpoints, locked for a change.
pub(super) async fn lock(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<Option<Webhook>> {
    let row = sqlx::query_as!(
        Row,
        "SELECT id, url, events, all_tasks, consecutive_failures, disabled_at,
                CASE WHEN previous_secret_until > now() THEN previous_secret_until END
                    AS previous_secret_until,
                created_at
         FROM webhooks WHERE id = $1 AND user_id = $2 FOR UPDATE",
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Webhook::from))
}

pub(super) async fn count(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM webhooks WHERE user_id = $1"#,
        user_id
    )
    .fetch_one(conn)
    .await
}

pub(super) async fn is_admin(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT user_is_admin($1) AS "admin!""#, user_id)
        .fetch_one(conn)
        .await
}

pub(super) struct NewRow<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub url: &'a str,
    pub events: &'a [String],
    pub all_tasks: bool,
    pub secret_sealed: &'a [u8],
}

pub(super) async fn insert(conn: &mut PgConnection, r: NewRow<'_>) -> sqlx::Result<Webhook> {
    let row = sqlx::query_as!(
        Row,
        "INSERT INTO webhooks (id, user_id, url, events, all_tasks, secret_sealed)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, url, events, all_tasks, consecutive_failures, disabled_at,
                   previous_secret_until, created_at",
        r.id,
        r.user_id,
        r.url,
        r.events,
        r.all_tasks,
        r.secret_sealed,
    )
    .fetch_one(conn)
    .await?;
    Ok(row.into())
}

/// Writes a locked endpoint's new URL, events and state; enabling it
/// starts its failure count again.
pub(super) async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    url: &str,
    events: &[String],
    enabled: bool,
) -> sqlx::Result<Webhook> {
    let row = sqlx::query_as!(
        Row,
        "UPDATE webhooks SET url = $2, events = $3,
             disabled_at = CASE WHEN $4 THEN NULL ELSE coalesce(disabled_at, now()) END,
             consecutive_failures = CASE WHEN $4 AND disabled_at IS NOT NULL THEN 0
                                         ELSE consecutive_failures END
         WHERE id = $1
         RETURNING id, url, events, all_tasks, consecutive_failures, disabled_at,
                   CASE WHEN previous_secret_until > now() THEN previous_secret_until END
                       AS previous_secret_until,
                   created_at",
        id,
        url,
        events,
        enabled,
    )
    .fetch_one(conn)
    .await?;
    Ok(row.into())
}

/// Deletes one of the user's endpoints; its URL, if it existed.
pub(super) async fn delete(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "DELETE FROM webhooks WHERE id = $1 AND user_id = $2 RETURNING url",
        id,
        user_id
    )
    .fetch_optional(conn)
    .await
}

/// A new secret for a locked endpoint; the current one stays valid for a day.
pub(super) async fn rotate(
    conn: &mut PgConnection,
    id: Uuid,
    secret_sealed: &[u8],
) -> sqlx::Result<Webhook> {
    let row = sqlx::query_as!(
        Row,
        "UPDATE webhooks SET previous_secret_sealed = secret_sealed,
             previous_secret_until = now() + interval '24 hours', secret_sealed = $2
         WHERE id = $1
         RETURNING id, url, events, all_tasks, consecutive_failures, disabled_at,
                   previous_secret_until, created_at",
        id,
        secret_sealed,
    )
    .fetch_one(conn)
    .await?;
    Ok(row.into())
}

/// Queues a delivery of `body` (event `event`, about no task) to the endpoint.
pub(super) async fn enqueue(
    conn: &mut PgConnection,
    webhook_id: Uuid,
    event: &str,
    body: &str,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar!(
        "INSERT INTO webhook_deliveries (webhook_id, event, body) VALUES ($1, $2, $3)
         RETURNING id",
        webhook_id,
        event,
        body,
    )
    .fetch_one(conn)
    .await
}

/// Queues the same message again (same `webhook-id`, same body), if the
/// delivery is to one of the user's endpoints: the new delivery's id, and
/// whether the endpoint is enabled.
pub(super) async fn redeliver(
    conn: &mut PgConnection,
    delivery_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<Option<(Uuid, bool)>> {
    let found = sqlx::query!(
        r#"SELECT d.webhook_id, d.message_id, d.event, d.task_id, d.body,
                  w.disabled_at IS NULL AS "enabled!"
           FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
           WHERE d.id = $1 AND w.user_id = $2"#,
        delivery_id,
        user_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(d) = found else {
        return Ok(None);
    };
    if !d.enabled {
        return Ok(Some((delivery_id, false)));
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO webhook_deliveries (webhook_id, message_id, event, task_id, body)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        d.webhook_id,
        d.message_id,
        d.event,
        d.task_id,
        d.body,
    )
    .fetch_one(conn)
    .await?;
    Ok(Some((id, true)))
}

/// How many deliveries the log shows.
const LOG_LIMIT: i64 = 50;

/// The endpoint's newest deliveries with their attempts, if the endpoint
/// is the user's.
pub(super) async fn deliveries(
    conn: &mut PgConnection,
    webhook_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<Option<Vec<Delivery>>> {
    let owned = sqlx::query_scalar!(
        "SELECT id FROM webhooks WHERE id = $1 AND user_id = $2",
        webhook_id,
        user_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if owned.is_none() {
        return Ok(None);
    }
    let rows = sqlx::query!(
        "SELECT id, message_id, event, task_id, state, created_at FROM webhook_deliveries
         WHERE webhook_id = $1 ORDER BY created_at DESC, id LIMIT $2",
        webhook_id,
        LOG_LIMIT,
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let attempts = sqlx::query!(
        "SELECT delivery_id, attempt, status_code, response_ms, error, created_at
         FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY attempt, id",
        &ids,
    )
    .fetch_all(conn)
    .await?;
    Ok(Some(
        rows.into_iter()
            .map(|r| Delivery {
                attempts: attempts
                    .iter()
                    .filter(|a| a.delivery_id == r.id)
                    .map(|a| Attempt {
                        attempt: a.attempt,
                        status_code: a.status_code,
                        response_ms: a.response_ms,
                        error: a.error.clone(),
                        created_at: a.created_at,
                    })
                    .collect(),
                id: r.id,
                message_id: r.message_id,
                event: r.event,
                task_id: r.task_id,
                state: state(&r.state),
                created_at: r.created_at,
            })
            .collect(),
    ))
}

fn state(s: &str) -> DeliveryState {
    match s {
        "pending" => DeliveryState::Pending,
        "delivered" => DeliveryState::Delivered,
        "failed" => DeliveryState::Failed,
        _ => DeliveryState::Dropped,
    }
}
