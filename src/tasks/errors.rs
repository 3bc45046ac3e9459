//! The tasks feature's error codes, listed once: each client error a task
//! endpoint answers is built here, so a code is spelled in one place; and
//! `TaskError`, the typed failure of task access, which features built on
//! it (sharing, admin) pass on and the edge turns into the API's body.

use std::fmt::Display;

use axum::http::StatusCode;

use super::{model::Access, sniff::Refusal};
use crate::error::ApiError;

pub(super) const TOO_LARGE: &str = "too_large";
pub(super) const BAD_REQUEST: &str = "bad_request";

/// No such task, or one the caller may not see: the two are never told apart.
pub(crate) fn task_not_found() -> ApiError {
    ApiError::not_found("task_not_found", "no such task")
}

/// Why a task could not be had for a request.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// No such task, or one the caller may not see.
    #[error("no such task")]
    NotFound,
    /// The caller can see the task, but their access does not allow this.
    #[error("{} access to this task does not allow this", .0.as_str())]
    Forbidden(Access),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<TaskError> for ApiError {
    fn from(e: TaskError) -> Self {
        match e {
            TaskError::NotFound => task_not_found(),
            TaskError::Forbidden(_) => ApiError::forbidden("forbidden", e.to_string()),
            TaskError::Database(e) => e.into(),
        }
    }
}

/// The upload form has the part `file`, and optionally `template`.
pub(super) fn unexpected_part() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "unexpected_part",
        "the form must have the part `file` and at most one `template`, nothing else",
    )
}

/// A byte range that starts past the end of the file.
pub(super) fn range_not_satisfiable() -> ApiError {
    ApiError::new(
        StatusCode::RANGE_NOT_SATISFIABLE,
        "range_not_satisfiable",
        "the range starts past the end of the file",
    )
}

/// A list filter the list cannot use; `message` names it.
pub(super) fn invalid_filter(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_filter", message)
}

pub(super) fn invalid_format() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_format",
        "format must be md, json or txt",
    )
}

pub(super) fn not_ready(status: impl Display) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "not_ready",
        format!("the minutes are not ready (the task is {status})"),
    )
}

pub(super) fn version_not_found(version: i32) -> ApiError {
    ApiError::not_found(
        "version_not_found",
        format!("the minutes have no version {version}"),
    )
}

/// `restored_from` names no older version.
pub(super) fn no_such_version_to_restore() -> ApiError {
    ApiError::Validation(
        [(
            "restored_from".to_owned(),
            vec!["no_such_version".to_owned()],
        )]
        .into_iter()
        .collect(),
    )
}

pub(super) fn precondition_required() -> ApiError {
    ApiError::new(
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
        "send If-Match with the ETag of the minutes you edited",
    )
}

/// 412's code; its body also carries the current version (`minutes.rs`).
pub(super) const VERSION_CONFLICT: &str = "version_conflict";

pub(super) fn version_conflict_message(current: i32) -> String {
    format!(
        "the minutes have changed since you read them (now version {current}); nothing was saved"
    )
}

pub(super) fn not_failed(status: impl Display) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "not_failed",
        format!("only failed tasks can be retried (the task is {status})"),
    )
}

pub(super) fn missing_file() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "missing_file",
        "the multipart field `file` is missing",
    )
}

pub(super) fn too_large(max_bytes: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        TOO_LARGE,
        format!("uploads are limited to {max_bytes} bytes"),
    )
}

pub(super) fn anonymous_quota(cap_bytes: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "anonymous_quota_exceeded",
        format!(
            "without an account, uploads may take {cap_bytes} bytes in all; \
             log in or create an account to upload more"
        ),
    )
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "upload audio, video, or a .txt, .md, .srt, .vtt or Whisper verbose_json transcript",
    )
}

/// Each way an upload's contents can be refused, with its own code.
pub(super) fn refused(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::Empty => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "empty_file",
            "the file is empty",
        ),
        Refusal::Mismatch => content_mismatch(),
        Refusal::Unsupported => unsupported_media_type(),
    }
}

/// The name promises a type the bytes are not (a renamed file).
pub(super) fn content_mismatch() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "content_mismatch",
        "the file's contents do not match its extension",
    )
}

/// A recording, on a server without a transcription backend.
pub(super) fn transcription_unavailable() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "transcription_unavailable",
        "this server cannot transcribe recordings (no processing.transcription.base_url); \
         upload a transcript",
    )
}

/// The upload store failed (an S3 server away, a full disk): 503, so the
/// client may try again; the cause is logged. The partial upload is removed
/// by its caller.
pub(super) fn store_failed(what: &'static str) -> impl FnOnce(std::io::Error) -> ApiError {
    move |e| {
        tracing::error!(error = %e, "{what} failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            "the upload store is unavailable; try again shortly",
        )
    }
}
