//! Session management: every browser gets a *series* of (session ID, refresh
//! token) pairs. The short-lived session ID lives in tower-sessions' Postgres
//! store; the refresh token rotates on every use and its reuse revokes the
//! series. Each part sits in the module its name says (docs/architecture.md,
//! "Where each session part lives"): `manage_session` runs on every request,
//! `start_session` on the routes that may start a series, `refresh` holds the
//! rotation protocol.

mod bearer;
mod bearer_policy;
mod bearer_request;
mod cache;
mod cache_health;
mod client_ip;
mod cookie;
pub mod errors;
mod freshness;
mod issue_gate;
mod manage_session;
mod origin;
mod purge;
mod refresh;
mod refresh_pair_expiration;
mod refresh_token;
pub(crate) mod routes;
mod service;
mod session_cap;
mod session_expiration;
mod session_id;
mod session_series;
mod start_session;

use time::{Duration, OffsetDateTime};
use tower_sessions::session::Id;
use uuid::Uuid;

pub use bearer::{NewToken, Scope, TokenGrant};
pub use bearer_policy::{OPEN_TO_TOKENS, Rule, rule};
pub use cache::SessionCache;
pub use cookie::CookieNames;
pub use freshness::{mark_signed_in, reauthentication_required};
pub use issue_gate::IssueError;
pub use manage_session::{CurrentSession, MaybeSession, SessionHandle, manage_session};
pub use origin::{CSRF_HEADER, guard_origin};
pub use purge::{
    PurgedSeries, purge_sealed_tokens, purge_series, purge_session_ids, spawn_sealed_token_sweep,
};
pub use refresh::{RefreshFailure, Refreshed};
pub use refresh_pair_expiration::{RefreshPairExpiration, SeriesDeadlines};
pub use refresh_token::{RefreshToken, derive as derive_key};
pub use routes::router;
pub use service::Sessions;
pub use session_expiration::SessionExpiration;
pub use session_series::live_until;
pub use session_series::{REVOKED_CHANNEL, Selector};
pub use start_session::start_session;

/// What a request knows about its caller once its session ID checked out.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub series_id: Uuid,
    pub user_id: Option<Uuid>,
    pub csrf_token: String,
    pub session_expires_at: OffsetDateTime,
    pub refresh_expires_at: OffsetDateTime,
    /// Set when a bearer token, not a cookie, authenticated the request:
    /// what the token may do.
    pub token: Option<TokenGrant>,
}

/// A newly issued (or re-issued, within the grace window) pair for the cookies.
#[derive(Debug, Clone)]
pub struct Issued {
    pub session_id: Id,
    pub refresh: RefreshToken,
    pub session_expires_at: OffsetDateTime,
    pub refresh_expires_at: OffsetDateTime,
}

/// Where a request came from, recorded on the series it starts or rotates.
#[derive(Debug, Clone, Default)]
pub struct ClientMeta {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

pub(crate) fn secs(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX))
}
