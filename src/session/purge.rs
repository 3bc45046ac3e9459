//! Session's share of retention, one batch per call: expired session ID
//! records, series expired or revoked longer than
//! `session.revoked_retention_secs`, and sealed refresh tokens whose grace
//! window has passed. `retention` repeats them with the other features'
//! purges; each statement touches at most `limit` rows so none holds locks
//! for long.

use std::time::Duration;

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::config::SessionSettings;

/// A batch of deleted series. Their anonymous tasks went with them by
/// cascade; the tasks' storage keys are returned so their files can go too.
#[derive(Debug, Default)]
pub struct PurgedSeries {
    pub series: u64,
    pub task_keys: Vec<String>,
}

pub async fn purge_session_ids(db: &PgPool, now: OffsetDateTime, limit: i64) -> sqlx::Result<u64> {
    sqlx::query!(
        "DELETE FROM tower_sessions.session WHERE id IN (
             SELECT id FROM tower_sessions.session WHERE expiry_date <= $1 LIMIT $2)",
        now,
        limit
    )
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

pub async fn purge_series(
    db: &PgPool,
    settings: &SessionSettings,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<PurgedSeries> {
    let cutoff = now - super::secs(settings.revoked_retention_secs);
    // The outer SELECT still sees the cascaded tasks as they were.
    let batch = sqlx::query!(
        r#"WITH deleted AS (
               DELETE FROM session_series WHERE id IN (
                   SELECT id FROM session_series
                   WHERE revoked_at <= $1 OR idle_expires_at <= $1 OR absolute_expires_at <= $1
                   LIMIT $2 FOR UPDATE SKIP LOCKED)
               RETURNING id)
           SELECT (SELECT count(*) FROM deleted) AS "series!",
                  ARRAY(SELECT storage_key FROM tasks
                        WHERE series_id IN (SELECT id FROM deleted)) AS "task_keys!""#,
        cutoff,
        limit
    )
    .fetch_one(db)
    .await?;
    Ok(PurgedSeries {
        series: batch.series as u64,
        task_keys: batch.task_keys,
    })
}

pub async fn purge_sealed_tokens(
    db: &PgPool,
    settings: &SessionSettings,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "UPDATE session_series SET pending_token_sealed = NULL WHERE id IN (
             SELECT id FROM session_series
             WHERE pending_token_sealed IS NOT NULL AND rotated_at <= $1
             LIMIT $2 FOR UPDATE SKIP LOCKED)",
        now - super::secs(settings.reuse_grace_secs),
        limit
    )
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Runs `purge_sealed_tokens` every `session.reuse_grace_secs` (at least
/// every second) until the process ends: the general purge runs every few
/// minutes, far coarser than a window of seconds.
pub fn spawn_sealed_token_sweep(
    db: PgPool,
    settings: SessionSettings,
) -> tokio::task::JoinHandle<()> {
    const BATCH: i64 = 1000;
    tokio::spawn(async move {
        let every = Duration::from_secs(settings.reuse_grace_secs.max(1));
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            loop {
                let now = OffsetDateTime::now_utc();
                match purge_sealed_tokens(&db, &settings, now, BATCH).await {
                    Ok(n) if n == BATCH as u64 => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "sealed token sweep failed; will retry");
                        break;
                    }
                }
            }
        }
    })
}
