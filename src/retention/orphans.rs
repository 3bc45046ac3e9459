//! The orphan sweep: files in the upload store that no task row names —
//! left by a process that died between storing a file and recording its task,
//! or between deleting a task and its file — and unfinished uploads. Only
//! files older than `storage.orphan_grace_secs` are judged, so an upload
//! between its file and its row is never taken for an orphan.

use std::time::{Duration, SystemTime};

use sqlx::PgPool;

use crate::storage::{StorageKey, UploadStore, Uploads};

/// Keys checked against `tasks` per statement.
const CHUNK: usize = 1000;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub orphans: u64,
    pub unfinished: u64,
}

/// Store errors are logged and the sweep goes on: it runs again next time.
pub async fn sweep(db: &PgPool, uploads: &Uploads, grace: Duration) -> sqlx::Result<Swept> {
    let before = SystemTime::now() - grace;
    let mut swept = Swept::default();
    match uploads.sweep_unfinished(before).await {
        Ok(n) => swept.unfinished = n,
        Err(e) => tracing::warn!(error = %e, "unfinished uploads not swept"),
    }
    let keys = match uploads.keys_older_than(before).await {
        Ok(keys) => keys,
        Err(e) => {
            tracing::warn!(error = %e, "upload store not listed; orphans not swept");
            return Ok(swept);
        }
    };
    for chunk in keys.chunks(CHUNK) {
        for key in unrecorded(db, chunk).await? {
            match uploads.delete(key).await {
                Ok(()) => swept.orphans += 1,
                Err(e) => tracing::warn!(error = %e, %key, "orphaned file not removed"),
            }
        }
    }
    Ok(swept)
}

/// The keys no task row names.
async fn unrecorded(db: &PgPool, keys: &[StorageKey]) -> sqlx::Result<Vec<StorageKey>> {
    let texts: Vec<String> = keys.iter().map(ToString::to_string).collect();
    let rows = sqlx::query_scalar!(
        r#"SELECT k AS "key!" FROM unnest($1::text[]) AS k
           WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE storage_key = k)"#,
        &texts
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|k| StorageKey::parse(k).ok())
        .collect())
}
