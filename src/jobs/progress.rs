//! The worker's progress writes: one transaction updates a task's state and
//! publishes it with the tasks' `NOTIFY`, delivered to every instance's hub
//! at commit. Keyed by task id alone, with no viewer: the job is the authority.

use std::fmt;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use serde_json::json;

use crate::{
    nul,
    outbox::{self, Event},
    tasks::{ErrorCode, Stage, Status, notify, store_processed_minutes},
};

/// A task's new state on its way to an outcome (a failure is written by
/// `fail`); `progress` is clamped to 0–100.
#[derive(Debug, Clone)]
pub struct Progress {
    pub status: Status,
    pub stage: Option<Stage>,
    pub progress: u8,
}

impl Progress {
    /// Waiting (again) for a worker, e.g. before a retry.
    pub fn queued() -> Self {
        Self {
            status: Status::Queued,
            stage: None,
            progress: 0,
        }
    }
}

/// Why a task failed: its code, which is all its viewers are told (with the
/// code's sentence), and the detail for the server log and admins, which
/// may name backend addresses and settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: ErrorCode,
    pub detail: String,
}

impl Failure {
    /// The detail loses any NUL (a backend's answer may hold one, and the
    /// database would refuse it), so a failure can always be recorded.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self {
            code,
            detail: nul::remove(&detail).into_owned(),
        }
    }

    /// The task's `error`: the code's sentence, or for a transcript that
    /// cannot be read the problem found in it (the uploader's own file).
    pub fn message(&self) -> &str {
        self.code.sentence().unwrap_or(&self.detail)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

/// Writes the state (no error) and notifies. Returns false when the task no
/// longer exists.
#[tracing::instrument(skip(db), err)]
pub async fn update(db: &PgPool, task_id: Uuid, p: &Progress) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let updated = sqlx::query!(
        "UPDATE tasks SET status = $2, stage = $3, progress = $4,
                error = NULL, error_code = NULL, error_detail = NULL, updated_at = now()
         WHERE id = $1",
        task_id,
        p.status as Status,
        p.stage as Option<Stage>,
        i16::from(p.progress.min(100)),
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
        "UPDATE tasks SET status = $2, stage = NULL, progress = 100,
                error = NULL, error_code = NULL, error_detail = NULL, updated_at = now()
         WHERE id = $1",
        task_id,
        Status::Completed as Status,
    )
    .execute(&mut *conn)
    .await?;
    store_processed_minutes(conn, task_id, minutes).await?;
    outbox::emit(conn, Event::TaskCompleted, task_id, json!({})).await?;
    notify(conn, task_id).await
}

/// Marks the task failed, in the caller's transaction: its viewers get the
/// failure's message and code, admins its detail too.
pub async fn fail(conn: &mut PgConnection, task_id: Uuid, failure: &Failure) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tasks SET status = $5, stage = NULL, error = $2, error_code = $3,
                error_detail = $4, updated_at = now()
         WHERE id = $1",
        task_id,
        failure.message(),
        failure.code as ErrorCode,
        &failure.detail,
        Status::Failed as Status,
    )
    .execute(&mut *conn)
    .await?;
    let data = json!({ "error_code": failure.code });
    outbox::emit(conn, Event::TaskFailed, task_id, data).await?;
    notify(conn, task_id).await
}
