//! Cleanup: deletes expired session ID records, series expired or revoked
//! longer than `session.revoked_retention_secs` (their anonymous tasks go by
//! cascade, their files from the upload store here), sealed refresh tokens
//! whose grace window has passed, and failed-login records past their
//! throttle window. Works in small batches so no statement holds locks for
//! long.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::{
    config::SessionSettings,
    storage::{StorageKey, UploadStore, Uploads},
};

const BATCH: i64 = 1000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PurgeReport {
    pub session_ids: u64,
    pub series: u64,
    pub sealed_tokens: u64,
    /// Files of the deleted series' tasks removed from the upload store.
    pub task_files: u64,
    /// Failed-login records past their throttle window.
    pub login_attempts: u64,
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
pub async fn purge(
    db: &PgPool,
    settings: &SessionSettings,
    uploads: &Uploads,
) -> sqlx::Result<PurgeReport> {
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
    // Atomic only so the purge future stays `Send`; nothing runs concurrently.
    let task_files = AtomicU64::new(0);
    let series = in_batches(|| async {
        // The tasks of deleted series go by cascade; the outer SELECT still
        // sees them as they were, so their files can be removed after.
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
            BATCH
        )
        .fetch_one(db)
        .await?;
        let removed = remove_files(uploads, &batch.task_keys).await;
        task_files.fetch_add(removed, Ordering::Relaxed);
        Ok(batch.series as u64)
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

    // Not session state, but spent just as quietly; one purge job is enough.
    let login_attempts = in_batches(|| crate::auth::purge_login_attempts(db, now, BATCH)).await?;

    let report = PurgeReport {
        session_ids,
        series,
        sealed_tokens,
        task_files: task_files.into_inner(),
        login_attempts,
    };
    tracing::info!(?report, "session purge finished");
    Ok(report)
}

/// Removes the files of purged tasks; a failure is logged, not fatal, as
/// the rows are already gone.
async fn remove_files(uploads: &Uploads, keys: &[String]) -> u64 {
    let mut removed = 0;
    for key in keys {
        let deleted = async { uploads.delete(StorageKey::parse(key)?).await };
        match deleted.await {
            Ok(()) => removed += 1,
            Err(e) => tracing::warn!(error = %e, key, "purged task's file not removed"),
        }
    }
    removed
}

/// Runs `purge` every `session.purge_interval_secs` until the process ends.
pub fn spawn_purger(
    db: PgPool,
    settings: SessionSettings,
    uploads: Arc<Uploads>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick =
            tokio::time::interval(Duration::from_secs(settings.purge_interval_secs.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = purge(&db, &settings, &uploads).await {
                tracing::error!(error = %e, "session purge failed; will retry");
            }
        }
    })
}
