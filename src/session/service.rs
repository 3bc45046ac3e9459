//! The session service: loads a session ID record (from the session cache,
//! else one round trip), starts series, writes session records, revokes. It
//! is the state of the session middlewares (`manage_session`,
//! `guard_origin`), so it also carries the origins and proxies they trust.

use std::sync::Arc;

use secrecy::ExposeSecret;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use tower_sessions::session::Id;
use uuid::Uuid;

use super::{
    ClientMeta, Issued, RefreshPairExpiration, Selector, SessionContext, SessionExpiration,
    bearer::RecentUses,
    cache::{Key, SessionCache},
    cache_health,
    cookie::CookieNames,
    issue_gate,
    issue_gate::IssueError,
    refresh_token::Keys,
    secs, session_id, session_series,
};
use crate::{
    audit,
    config::{Settings, TrustedProxy},
    ratelimit::PerClient,
};

/// The session service.
pub struct Sessions {
    pub(super) db: PgPool,
    pub(super) keys: Keys,
    pub(super) session_expiration: SessionExpiration,
    pub(super) refresh_pair_expiration: RefreshPairExpiration,
    /// How long the previous refresh token still gets the pair already issued.
    pub(super) reuse_grace: Duration,
    pub cookies: CookieNames,
    /// `None` when `session.cache` is off.
    cache: Option<Arc<SessionCache>>,
    /// New anonymous sessions per client: each writes a series, a session
    /// record and an audit row.
    pub(super) starts: PerClient,
    /// `server.public_origin` and `server.allowed_origins`, without a
    /// trailing slash: the origins an unsafe request may come from.
    pub(super) origins: Vec<String>,
    /// `server.trusted_proxies`.
    pub(super) trusted_proxies: Vec<TrustedProxy>,
    /// `server.allow_websockets_without_origin`.
    pub(super) websockets_without_origin: bool,
    /// Token uses recorded lately (`bearer`).
    pub(super) token_uses: RecentUses,
    /// `auth.fresh_secs`: how recent a sign-in a sensitive action needs.
    pub(super) fresh: Duration,
}

impl Sessions {
    pub fn new(settings: &Settings, db: PgPool) -> anyhow::Result<Self> {
        let secret = settings
            .session
            .secret
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("session.secret is not set"))?;
        let cache = settings.session.cache.then(|| {
            let cache = Arc::new(SessionCache::new());
            cache_health::start(&cache, db.clone());
            cache
        });
        Ok(Self {
            cache,
            db,
            keys: Keys::derive(secret.expose_secret().as_bytes()),
            session_expiration: SessionExpiration::from_settings(&settings.session),
            refresh_pair_expiration: RefreshPairExpiration::from_settings(&settings.session),
            reuse_grace: secs(settings.session.reuse_grace_secs),
            cookies: CookieNames::new(settings.session.cookie_secure),
            starts: PerClient::new(
                settings.session.max_starts_per_ip_per_minute,
                std::time::Duration::from_secs(60),
            ),
            origins: std::iter::once(&settings.server.public_origin)
                .chain(&settings.server.allowed_origins)
                .map(|o| o.trim_end_matches('/').to_owned())
                .collect(),
            trusted_proxies: settings.server.trusted_proxies.clone(),
            websockets_without_origin: settings.server.allow_websockets_without_origin,
            token_uses: RecentUses::new(),
            fresh: secs(settings.auth.fresh_secs),
        })
    }

    /// Looks up a session ID cookie: from memory when cached, else one round
    /// trip. Unknown, expired, revoked or malformed IDs all yield `None`.
    pub async fn load(&self, cookie: &str) -> anyhow::Result<Option<SessionContext>> {
        let Ok(id) = cookie.parse::<Id>() else {
            return Ok(None);
        };
        let Some(cache) = &self.cache else {
            return session_id::load(&self.db, &id).await;
        };
        let key = Key::Session(id.0);
        if let Some(ctx) = cache.get(key) {
            return Ok(Some(ctx));
        }
        let ticket = cache.ticket();
        let loaded = session_id::load(&self.db, &id).await?;
        if let Some(ctx) = &loaded {
            cache.insert(ticket, key, ctx);
        }
        Ok(loaded)
    }

    /// The session cache, when `session.cache` is on.
    pub fn cache(&self) -> Option<&SessionCache> {
        self.cache.as_deref()
    }

    /// Drops these series from this instance's cache; `block` while the
    /// revocation has not committed yet (see `SessionCache::forget_series`).
    pub(super) fn forget(&self, series: &[Uuid], block: bool) {
        if let Some(cache) = &self.cache {
            cache.forget_series(series, block);
        }
    }

    /// After a rotation committed: drops the superseded session ID from this
    /// instance's cache and caches the new one. A revocation of the series
    /// since the commit has blocked it, so the new ID is not cached then.
    pub(super) fn rotated(&self, superseded: Option<&str>, new: Id, ctx: &SessionContext) {
        let Some(cache) = &self.cache else { return };
        if let Some(old) = superseded.and_then(|s| s.parse::<Id>().ok()) {
            cache.forget_session(old.0);
        }
        cache.insert(cache.ticket(), Key::Session(new.0), ctx);
    }

    /// The context of a fresh session ID for a series, expiring by
    /// `SessionExpiration`.
    pub(super) fn new_context(
        &self,
        series_id: Uuid,
        user_id: Option<Uuid>,
        refresh_expires_at: OffsetDateTime,
    ) -> SessionContext {
        let now = OffsetDateTime::now_utc();
        SessionContext {
            series_id,
            user_id,
            csrf_token: self.keys.csrf_token(series_id),
            session_expires_at: self.session_expiration.at(now, refresh_expires_at),
            refresh_expires_at,
            token: None,
        }
    }

    /// Writes a fresh session ID record for a series in the caller's
    /// transaction, expiring by `SessionExpiration`.
    pub(super) async fn new_record(
        &self,
        conn: &mut PgConnection,
        series_id: Uuid,
        user_id: Option<Uuid>,
        refresh_expires_at: OffsetDateTime,
    ) -> anyhow::Result<(Id, SessionContext)> {
        let ctx = self.new_context(series_id, user_id, refresh_expires_at);
        let id = session_id::insert(conn, &ctx).await?;
        Ok((id, ctx))
    }

    /// Starts a new anonymous series with its first pair.
    #[tracing::instrument(skip_all, err)]
    pub async fn start_anonymous(
        &self,
        client: &ClientMeta,
    ) -> anyhow::Result<(SessionContext, Issued)> {
        let mut tx = self.db.begin().await?;
        let started = self.start_in(&mut tx, None, client).await?;
        tx.commit().await?;
        Ok(started)
    }

    /// Starts a new series with its first pair in the caller's transaction,
    /// so a login can replace the browser's old series atomically. A user's
    /// series passes `issue_gate` first: its row stays locked `FOR SHARE`
    /// until the caller commits, and a disabled account gets none.
    #[tracing::instrument(skip_all, err)]
    pub async fn start_in(
        &self,
        conn: &mut PgConnection,
        user_id: Option<Uuid>,
        client: &ClientMeta,
    ) -> Result<(SessionContext, Issued), IssueError> {
        if let Some(user_id) = user_id {
            issue_gate::hold_user(conn, user_id).await?;
        }
        let now = OffsetDateTime::now_utc();
        let series_id = Uuid::new_v4();
        let refresh = self.keys.issue(series_id);
        let deadlines = self.refresh_pair_expiration.start(now, user_id);
        let refresh_expires_at = deadlines.expires_at();
        let (session_id, ctx) = self
            .new_record(conn, series_id, user_id, refresh_expires_at)
            .await?;
        session_series::insert(
            conn,
            session_series::NewSeries {
                id: series_id,
                user_id,
                token_hash: refresh.hash(),
                session_id: &session_id.to_string(),
                idle_expires_at: deadlines.idle,
                absolute_expires_at: deadlines.absolute,
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
        let revoked = session_series::revoke(conn, selector, reason).await?;
        // Before the caller commits and answers; other instances drop them
        // on the NOTIFY the revocation sends.
        self.forget(&revoked, true);
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
