//! What the OpenAI-compatible backends (ASR and LLM) share: the bearer key,
//! and sorting failures into permanent ones (bad input, a 4xx) that are not
//! retried and transient ones (timeouts, refused connections, 5xx) that are.

use reqwest::{RequestBuilder, StatusCode};
use secrecy::ExposeSecret;

use super::pipeline::JobError;
use crate::config::BackendSettings;

/// The first bytes of an error body, for a message a person can act on.
const ERROR_BODY_CHARS: usize = 300;

pub fn authorize(req: RequestBuilder, settings: &BackendSettings) -> RequestBuilder {
    match &settings.api_key {
        Some(key) => req.bearer_auth(key.expose_secret()),
        None => req,
    }
}

/// Sends the request and returns the body of a successful answer.
pub async fn send(req: RequestBuilder, what: &str) -> Result<String, JobError> {
    let (status, body) = exchange(req, what).await?;
    check(status, body, what)
}

/// Sends the request and returns its status and body, whatever the status,
/// for callers that recover from some refusals themselves.
pub async fn exchange(req: RequestBuilder, what: &str) -> Result<(StatusCode, String), JobError> {
    let res = req
        .send()
        .await
        .map_err(|e| JobError::Transient(format!("{what} backend unreachable: {e}")))?;
    let status = res.status();
    let body = res
        .text()
        .await
        .map_err(|e| JobError::Transient(format!("{what} backend answer cut short: {e}")))?;
    Ok((status, body))
}

/// The body of a successful answer, or the failure an unsuccessful one means.
pub fn check(status: StatusCode, body: String, what: &str) -> Result<String, JobError> {
    if status.is_success() {
        return Ok(body);
    }
    let snippet: String = body.chars().take(ERROR_BODY_CHARS).collect();
    let message = format!("{what} backend answered {status}: {snippet}");
    if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        Err(JobError::Transient(message))
    } else {
        Err(JobError::Permanent(message))
    }
}
