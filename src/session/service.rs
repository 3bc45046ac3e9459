//! The session service held in `AppState`: loads a session ID record (one
//! round trip), starts series, writes session records, revokes.

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

use super::{
    ClientMeta, Issued, RefreshToken, Selector, SessionContext,
    cookies::CookieNames,
    record, secs, series,
    token::{self, Keys},
};
use crate::{
    audit,
    config::{SessionSettings, Settings},
};

/// Key under which our data sits in a tower-sessions record.
const RECORD_KEY: &str = "minutes";

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

#[derive(Debug, Clone, Copy)]
pub(super) struct Ttls {
    pub(super) id: Duration,
    user_idle: Duration,
    anonymous_idle: Duration,
    absolute: Duration,
    pub(super) grace: Duration,
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

    pub(super) fn idle(&self, user_id: Option<Uuid>) -> Duration {
        if user_id.is_some() {
            self.user_idle
        } else {
            self.anonymous_idle
        }
    }
}

/// The session service held in `AppState`.
pub struct Sessions {
    pub(super) db: PgPool,
    store: PostgresStore,
    pub(super) keys: Keys,
    pub(super) ttl: Ttls,
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
    pub(super) async fn new_record(
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
