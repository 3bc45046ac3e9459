//! The delivery queue's statements: `webhook_deliveries` rows claimed like
//! jobs (`FOR UPDATE SKIP LOCKED`, under a lease that outlasts one attempt,
//! the attempt counted at the claim), each outcome written in one
//! transaction conditioned on still holding the lease. Claims are fair
//! across endpoints: one with a delivery under way goes behind those with
//! none, so a slow or flooded endpoint cannot hold every deliverer.

use std::time::Duration;

use sqlx::{PgConnection, PgPool, postgres::types::PgInterval};
use time::OffsetDateTime;
use uuid::Uuid;

/// A claimed delivery with what sending it needs.
pub(super) struct Claimed {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub message_id: String,
    pub body: String,
    pub attempts: i32,
    pub created_at: OffsetDateTime,
    pub url: String,
    pub secret_sealed: Vec<u8>,
    /// Present while the secret before the last rotation still signs.
    pub previous_secret_sealed: Option<Vec<u8>>,
    /// The endpoint and its owner are enabled, and the owner may still
    /// hear of the task.
    pub sendable: bool,
}

fn interval(d: Duration) -> PgInterval {
    PgInterval {
        months: 0,
        days: 0,
        microseconds: i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
    }
}

pub(super) async fn claim(
    db: &PgPool,
    worker: &str,
    lease: Duration,
) -> sqlx::Result<Option<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"WITH busy AS (
               SELECT webhook_id, count(*) AS sending FROM webhook_deliveries
               WHERE state = 'pending' AND locked_by IS NOT NULL AND lease_expires_at > now()
               GROUP BY webhook_id
           ), picked AS (
               SELECT d.id FROM webhook_deliveries d
               LEFT JOIN busy b ON b.webhook_id = d.webhook_id
               WHERE d.state = 'pending' AND d.run_at <= now()
                 AND (d.locked_by IS NULL OR d.lease_expires_at <= now())
               ORDER BY coalesce(b.sending, 0), d.run_at, d.id
               LIMIT 1
               FOR UPDATE OF d SKIP LOCKED
           ), claimed AS (
               UPDATE webhook_deliveries d
               SET locked_by = $1, lease_expires_at = now() + $2::interval,
                   attempts = d.attempts + 1
               FROM picked WHERE d.id = picked.id
               RETURNING d.id, d.webhook_id, d.message_id, d.body, d.attempts, d.created_at,
                         d.task_id
           )
           SELECT c.id AS "id!", c.webhook_id AS "webhook_id!", c.message_id AS "message_id!",
                  c.body AS "body!", c.attempts AS "attempts!", c.created_at AS "created_at!",
                  w.url, w.secret_sealed,
                  CASE WHEN w.previous_secret_until > now() THEN w.previous_secret_sealed
                  END AS previous_secret_sealed,
                  (w.disabled_at IS NULL AND u.disabled_at IS NULL
                   AND (c.task_id IS NULL OR EXISTS (
                       SELECT 1 FROM tasks t
                       WHERE t.id = c.task_id
                         AND (t.user_id = w.user_id
                              OR (w.all_tasks AND user_is_admin(w.user_id)))))) AS "sendable!"
           FROM claimed c
           JOIN webhooks w ON w.id = c.webhook_id
           JOIN users u ON u.id = w.user_id"#,
        worker,
        interval(lease),
    )
    .fetch_optional(db)
    .await
}

/// What becomes of a delivery after an attempt.
#[derive(Debug, Clone, Copy)]
pub(super) enum Next {
    Delivered,
    RetryAfter(Duration),
    Failed,
    Dropped,
}

impl Next {
    fn state(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::RetryAfter(_) => "pending",
            Self::Failed => "failed",
            Self::Dropped => "dropped",
        }
    }
}

/// An attempt's row in the log.
pub(super) struct Logged<'a> {
    pub status: Option<u16>,
    pub elapsed_ms: Option<i32>,
    pub error: Option<&'a str>,
}

/// Writes the attempt and moves the delivery on; false (nothing written)
/// when the lease was lost.
pub(super) async fn record(
    conn: &mut PgConnection,
    job: &Claimed,
    worker: &str,
    logged: &Logged<'_>,
    next: Next,
) -> sqlx::Result<bool> {
    let delay = match next {
        Next::RetryAfter(d) => d,
        _ => Duration::ZERO,
    };
    let moved = sqlx::query!(
        "UPDATE webhook_deliveries
         SET state = $3, locked_by = NULL, lease_expires_at = NULL,
             run_at = now() + $4::interval
         WHERE id = $1 AND locked_by = $2",
        job.id,
        worker,
        next.state(),
        interval(delay),
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved != 1 {
        return Ok(false);
    }
    sqlx::query!(
        "INSERT INTO webhook_attempts (delivery_id, attempt, status_code, response_ms, error)
         VALUES ($1, $2, $3, $4, $5)",
        job.id,
        job.attempts,
        logged.status.map(i32::from),
        logged.elapsed_ms,
        logged.error,
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// A success: the endpoint's failures start again from zero.
pub(super) async fn reset_failures(conn: &mut PgConnection, webhook_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1",
        webhook_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A failed attempt; disables the endpoint when it reaches `max` failures
/// in a row, dropping what it still had pending. Returns the URL and the
/// count when it did.
pub(super) async fn count_failure(
    conn: &mut PgConnection,
    webhook_id: Uuid,
    max: u32,
) -> sqlx::Result<Option<(String, i32)>> {
    let disabled = sqlx::query!(
        "UPDATE webhooks SET consecutive_failures = consecutive_failures + 1,
             disabled_at = CASE WHEN consecutive_failures + 1 >= $2 THEN now() END
         WHERE id = $1 AND disabled_at IS NULL
         RETURNING url, consecutive_failures, disabled_at IS NOT NULL AS \"disabled!\"",
        webhook_id,
        i32::try_from(max).unwrap_or(i32::MAX),
    )
    .fetch_optional(&mut *conn)
    .await?
    .filter(|r| r.disabled);
    let Some(row) = disabled else {
        return Ok(None);
    };
    sqlx::query!(
        "UPDATE webhook_deliveries SET state = 'dropped', locked_by = NULL,
             lease_expires_at = NULL
         WHERE webhook_id = $1 AND state = 'pending'",
        webhook_id
    )
    .execute(conn)
    .await?;
    Ok(Some((row.url, row.consecutive_failures)))
}

/// When the next delivery not yet due becomes due.
pub(super) async fn next_due(db: &PgPool) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar!(
        r#"SELECT min(coalesce(lease_expires_at, run_at)) AS "at" FROM webhook_deliveries
           WHERE state = 'pending' AND (run_at > now() OR lease_expires_at > now())"#
    )
    .fetch_one(db)
    .await
}

/// Deletes finished deliveries (and their attempts) older than `keep`.
pub(super) async fn prune(db: &PgPool, keep: Duration) -> sqlx::Result<u64> {
    sqlx::query!(
        "DELETE FROM webhook_deliveries WHERE state <> 'pending'
             AND created_at < now() - $1::interval",
        interval(keep),
    )
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}
