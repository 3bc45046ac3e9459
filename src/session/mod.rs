//! Session management: every browser gets a *series* of (session ID, refresh
//! token) pairs. The short-lived session ID lives in tower-sessions' Postgres
//! store; the refresh token rotates on every use and its reuse revokes the
//! series. See `refresh` for the rotation protocol and `manage` for the
//! per-request middleware.

mod cookies;
mod manage;
mod origin;
mod purge;
mod record;
mod refresh;
pub(crate) mod routes;
mod series;
mod service;
mod token;

use time::{Duration, OffsetDateTime};
use tower_sessions::session::Id;
use uuid::Uuid;

pub use manage::{CurrentSession, MaybeSession, SessionHandle, manage};
pub use origin::{CSRF_HEADER, guard_origin};
pub use purge::{PurgedSeries, purge_sealed_tokens, purge_series, purge_session_ids};
pub use refresh::RefreshFailure;
pub use routes::router;
pub use series::{REVOKED_CHANNEL, Selector};
pub use service::Sessions;
pub use token::RefreshToken;

/// What a request knows about its caller once its session ID checked out.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub series_id: Uuid,
    pub user_id: Option<Uuid>,
    pub csrf_token: String,
    pub session_expires_at: OffsetDateTime,
    pub refresh_expires_at: OffsetDateTime,
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
