//! All task SQL. Every viewer statement carries the viewer's scope in its
//! `WHERE` through the SQL function `task_visible` (its migration is the one
//! definition): a user sees the tasks with its `user_id`; an anonymous series
//! sees its own tasks that no user has adopted. The only lookups without a
//! viewer serve the worker (`job_input`) and login (`adopt`).

use sqlx::PgPool;
use uuid::Uuid;

use super::{
    Viewer,
    cursor::Cursor,
    model::{JobInput, Stage, Status, TaskRow},
};
use crate::{queue, storage::StorageKey};

/// What an upload knows about its task before the database does.
pub(super) struct NewTask<'a> {
    pub id: Uuid,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub storage_key: &'a str,
}

#[tracing::instrument(skip(db, viewer), err)]
pub(crate) async fn get(
    db: &PgPool,
    viewer: &Viewer,
    task_id: Uuid,
) -> sqlx::Result<Option<TaskRow>> {
    sqlx::query_as!(
        TaskRow,
        r#"SELECT id, filename, content_type, size_bytes, storage_key,
                status AS "status: Status", stage AS "stage: Stage", progress, error,
                upload_timestamp, updated_at
         FROM tasks
         WHERE id = $1
           AND task_visible(tasks, $2, $3)"#,
        task_id,
        viewer.series_id,
        viewer.user_id,
    )
    .fetch_optional(db)
    .await
}

/// Newest first, `limit` rows after `after` (exclusive).
#[tracing::instrument(skip(db, viewer), err)]
pub(super) async fn list(
    db: &PgPool,
    viewer: &Viewer,
    after: Option<Cursor>,
    limit: i64,
) -> sqlx::Result<Vec<TaskRow>> {
    sqlx::query_as!(
        TaskRow,
        r#"SELECT id, filename, content_type, size_bytes, storage_key,
                status AS "status: Status", stage AS "stage: Stage", progress, error,
                upload_timestamp, updated_at
         FROM tasks
         WHERE task_visible(tasks, $1, $2)
           AND ($3::timestamptz IS NULL OR (upload_timestamp, id) < ($3::timestamptz, $4::uuid))
         ORDER BY upload_timestamp DESC, id DESC
         LIMIT $5"#,
        viewer.series_id,
        viewer.user_id,
        after.map(|c| c.upload_timestamp),
        after.map(|c| c.id),
        limit,
    )
    .fetch_all(db)
    .await
}

/// Inserts the task and its processing job in one transaction: a task is
/// never left without the job that will process it.
#[tracing::instrument(skip_all, fields(task_id = %new.id), err)]
pub(super) async fn insert(
    db: &PgPool,
    viewer: &Viewer,
    new: NewTask<'_>,
) -> sqlx::Result<TaskRow> {
    // A user's task must not hang off a series: the series' cascade would
    // delete it with the series.
    let series_id = viewer.user_id.is_none().then_some(viewer.series_id);
    let mut tx = db.begin().await?;
    let row = sqlx::query_as!(
        TaskRow,
        r#"INSERT INTO tasks (id, series_id, user_id, filename, content_type, size_bytes, storage_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, filename, content_type, size_bytes, storage_key,
                   status AS "status: Status", stage AS "stage: Stage", progress, error,
                   upload_timestamp, updated_at"#,
        new.id,
        series_id,
        viewer.user_id,
        new.filename,
        new.content_type,
        new.size_bytes,
        new.storage_key,
    )
    .fetch_one(&mut *tx)
    .await?;
    queue::enqueue(&mut tx, row.id, queue::PROCESS).await?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes a visible task (its jobs cascade) and returns its storage key.
/// Watching sockets hear of it at commit and close.
#[tracing::instrument(skip(db, viewer), err)]
pub(super) async fn delete(
    db: &PgPool,
    viewer: &Viewer,
    task_id: Uuid,
) -> sqlx::Result<Option<String>> {
    let mut tx = db.begin().await?;
    let key = sqlx::query_scalar!(
        "DELETE FROM tasks
         WHERE id = $1
           AND task_visible(tasks, $2, $3)
         RETURNING storage_key",
        task_id,
        viewer.series_id,
        viewer.user_id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if key.is_some() {
        super::hub::notify(&mut tx, task_id).await?;
    }
    tx.commit().await?;
    Ok(key)
}

/// At login, hands the tasks of the browser's anonymous series to the user,
/// in the login's transaction. `series_id` is cleared so the purge of the
/// revoked series cannot cascade into them.
#[tracing::instrument(skip(conn), err)]
pub(crate) async fn adopt(
    conn: &mut sqlx::PgConnection,
    series_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "UPDATE tasks SET user_id = $2, series_id = NULL
         WHERE series_id = $1 AND user_id IS NULL",
        series_id,
        user_id,
    )
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// The worker's read of the task its job names. Not a viewer query: the job
/// itself is the authority, and nothing here reaches a client.
pub(crate) async fn job_input(db: &PgPool, task_id: Uuid) -> sqlx::Result<Option<JobInput>> {
    let row = sqlx::query!(
        "SELECT storage_key, filename, content_type FROM tasks WHERE id = $1",
        task_id
    )
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(JobInput {
            storage_key: StorageKey::parse(&r.storage_key)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            filename: r.filename,
            content_type: r.content_type,
        })
    })
    .transpose()
}

/// A visible task's status and stored minutes.
pub(super) struct StoredMinutes {
    pub status: Status,
    pub markdown: Option<String>,
    pub json: Option<serde_json::Value>,
}

#[tracing::instrument(skip(db, viewer), err)]
pub(super) async fn minutes(
    db: &PgPool,
    viewer: &Viewer,
    task_id: Uuid,
) -> sqlx::Result<Option<StoredMinutes>> {
    sqlx::query_as!(
        StoredMinutes,
        r#"SELECT status AS "status: Status", result_markdown AS markdown, result_json AS json
           FROM tasks
           WHERE id = $1
             AND task_visible(tasks, $2, $3)"#,
        task_id,
        viewer.series_id,
        viewer.user_id,
    )
    .fetch_optional(db)
    .await
}

/// Puts a visible failed task back in the queue; `None` when it is not
/// visible or not failed (the caller tells the two apart).
#[tracing::instrument(skip(db, viewer), err)]
pub(super) async fn retry(
    db: &PgPool,
    viewer: &Viewer,
    task_id: Uuid,
) -> sqlx::Result<Option<TaskRow>> {
    let mut tx = db.begin().await?;
    let row = sqlx::query_as!(
        TaskRow,
        r#"UPDATE tasks SET status = 'queued', stage = NULL, progress = 0, error = NULL,
                updated_at = now()
         WHERE id = $1 AND status = 'failed'
           AND task_visible(tasks, $2, $3)
         RETURNING id, filename, content_type, size_bytes, storage_key,
                   status AS "status: Status", stage AS "stage: Stage", progress, error,
                   upload_timestamp, updated_at"#,
        task_id,
        viewer.series_id,
        viewer.user_id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if row.is_some() {
        queue::enqueue(&mut tx, task_id, queue::PROCESS).await?;
        super::hub::notify(&mut tx, task_id).await?;
    }
    tx.commit().await?;
    Ok(row)
}
