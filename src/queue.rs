//! The durable job queue (`jobs`). A job is enqueued in the transaction that
//! creates its task and announced with `NOTIFY`; workers claim due jobs with
//! `FOR UPDATE SKIP LOCKED` under a lease they renew by heartbeat, so a
//! crashed worker's job is claimed again once its lease lapses. Every write
//! after the claim is conditioned on still holding the lease: a job completes
//! at most once. Claims are fair across owners: the owner with the fewest
//! running jobs goes first, then the oldest job. An owner is a user, or for
//! anonymous tasks the client address that started their series (the SQL
//! function `task_fair_share_key`). A leaf: tasks enqueue in
//! their own transactions, the job runtime claims.

use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

/// `NOTIFY` channel that wakes idle workers.
pub const JOBS_CHANNEL: &str = "jobs_ready";

/// Turn an upload into minutes.
pub const PROCESS: &str = "process";
/// Make a task's minutes again from their transcript, with a template
/// (the job's `payload`), as a new version.
pub const REGENERATE: &str = "regenerate";

#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub task_id: Uuid,
    pub kind: String,
    pub attempts: i32,
    pub max_attempts: i32,
    /// What the job needs beyond its task (a regeneration's template).
    pub payload: Option<serde_json::Value>,
}

fn interval(d: Duration) -> sqlx::postgres::types::PgInterval {
    sqlx::postgres::types::PgInterval {
        months: 0,
        days: 0,
        microseconds: i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
    }
}

/// Adds a job for `task_id` in the caller's transaction; workers are woken
/// when it commits.
pub async fn enqueue(conn: &mut PgConnection, task_id: Uuid, kind: &str) -> sqlx::Result<()> {
    enqueue_with(conn, task_id, kind, None).await
}

/// `enqueue`, with what the job needs beyond its task.
pub async fn enqueue_with(
    conn: &mut PgConnection,
    task_id: Uuid,
    kind: &str,
    payload: Option<&serde_json::Value>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO jobs (task_id, kind, payload) VALUES ($1, $2, $3)",
        task_id,
        kind,
        payload,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("SELECT pg_notify($1, '')", JOBS_CHANNEL)
        .execute(conn)
        .await?;
    Ok(())
}

/// Claims the next due job, if any, for `worker` until `now + lease`.
#[tracing::instrument(skip(db), err)]
pub async fn claim(db: &PgPool, worker: &str, lease: Duration) -> sqlx::Result<Option<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"WITH busy AS (
               SELECT task_fair_share_key(t) AS owner, count(*) AS running
               FROM jobs j JOIN tasks t ON t.id = j.task_id
               WHERE j.locked_by IS NOT NULL AND j.lease_expires_at > now()
               GROUP BY 1
           ), candidates AS (
               SELECT j.id, row_number() OVER (
                          ORDER BY coalesce(b.running, 0), j.run_at, j.id) AS pos
               FROM jobs j
               JOIN tasks t ON t.id = j.task_id
               LEFT JOIN busy b ON b.owner = task_fair_share_key(t)
               WHERE j.run_at <= now()
                 AND (j.locked_by IS NULL OR j.lease_expires_at <= now())
               ORDER BY pos
               LIMIT 32
           ), picked AS (
               SELECT j.id FROM jobs j JOIN candidates c ON c.id = j.id
               WHERE j.locked_by IS NULL OR j.lease_expires_at <= now()
               ORDER BY c.pos
               LIMIT 1
               FOR UPDATE OF j SKIP LOCKED
           )
           UPDATE jobs SET locked_by = $1, lease_expires_at = now() + $2::interval,
                           attempts = attempts + 1
           FROM picked WHERE jobs.id = picked.id
           RETURNING jobs.id, jobs.task_id, jobs.kind, jobs.attempts, jobs.max_attempts,
                     jobs.payload"#,
        worker,
        interval(lease),
    )
    .fetch_optional(db)
    .await
}

/// Extends the lease; false when it was lost (the job belongs to another worker now).
pub async fn heartbeat(db: &PgPool, job: i64, worker: &str, lease: Duration) -> sqlx::Result<bool> {
    let renewed = sqlx::query!(
        "UPDATE jobs SET lease_expires_at = now() + $3::interval
         WHERE id = $1 AND locked_by = $2",
        job,
        worker,
        interval(lease),
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(renewed == 1)
}

/// Removes a finished job in the caller's transaction, which also records
/// the outcome; false (and the caller rolls back) when the lease was lost.
pub async fn finish(conn: &mut PgConnection, job: i64, worker: &str) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM jobs WHERE id = $1 AND locked_by = $2",
        job,
        worker
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(deleted == 1)
}

/// Puts a job back for another attempt after `delay`.
pub async fn retry_later(
    db: &PgPool,
    job: i64,
    worker: &str,
    delay: Duration,
    error: &str,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "UPDATE jobs SET locked_by = NULL, lease_expires_at = NULL, last_error = $3,
                         run_at = now() + $4::interval
         WHERE id = $1 AND locked_by = $2",
        job,
        worker,
        error,
        interval(delay),
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Hands a job back untouched at shutdown: the attempt does not count.
pub async fn release(db: &PgPool, job: i64, worker: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE jobs SET locked_by = NULL, lease_expires_at = NULL, attempts = attempts - 1
         WHERE id = $1 AND locked_by = $2",
        job,
        worker
    )
    .execute(db)
    .await?;
    Ok(())
}

/// When the next not-yet-due job becomes due, so an idle worker can sleep until then.
pub async fn next_due(db: &PgPool) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar!(
        r#"SELECT min(coalesce(lease_expires_at, run_at)) AS "at" FROM jobs
           WHERE run_at > now() OR lease_expires_at > now()"#
    )
    .fetch_one(db)
    .await
}

/// Exponential backoff: 2 s, 4 s, 8 s … capped at 5 minutes.
pub fn backoff(attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 9)).unwrap_or(1);
    Duration::from_secs(2u64.pow(exp)).min(Duration::from_secs(300))
}
