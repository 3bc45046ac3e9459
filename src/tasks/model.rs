//! A task as stored (`TaskRow`) and as clients see it (`Task`, DESIGN's JSON).

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::storage::StorageKey;

/// The columns task handlers need; results and the queue stay in the database.
#[derive(Debug, Clone)]
pub(crate) struct TaskRow {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_key: String,
    pub status: String,
    pub stage: Option<String>,
    pub progress: i16,
    pub error: Option<String>,
    pub upload_timestamp: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The task fields a job reads.
pub struct JobInput {
    pub storage_key: StorageKey,
    pub filename: String,
    pub content_type: String,
}

/// The caller's right on a task. Sharing will add `edit` and `view`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Access {
    Owner,
}

/// DESIGN's `Task`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Task {
    task_id: Uuid,
    filename: String,
    /// As derived from the file's contents at upload.
    content_type: String,
    size_bytes: i64,
    /// `queued`, `processing`, `completed` or `failed`.
    #[schema(example = "queued")]
    status: String,
    /// `transcribing` or `summarizing` while processing, else null.
    #[schema(required = true)]
    stage: Option<String>,
    #[schema(minimum = 0, maximum = 100)]
    progress: i16,
    /// Why the task failed; null unless `status` is `failed`.
    #[schema(required = true)]
    error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    upload_timestamp: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    access: Access,
    /// Names another owner for shared tasks (`{"username"}`); always null
    /// for the caller's own.
    #[schema(value_type = Option<Object>)]
    owner: Option<serde_json::Value>,
}

impl From<TaskRow> for Task {
    fn from(row: TaskRow) -> Self {
        Self {
            task_id: row.id,
            filename: row.filename,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            status: row.status,
            stage: row.stage,
            progress: row.progress,
            error: row.error,
            upload_timestamp: row.upload_timestamp,
            updated_at: row.updated_at,
            access: Access::Owner,
            owner: None,
        }
    }
}
