//! Retention: what the service stops keeping, and when. One purge asks each
//! feature to delete what it no longer needs — session ID records, expired
//! or revoked series with their anonymous tasks, spent sealed refresh tokens
//! (session), failed-login records past their throttle window (auth), audit
//! events past `audit.retention_days` — and
//! removes the files of those tasks from the upload store, then sweeps the
//! store for orphaned files and unfinished uploads (`orphans`). Run
//! periodically by `serve` and once by `minutes sessions purge`.

mod orphans;

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
    audit, auth,
    config::Settings,
    session,
    storage::{StorageKey, UploadStore, Uploads},
};

/// Rows per statement, so no statement holds locks for long.
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
    /// Expired half-finished sign-ins and trusted browsers, dismissed
    /// new-device notices.
    pub sign_in_leftovers: u64,
    /// Audit events older than `audit.retention_days`.
    pub audit_events: u64,
    /// Stored files no task row names, older than `storage.orphan_grace_secs`.
    pub orphan_files: u64,
    /// Leftovers of uploads never finished (the file store's `.part` files).
    pub unfinished_uploads: u64,
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
pub async fn purge(db: &PgPool, all: &Settings, uploads: &Uploads) -> sqlx::Result<PurgeReport> {
    let settings = &all.session;
    let now = OffsetDateTime::now_utc();

    let session_ids = in_batches(|| session::purge_session_ids(db, now, BATCH)).await?;

    // Atomic only so the purge future stays `Send`; nothing runs concurrently.
    let task_files = AtomicU64::new(0);
    let series = in_batches(|| async {
        let batch = session::purge_series(db, settings, now, BATCH).await?;
        let removed = remove_files(uploads, &batch.task_keys).await;
        task_files.fetch_add(removed, Ordering::Relaxed);
        Ok(batch.series)
    })
    .await?;

    let sealed_tokens =
        in_batches(|| session::purge_sealed_tokens(db, settings, now, BATCH)).await?;

    let login_attempts = in_batches(|| auth::purge_login_attempts(db, now, BATCH)).await?;
    let sign_in_leftovers = in_batches(|| auth::purge_sign_in_leftovers(db, now, BATCH)).await?;

    let audit_before = now - time::Duration::days(i64::from(all.audit.retention_days));
    let audit_events = in_batches(|| audit::purge(db, audit_before, BATCH)).await?;

    let grace = Duration::from_secs(all.storage.orphan_grace_secs);
    let swept = orphans::sweep(db, uploads, grace).await?;

    let report = PurgeReport {
        session_ids,
        series,
        sealed_tokens,
        task_files: task_files.into_inner(),
        login_attempts,
        sign_in_leftovers,
        audit_events,
        orphan_files: swept.orphans,
        unfinished_uploads: swept.unfinished,
    };
    tracing::info!(?report, "purge finished");
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
    settings: &Settings,
    uploads: Arc<Uploads>,
) -> tokio::task::JoinHandle<()> {
    let settings = settings.clone();
    tokio::spawn(async move {
        let interval = settings.session.purge_interval_secs.max(1);
        let mut tick = tokio::time::interval(Duration::from_secs(interval));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = purge(&db, &settings, &uploads).await {
                tracing::error!(error = %e, "purge failed; will retry");
            }
        }
    })
}
