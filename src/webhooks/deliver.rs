//! One attempt at a delivery: the guard resolves and checks the endpoint's
//! addresses, a client pinned to exactly those addresses POSTs the signed
//! body (no proxy, no redirect followed, `webhooks.timeout_secs` for all of
//! it), and the answer decides what comes next: 2xx delivered; 408, 429,
//! 5xx, a timeout or a connection error retried; any other answer, and a
//! refused address, not retried.

use std::time::{Duration, Instant};

use reqwest::{StatusCode, Url, redirect};
use time::OffsetDateTime;

use super::{guard, secret::Secret};
use crate::config::WebhookSettings;

/// What an attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Delivered,
    Retry,
    GiveUp,
}

/// An attempt's result, as the delivery log shows it.
#[derive(Debug)]
pub(super) struct Answer {
    pub status: Option<u16>,
    pub elapsed_ms: i32,
    pub error: Option<String>,
    pub verdict: Verdict,
}

/// The message to send: its `webhook-id` and body, signed with each of
/// `secrets` (the current one, and the previous one within its 24 hours).
pub(super) struct Message<'a> {
    pub id: &'a str,
    pub body: &'a str,
    pub secrets: &'a [Secret],
}

pub(super) async fn send(url: &str, message: &Message<'_>, settings: &WebhookSettings) -> Answer {
    let started = Instant::now();
    let (status, error, verdict) = match attempt(url, message, settings).await {
        Ok(status) => (Some(status.as_u16()), failure(status), judge(status)),
        Err((error, verdict)) => (None, Some(error), verdict),
    };
    Answer {
        status,
        elapsed_ms: i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX),
        error,
        verdict,
    }
}

async fn attempt(
    url: &str,
    message: &Message<'_>,
    settings: &WebhookSettings,
) -> Result<StatusCode, (String, Verdict)> {
    let url: Url = url
        .parse()
        .map_err(|e| (format!("invalid URL: {e}"), Verdict::GiveUp))?;
    if url.scheme() != "https" && !settings.allow_private {
        // Registered while `webhooks.allow_private` was on.
        return Err(("https required".into(), Verdict::GiveUp));
    }
    let timeout = Duration::from_secs(settings.timeout_secs);
    let addrs = tokio::time::timeout(timeout, guard::resolve(&url, settings.allow_private))
        .await
        .map_err(|_| ("resolving the host timed out".to_owned(), Verdict::Retry))?
        .map_err(|refusal| {
            let verdict = if refusal.is_permanent() {
                Verdict::GiveUp
            } else {
                Verdict::Retry
            };
            (refusal.to_string(), verdict)
        })?;
    let mut client = reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("minutes-webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(host) = url.host_str() {
        // The connection goes to the checked addresses, whatever the name
        // resolves to by then.
        client = client.resolve_to_addrs(host, &addrs);
    }
    let client = client
        .build()
        .map_err(|e| (format!("client: {e}"), Verdict::Retry))?;
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    let signature = message
        .secrets
        .iter()
        .map(|s| s.sign(message.id, timestamp, message.body))
        .collect::<Vec<_>>()
        .join(" ");
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", message.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(message.body.to_owned())
        .send()
        .await
        .map_err(|e| (describe(&e), Verdict::Retry))?;
    Ok(response.status())
}

fn judge(status: StatusCode) -> Verdict {
    if status.is_success() {
        Verdict::Delivered
    } else if status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        Verdict::Retry
    } else {
        Verdict::GiveUp
    }
}

fn failure(status: StatusCode) -> Option<String> {
    if status.is_redirection() {
        Some("redirect not followed".into())
    } else {
        None
    }
}

/// A short reason, without the URL (the log shows it already).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retried_answers_are_server_errors_timeouts_and_throttling() {
        for code in [500, 502, 503, 408, 429] {
            assert_eq!(judge(StatusCode::from_u16(code).unwrap()), Verdict::Retry);
        }
        for code in [400, 401, 403, 404, 410, 301, 302] {
            assert_eq!(judge(StatusCode::from_u16(code).unwrap()), Verdict::GiveUp);
        }
        assert_eq!(judge(StatusCode::NO_CONTENT), Verdict::Delivered);
    }
}
