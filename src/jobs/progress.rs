//! The worker's progress writes: one transaction updates a task's state and
//! publishes it with the tasks' `NOTIFY`, delivered to every instance's hub
//! at commit. Keyed by task id alone, with no viewer: the job is the authority.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::tasks::{Stage, Status, notify, store_processed_minutes};

/// A task's new state; `progress` is clamped to 0–100.
#[derive(Debug, Clone)]
pub struct Progress {
    pub status: Status,
    pub stage: Option<Stage>,
    pub progress: u8,
    pub error: Option<String>,
}

impl Progress {
    /// Waiting (again) for a worker, e.g. before a retry.
    pub fn queued() -> Self {
        Self {
            status: Status::Queued,
            stage: None,
            progress: 0,
            error: None,
        }
    }
}

/// Writes the state and notifies. Returns false when the task no longer exists.
#[tracing::instrument(skip(db), err)]
pub async fn update(db: &PgPool, task_id: Uuid, p: &Progress) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let updated = sqlx::query!(
        "UPDATE tasks SET status = $2, stage = $3, progress = $4, error = $5,
                error_code = NULL, updated_at = now()
         WHERE id = $1",
        task_id,
        p.status as Status,
        p.stage as Option<Stage>,
        i16::from(p.progress.min(100)),
        p.error.as_deref(),
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if updated {
        notify(&mut tx, task_id).await?;
    }
    tx.commit().await?;
    Ok(updated)
}

/// Stores the minutes as their version 1 and marks the task completed, in
/// the caller's transaction.
pub async fn complete(
    conn: &mut PgConnection,
    task_id: Uuid,
    minutes: &serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tasks SET status = $2, stage = NULL, progress = 100, error = NULL,
                error_code = NULL, updated_at = now()
         WHERE id = $1",
        task_id,
        Status::Completed as Status,
    )
    .execute(&mut *conn)
    .await?;
    store_processed_minutes(conn, task_id, minutes).await?;
    notify(conn, task_id).await
}

/// Marks the task failed, in the caller's transaction: `code` for pages to
/// word (`Task.error_code`), `error` the text for operators.
pub async fn fail(
    conn: &mut PgConnection,
    task_id: Uuid,
    code: &str,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tasks SET status = $3, stage = NULL, error = $2, error_code = $4,
                updated_at = now()
         WHERE id = $1",
        task_id,
        error,
        Status::Failed as Status,
        code,
    )
    .execute(&mut *conn)
    .await?;
    notify(conn, task_id).await
}
