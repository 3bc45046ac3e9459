//! Cleanup: deletes expired session ID records, series expired or revoked
//! longer than `session.revoked_retention_secs`, and sealed refresh tokens
//! whose grace window has passed. Works in small batches so no statement
//! holds locks for long.

use std::time::Duration;

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::config::SessionSettings;

const BATCH: i64 = 1000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PurgeReport {
    pub session_ids: u64,
    pub series: u64,
    pub sealed_tokens: u64,
}

/// Repeats a batched statement until a batch comes back short.
async fn in_batches<F, Fut>(mut batch: F) -> sqlx::Result<u64>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = sqlx::Result<u64>>,
{
    let mut total = 0;
    loop {
        let n = batch().await?;
        total += n;
        if n < BATCH as u64 {
            return Ok(total);
        }
    }
}

#[tracing::instrument(skip_all, err)]
pub async fn purge(db: &PgPool, settings: &SessionSettings) -> sqlx::Result<PurgeReport> {
    let now = OffsetDateTime::now_utc();
    let retention = super::secs(settings.revoked_retention_secs);
    let grace = super::secs(settings.reuse_grace_secs);

    let session_ids = in_batches(|| async {
        sqlx::query!(
            "DELETE FROM tower_sessions.session WHERE id IN (
                 SELECT id FROM tower_sessions.session WHERE expiry_date <= $1 LIMIT $2)",
            now,
            BATCH
        )
        .execute(db)
        .await
        .map(|r| r.rows_affected())
    })
    .await?;

    let cutoff = now - retention;
    let series = in_batches(|| async {
        sqlx::query!(
            "DELETE FROM session_series WHERE id IN (
                 SELECT id FROM session_series
                 WHERE revoked_at <= $1 OR idle_expires_at <= $1 OR absolute_expires_at <= $1
                 LIMIT $2 FOR UPDATE SKIP LOCKED)",
            cutoff,
            BATCH
        )
        .execute(db)
        .await
        .map(|r| r.rows_affected())
    })
    .await?;

    let sealed_tokens = in_batches(|| async {
        sqlx::query!(
            "UPDATE session_series SET pending_token_sealed = NULL WHERE id IN (
                 SELECT id FROM session_series
                 WHERE pending_token_sealed IS NOT NULL AND rotated_at <= $1
                 LIMIT $2 FOR UPDATE SKIP LOCKED)",
            now - grace,
            BATCH
        )
        .execute(db)
        .await
        .map(|r| r.rows_affected())
    })
    .await?;

    let report = PurgeReport {
        session_ids,
        series,
        sealed_tokens,
    };
    tracing::info!(?report, "session purge finished");
    Ok(report)
}

/// Runs `purge` every `session.purge_interval_secs` until the process ends.
pub fn spawn_purger(db: PgPool, settings: SessionSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick =
            tokio::time::interval(Duration::from_secs(settings.purge_interval_secs.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = purge(&db, &settings).await {
                tracing::error!(error = %e, "session purge failed; will retry");
            }
        }
    })
}
