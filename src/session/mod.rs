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
mod routes;
mod series;
mod token;

use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use tower_sessions::{
    SessionStore as _,
    session::{Id, Record},
};
use tower_sessions_sqlx_store::PostgresStore;
use uuid::Uuid;

use crate::{
    audit,
    config::{SessionSettings, Settings},
};

pub use manage::{CurrentSession, MaybeSession, SessionHandle, manage};
pub use origin::{CSRF_HEADER, guard_origin};
pub use purge::{PurgeReport, purge, spawn_purger};
pub use refresh::RefreshFailure;
pub use routes::router;
pub use series::{REVOKED_CHANNEL, Selector};
pub use token::RefreshToken;

use cookies::CookieNames;
use token::Keys;

/// Key under which our data sits in a tower-sessions record.
const RECORD_KEY: &str = "minutes";

/// What a request knows about its caller once its session ID checked out.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub series_id: Uuid,
    pub user_id: Option<Uuid>,
    pub csrf_token: String,
    pub session_expires_at: OffsetDateTime,
    pub refresh_expires_at: OffsetDateTime,
}

/// The session record's data: enough to serve a request without touching
/// `session_series` (one round trip per request).
#[derive(Debug, Serialize, Deserialize)]
struct RecordData {
    series_id: Uuid,
    user_id: Option<Uuid>,
    csrf_token: String,
    #[serde(with = "time::serde::rfc3339")]
    refresh_expires_at: OffsetDateTime,
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

#[derive(Debug, Clone, Copy)]
struct Ttls {
    id: Duration,
    user_idle: Duration,
    anonymous_idle: Duration,
    absolute: Duration,
    grace: Duration,
}

fn secs(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX))
}

impl Ttls {
    fn new(s: &SessionSettings) -> Self {
        Self {
            id: secs(s.id_ttl_secs),
            user_idle: secs(s.refresh_idle_ttl_secs),
            anonymous_idle: secs(s.anonymous_idle_ttl_secs),
            absolute: secs(s.refresh_absolute_ttl_secs),
            grace: secs(s.reuse_grace_secs),
        }
    }

    fn idle(&self, user_id: Option<Uuid>) -> Duration {
        if user_id.is_some() {
            self.user_idle
        } else {
            self.anonymous_idle
        }
    }
}

/// The session service held in `AppState`.
pub struct Sessions {
    db: PgPool,
    store: PostgresStore,
    keys: Keys,
    ttl: Ttls,
    pub cookies: CookieNames,
}

impl Sessions {
    pub fn new(settings: &Settings, db: PgPool) -> anyhow::Result<Self> {
        let secret = settings
            .session
            .secret
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("session.secret is not set"))?;
        Ok(Self {
            store: PostgresStore::new(db.clone()),
            db,
            keys: Keys::derive(secret.expose_secret().as_bytes()),
            ttl: Ttls::new(&settings.session),
            cookies: CookieNames::new(settings.session.cookie_secure),
        })
    }

    /// Looks up a session ID cookie: one round trip. Unknown, expired, revoked
    /// or malformed IDs all yield `None` — a client-chosen ID is never adopted.
    #[tracing::instrument(skip_all, err)]
    pub async fn load(&self, cookie: &str) -> anyhow::Result<Option<SessionContext>> {
        let Ok(id) = cookie.parse::<Id>() else {
            return Ok(None);
        };
        let Some(record) = self.store.load(&id).await? else {
            return Ok(None);
        };
        let Some(data) = record.data.get(RECORD_KEY) else {
            return Ok(None);
        };
        let data: RecordData = serde_json::from_value(data.clone())?;
        Ok(Some(SessionContext {
            series_id: data.series_id,
            user_id: data.user_id,
            csrf_token: data.csrf_token,
            session_expires_at: record.expiry_date,
            refresh_expires_at: data.refresh_expires_at,
        }))
    }

    /// Writes a fresh session ID record for a series in the caller's
    /// transaction; it never outlives the series.
    async fn new_record(
        &self,
        conn: &mut PgConnection,
        series_id: Uuid,
        user_id: Option<Uuid>,
        refresh_expires_at: OffsetDateTime,
    ) -> anyhow::Result<(Id, SessionContext)> {
        let ctx = SessionContext {
            series_id,
            user_id,
            csrf_token: self.keys.csrf_token(series_id),
            session_expires_at: (OffsetDateTime::now_utc() + self.ttl.id).min(refresh_expires_at),
            refresh_expires_at,
        };
        let data = RecordData {
            series_id,
            user_id,
            csrf_token: ctx.csrf_token.clone(),
            refresh_expires_at,
        };
        let record = Record {
            id: token::new_session_id(),
            data: [(RECORD_KEY.to_owned(), serde_json::to_value(data)?)].into(),
            expiry_date: ctx.session_expires_at,
        };
        record::insert(conn, &record).await?;
        Ok((record.id, ctx))
    }

    /// Starts a new series (anonymous, or for a user) with its first pair.
    #[tracing::instrument(skip_all, err)]
    pub async fn start(
        &self,
        user_id: Option<Uuid>,
        client: &ClientMeta,
    ) -> anyhow::Result<(SessionContext, Issued)> {
        let mut tx = self.db.begin().await?;
        let started = self.start_in(&mut tx, user_id, client).await?;
        tx.commit().await?;
        Ok(started)
    }

    /// Starts a new series with its first pair in the caller's transaction,
    /// so a login can replace the browser's old series atomically.
    #[tracing::instrument(skip_all, err)]
    pub async fn start_in(
        &self,
        conn: &mut PgConnection,
        user_id: Option<Uuid>,
        client: &ClientMeta,
    ) -> anyhow::Result<(SessionContext, Issued)> {
        let now = OffsetDateTime::now_utc();
        let series_id = Uuid::new_v4();
        let refresh = RefreshToken::generate(series_id);
        let idle_expires_at = now + self.ttl.idle(user_id);
        let absolute_expires_at = now + self.ttl.absolute;
        let refresh_expires_at = idle_expires_at.min(absolute_expires_at);
        let (session_id, ctx) = self
            .new_record(conn, series_id, user_id, refresh_expires_at)
            .await?;
        series::insert(
            conn,
            series::NewSeries {
                id: series_id,
                user_id,
                token_hash: &refresh.hash(),
                session_id: &session_id.to_string(),
                idle_expires_at,
                absolute_expires_at,
                client,
            },
        )
        .await?;
        let actor = audit::Actor {
            user_id,
            series_id: Some(series_id),
            ip: client.ip.clone(),
        };
        audit::record(
            conn,
            audit::Kind::SeriesCreated,
            &actor,
            None,
            serde_json::json!({}),
        )
        .await?;
        tracing::info!(%series_id, "session series started");
        let issued = Issued {
            session_id,
            refresh,
            session_expires_at: ctx.session_expires_at,
            refresh_expires_at,
        };
        Ok((ctx, issued))
    }

    /// Revokes series in one transaction, with an audit event for each.
    pub async fn revoke(
        &self,
        selector: Selector,
        reason: &str,
        actor: &audit::Actor,
    ) -> anyhow::Result<Vec<Uuid>> {
        let mut tx = self.db.begin().await?;
        let revoked = self.revoke_in(&mut tx, selector, reason, actor).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// `revoke` in the caller's transaction.
    #[tracing::instrument(skip(self, conn, actor), err)]
    pub async fn revoke_in(
        &self,
        conn: &mut PgConnection,
        selector: Selector,
        reason: &str,
        actor: &audit::Actor,
    ) -> anyhow::Result<Vec<Uuid>> {
        let revoked = series::revoke(conn, selector, reason).await?;
        for id in &revoked {
            audit::record(
                conn,
                audit::Kind::SeriesRevoked,
                actor,
                Some(&id.to_string()),
                serde_json::json!({ "reason": reason }),
            )
            .await?;
        }
        if !revoked.is_empty() {
            tracing::info!(count = revoked.len(), reason, "session series revoked");
        }
        Ok(revoked)
    }
}
