//! The error codes the session feature answers with, listed once so the
//! handlers, the middleware and the API description name the same strings.
//! Each sits in the `{"error": {"code"}}` body that `crate::error` renders.

/// 401: the route needs a session and the request has none (or nothing to
/// refresh).
pub const NO_SESSION: &str = "no_session";
/// 403: an unsafe request with a session lacks the right `X-CSRF-Token`.
pub const CSRF_FAILED: &str = "csrf_failed";
/// 403: an unsafe request or WebSocket upgrade from a foreign `Origin`.
pub const ORIGIN_NOT_ALLOWED: &str = "origin_not_allowed";
/// 401: a superseded refresh token was presented; its series is revoked.
pub const REFRESH_TOKEN_REUSED: &str = "refresh_token_reused";
/// 401: the series passed its idle or absolute expiry.
pub const REFRESH_TOKEN_EXPIRED: &str = "refresh_token_expired";
/// 404: not one of the caller's series.
pub const SESSION_NOT_FOUND: &str = "session_not_found";
/// 401: a bearer token that is unknown, malformed, revoked, expired, or
/// whose user is disabled.
pub const INVALID_TOKEN: &str = "invalid_token";
/// 403: an endpoint no API token may call (admin, session, account).
pub const TOKEN_NOT_ALLOWED: &str = "token_not_allowed";
/// 403: the token lacks the scope the endpoint needs; the message names it.
pub const INSUFFICIENT_SCOPE: &str = "insufficient_scope";
/// 403: the token is limited to one task and the request is about another
/// (or about no task).
pub const TOKEN_TASK_LIMITED: &str = "token_task_limited";
/// 403: a sensitive action needs a sign-in within `auth.fresh_secs`; sign
/// in again (`POST /api/auth/reauthenticate`) and retry.
pub const REAUTHENTICATION_REQUIRED: &str = "reauthentication_required";
