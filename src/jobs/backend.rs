//! What the OpenAI-compatible backends (ASR and LLM) share: the bearer key,
//! and sorting failures into permanent ones (bad input, a 4xx) that are not
//! retried and transient ones (timeouts, refused connections, 5xx) that are.
//! Either way the task shows only which backend failed (its error code);
//! what it answered, and its address, are the failure's detail.

use std::fmt;

use reqwest::{RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use super::pipeline::JobError;
use crate::tasks::ErrorCode;

/// The first bytes of an error body, for a detail an administrator can act on.
const ERROR_BODY_CHARS: usize = 300;

/// Which backend a request goes to.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Transcription,
    Summarization,
}

impl Backend {
    /// Could not be reached, or failed in a way worth retrying.
    fn unavailable(self) -> ErrorCode {
        match self {
            Self::Transcription => ErrorCode::TranscriptionUnavailable,
            Self::Summarization => ErrorCode::SummarizationUnavailable,
        }
    }

    /// Refused the request, or answered something unusable.
    pub fn failed(self) -> ErrorCode {
        match self {
            Self::Transcription => ErrorCode::TranscriptionFailed,
            Self::Summarization => ErrorCode::SummarizationFailed,
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Transcription => "transcription",
            Self::Summarization => "summarization",
        })
    }
}

pub fn authorize(req: RequestBuilder, api_key: Option<&SecretString>) -> RequestBuilder {
    match api_key {
        Some(key) => req.bearer_auth(key.expose_secret()),
        None => req,
    }
}

/// Sends the request and returns the body of a successful answer.
pub async fn send(req: RequestBuilder, to: Backend) -> Result<String, JobError> {
    let (status, body) = exchange(req, to).await?;
    check(status, body, to)
}

/// Sends the request and returns its status and body, whatever the status,
/// for callers that recover from some refusals themselves.
pub async fn exchange(req: RequestBuilder, to: Backend) -> Result<(StatusCode, String), JobError> {
    let unavailable = |e| JobError::transient(to.unavailable(), e);
    let res = req
        .send()
        .await
        .map_err(|e| unavailable(format!("{to} backend unreachable: {e}")))?;
    let status = res.status();
    let body = res
        .text()
        .await
        .map_err(|e| unavailable(format!("{to} backend answer cut short: {e}")))?;
    Ok((status, body))
}

/// The body of a successful answer, or the failure an unsuccessful one means.
pub fn check(status: StatusCode, body: String, to: Backend) -> Result<String, JobError> {
    if status.is_success() {
        return Ok(body);
    }
    let snippet: String = body.chars().take(ERROR_BODY_CHARS).collect();
    let detail = format!("{to} backend answered {status}: {snippet}");
    if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        Err(JobError::transient(to.unavailable(), detail))
    } else {
        Err(JobError::permanent(to.failed(), detail))
    }
}
