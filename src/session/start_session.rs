//! `start_session`, for the routes that may start a session (`GET
//! /api/session`, an upload, and — through `auth::Accounts` — login and
//! registration): every other route only reads the session `manage_session`
//! found, so a plain read never creates a series.

use super::{SessionContext, SessionHandle, Sessions};
use crate::error::{ApiError, Result};

/// The caller's session, starting a new anonymous series when there is none;
/// the response then sets the new pair's cookies. A client starting more
/// than `session.max_starts_per_ip_per_minute` gets 429 with `Retry-After`.
pub async fn start_session(sessions: &Sessions, handle: &SessionHandle) -> Result<SessionContext> {
    if let Some(ctx) = handle.current() {
        return Ok(ctx);
    }
    let client = handle.client();
    sessions
        .starts
        .check(client.ip.as_deref())
        .map_err(|retry_after_secs| ApiError::Throttled { retry_after_secs })?;
    let (ctx, issued) = sessions.start_anonymous(&client).await?;
    handle.issue(ctx.clone(), issued);
    Ok(ctx)
}
