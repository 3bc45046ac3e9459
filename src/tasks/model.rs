//! A task as stored (`TaskRow`) and as clients see it (`Task`, the JSON of docs/api.md, "Tasks"),
//! and the one `Status` and `Stage` that the database, the API, the
//! WebSocket events and the worker's progress writes all use.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{storage::StorageKey, summary::Template};

/// Where a task is in its life; `tasks.status` holds it as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Status {
    Queued,
    Processing,
    Completed,
    Failed,
}

impl Status {
    /// Nothing more will happen to the task unless someone retries it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Processing => "processing",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a processing task is doing; `tasks.stage` holds it as text, null
/// unless the task is processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Stage {
    Transcribing,
    Summarizing,
}

/// Why a task failed, as `tasks.error_code` holds it: what its viewers are
/// told (`sentence`, in the web app in the page's language), never how it
/// came about, which is the admins' `error_detail` and the server log's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ErrorCode {
    /// The uploaded transcript cannot be read; `error` says where and why.
    InvalidTranscript,
    /// Audio or video, and no transcription backend is configured.
    TranscriptionNotConfigured,
    /// The transcription backend could not be reached, or kept failing.
    TranscriptionUnavailable,
    /// The transcription backend refused the file or answered nonsense.
    TranscriptionFailed,
    /// The summarization backend could not be reached, or kept failing.
    SummarizationUnavailable,
    /// The summarization backend refused, or answered no usable minutes.
    SummarizationFailed,
    /// The minutes hold text the database cannot store.
    UnstorableText,
    /// The job ended without an outcome too often (its worker crashed).
    AttemptsExhausted,
    /// A fault of the service itself.
    InternalError,
    /// Failed before error codes existed.
    ProcessingFailed,
}

impl ErrorCode {
    /// The task's `error` for this code: a sentence that names no server,
    /// address or setting. `None` for `InvalidTranscript`, whose sentence is
    /// the problem found in the uploader's own file.
    pub fn sentence(self) -> Option<&'static str> {
        Some(match self {
            Self::InvalidTranscript => return None,
            Self::TranscriptionNotConfigured => {
                "this server cannot transcribe audio or video; upload a transcript instead"
            }
            Self::TranscriptionUnavailable => {
                "the transcription service could not be reached; the administrator can see why in the server log"
            }
            Self::TranscriptionFailed => {
                "the transcription service could not transcribe this file; the administrator can see why in the server log"
            }
            Self::SummarizationUnavailable => {
                "the summarization service could not be reached; the administrator can see why in the server log"
            }
            Self::SummarizationFailed => {
                "the summarization service did not return usable minutes; the administrator can see why in the server log"
            }
            Self::UnstorableText => {
                "the minutes hold text that cannot be stored; the administrator can see why in the server log"
            }
            Self::AttemptsExhausted => {
                "processing stopped after repeated attempts; the administrator can see why in the server log"
            }
            Self::InternalError => {
                "an internal error stopped processing; the administrator can see why in the server log"
            }
            Self::ProcessingFailed => "processing failed; the administrator can see why",
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidTranscript => "invalid_transcript",
            Self::TranscriptionNotConfigured => "transcription_not_configured",
            Self::TranscriptionUnavailable => "transcription_unavailable",
            Self::TranscriptionFailed => "transcription_failed",
            Self::SummarizationUnavailable => "summarization_unavailable",
            Self::SummarizationFailed => "summarization_failed",
            Self::UnstorableText => "unstorable_text",
            Self::AttemptsExhausted => "attempts_exhausted",
            Self::InternalError => "internal_error",
            Self::ProcessingFailed => "processing_failed",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The columns task handlers need; results and the queue stay in the database.
#[derive(Debug, Clone)]
pub(crate) struct TaskRow {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_key: String,
    pub status: Status,
    pub stage: Option<Stage>,
    pub progress: i16,
    pub error: Option<String>,
    pub error_code: Option<ErrorCode>,
    /// Selected for admins only (`queries`); null for everyone else.
    pub error_detail: Option<String>,
    pub upload_timestamp: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub state_version: i64,
    /// The viewer's access, from the SQL function `task_access`.
    pub access: Access,
    /// The minutes' title; null until there are minutes.
    pub title: Option<String>,
    /// `2024-09-30`.
    pub meeting_date: String,
    /// The owning user's name when the viewer is not the owner.
    pub owner: Option<String>,
}

/// The task fields a job reads.
pub struct JobInput {
    pub storage_key: StorageKey,
    pub filename: String,
    pub content_type: String,
    /// The template chosen at upload, if any.
    pub template: Option<Template>,
}

/// The viewer's access to a task, as the SQL function `task_access` (the
/// one definition of who has which) computes it. No access at all is not a
/// level: such a task is 404 to the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Access {
    /// The uploader's session, or the user who owns it.
    Owner,
    /// An enabled admin, on someone else's task.
    Admin,
    /// A user the owner shared the task with to edit.
    Edit,
    /// A user the owner shared the task with to view.
    View,
}

/// What a request wants to do with a task, beyond seeing it (any access
/// sees the task, its media, its minutes and their revisions, its events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Put a failed task back in the queue.
    Retry,
    /// Save a new version of the minutes.
    EditMinutes,
    /// Delete the task; list, grant and revoke its shares.
    Manage,
    /// See the addresses its minutes were saved from (personal data: the
    /// others see the browser and system only).
    SeeAddresses,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Edit => "edit",
            Self::View => "view",
        }
    }

    /// The access table of docs/api.md ("Sharing and roles"), in one place.
    pub fn allows(self, right: Right) -> bool {
        match self {
            Self::Owner | Self::Admin => true,
            Self::Edit => matches!(right, Right::Retry | Right::EditMinutes),
            Self::View => false,
        }
    }
}

/// The owner of a task that is not the viewer's own.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Owner {
    username: String,
}

/// The `Task` of docs/api.md, "Tasks".
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Task {
    task_id: Uuid,
    /// The minutes' title, which names the task once it has minutes; null
    /// before (name it by `filename` then).
    #[schema(required = true)]
    title: Option<String>,
    /// The day the meeting was held (`2024-09-30`): as its minutes say
    /// (the transcript, the file name, or an edit), else the upload's date (UTC).
    #[schema(format = Date, example = "2024-09-30")]
    meeting_date: String,
    /// The uploaded file's name.
    filename: String,
    /// As derived from the file's contents at upload.
    content_type: String,
    size_bytes: i64,
    status: Status,
    /// Set while processing, else null.
    #[schema(required = true)]
    stage: Option<Stage>,
    #[schema(minimum = 0, maximum = 100)]
    progress: i16,
    /// Why the task failed, as a sentence for everyone who may see it
    /// (naming no server or setting); null unless `status` is `failed`.
    #[schema(required = true)]
    error: Option<String>,
    /// `error` as a code, for a client to say it in its own words; null
    /// unless `status` is `failed`.
    #[schema(required = true)]
    error_code: Option<ErrorCode>,
    /// Admins only (an admin's view of another's task, and the admin task
    /// list): what went wrong in full, as the server log has it. Absent for
    /// everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    error_detail: Option<String>,
    #[serde(with = "crate::rfc3339")]
    upload_timestamp: OffsetDateTime,
    #[serde(with = "crate::rfc3339")]
    updated_at: OffsetDateTime,
    /// Grows with every change of the task: of two states of one task, the
    /// one with the larger `state_version` is the newer, whichever arrived
    /// last (progress events carry it too).
    state_version: i64,
    access: Access,
    /// The owning user, when it is not the caller (a task shared with them,
    /// or seen as an admin); null for the caller's own.
    #[schema(required = true)]
    owner: Option<Owner>,
}

impl From<TaskRow> for Task {
    fn from(row: TaskRow) -> Self {
        Self {
            task_id: row.id,
            title: row.title,
            meeting_date: row.meeting_date,
            filename: row.filename,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            status: row.status,
            stage: row.stage,
            progress: row.progress,
            error: row.error,
            error_code: row.error_code,
            error_detail: row.error_detail,
            upload_timestamp: row.upload_timestamp,
            updated_at: row.updated_at,
            state_version: row.state_version,
            access: row.access,
            owner: row.owner.map(|username| Owner { username }),
        }
    }
}
