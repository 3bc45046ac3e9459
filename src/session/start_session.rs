//! `start_session`, for the routes that may start a session (`GET
//! /api/session`, an upload, and — through `auth::Accounts` — login and
//! registration): every other route only reads the session `manage_session`
//! found, so a plain read never creates a series.

use super::{SessionContext, SessionHandle, Sessions};
use crate::error::Result;

/// The caller's session, starting a new anonymous series when there is none;
/// the response then sets the new pair's cookies.
pub async fn start_session(sessions: &Sessions, handle: &SessionHandle) -> Result<SessionContext> {
    if let Some(ctx) = handle.current() {
        return Ok(ctx);
    }
    let (ctx, issued) = sessions.start(None, &handle.client()).await?;
    handle.issue(ctx.clone(), issued);
    Ok(ctx)
}
