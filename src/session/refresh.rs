//! Refresh-token rotation, in one transaction with the series row locked:
//! - the current token rotates: new session ID, new refresh token;
//! - the previous token within `session.reuse_grace_secs` of the rotation gets
//!   exactly the pair already issued (concurrent tabs, a lost response) and
//!   mints nothing — the new token was kept sealed under `session.secret`,
//!   and only that long: a refresh after the window clears it, and
//!   `purge::spawn_sealed_token_sweep` clears the others;
//! - any other token of the series is theft: the whole series is revoked;
//! - a series whose user is disabled does not rotate (treated as expired):
//!   the owner's row is held by `issue_gate` before the series is locked.
//!
//! Most refreshes present the current token of a live series. Those take a
//! fast path first: an unlocked read, then one statement that rotates only
//! if the series still holds that token, is live and its owner enabled
//! (`session_series::record_rotation`), outside any transaction: two round
//! trips instead of five. Whatever the fast path does not settle (a
//! concurrent rotation won, the grace window, reuse, expiry, a disabled
//! owner) goes the locked way above.

use axum::http::StatusCode;
use sqlx::{PgConnection, Postgres, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    ClientMeta, Issued, RefreshToken, SessionContext, Sessions, errors,
    issue_gate::{self, IssueError},
    refresh_pair_expiration::SeriesDeadlines,
    session_id, session_series,
};
use crate::{audit, error::ApiError};

/// Why a refresh token did not yield a pair; each maps to its 401 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshFailure {
    /// Malformed, unknown or revoked: nothing to refresh.
    Unknown,
    /// The series passed its idle or absolute expiry.
    Expired,
    /// A superseded token: the series has just been revoked.
    Reused,
}

impl From<RefreshFailure> for ApiError {
    fn from(f: RefreshFailure) -> Self {
        let (code, message) = match f {
            RefreshFailure::Unknown => (errors::NO_SESSION, "no session to refresh"),
            RefreshFailure::Expired => (errors::REFRESH_TOKEN_EXPIRED, "the session has expired"),
            RefreshFailure::Reused => (
                errors::REFRESH_TOKEN_REUSED,
                "this refresh token was already used; the session has been revoked",
            ),
        };
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    }
}

/// What presenting a refresh token came to.
#[derive(Debug)]
pub enum Refreshed {
    /// The current token: a new pair was minted.
    Rotated(SessionContext, Issued),
    /// The previous token within the grace window: the pair already issued.
    Replayed(SessionContext, Issued),
    /// No pair; when `Reused`, the series has just been revoked.
    Failed(RefreshFailure),
}

/// The series as read before its rotation.
struct Before<'a> {
    id: Uuid,
    user_id: Option<Uuid>,
    absolute_expires_at: OffsetDateTime,
    /// Its current session ID, which the rotation supersedes.
    superseded: Option<&'a str>,
}

impl Sessions {
    /// Presents a refresh token: rotates, replays within the grace window,
    /// or refuses; a superseded token outside the window revokes the series.
    #[tracing::instrument(skip_all, fields(series_id = %token.series_id()), err)]
    pub async fn refresh(
        &self,
        token: &RefreshToken,
        client: &ClientMeta,
    ) -> anyhow::Result<Refreshed> {
        if let Some(settled) = self.rotate_at_a_glance(token, client).await? {
            return Ok(settled);
        }
        let mut tx = self.db.begin().await?;
        // The owner's row before the series', as the disable takes them.
        let disabled = match issue_gate::hold_owner(&mut tx, token.series_id()).await {
            Ok(()) => false,
            Err(IssueError::AccountDisabled) => true,
            Err(IssueError::Failed(e)) => return Err(e),
        };
        let Some(row) = session_series::lock(&mut tx, token.series_id()).await? else {
            return Ok(Refreshed::Failed(RefreshFailure::Unknown));
        };
        if row.revoked_at.is_some() {
            return Ok(Refreshed::Failed(RefreshFailure::Unknown));
        }
        let now = OffsetDateTime::now_utc();
        let in_grace = row
            .rotated_at
            .is_some_and(|at| now - at <= self.reuse_grace);
        let expired = row.expires_at() <= now || disabled;
        let rotates = !expired && token.matches(row.current_token_hash.as_deref());
        // Whatever this refresh comes to, a sealed token past its window goes
        // now rather than at the next sweep; a rotation overwrites it anyway.
        if row.pending_token_sealed.is_some() && !in_grace && !rotates {
            session_series::clear_sealed(&mut tx, row.id).await?;
        }
        // A disabled account's series is over, as if it had expired.
        if expired {
            tx.commit().await?;
            return Ok(Refreshed::Failed(RefreshFailure::Expired));
        }
        if rotates {
            let before = Before {
                id: row.id,
                user_id: row.user_id,
                absolute_expires_at: row.absolute_expires_at,
                superseded: row.current_session_id.as_deref(),
            };
            let Some((ctx, issued)) = self.rotate(&mut tx, &before, token, now, client).await?
            else {
                anyhow::bail!("series {} did not rotate under its lock", row.id);
            };
            tx.commit().await?;
            return Ok(self.rotated_pair(&before, ctx, issued));
        }
        if token.matches(row.previous_token_hash.as_deref()) && in_grace {
            return Ok(match self.replay(&row) {
                Some((ctx, issued)) => Refreshed::Replayed(ctx, issued),
                None => Refreshed::Failed(RefreshFailure::Unknown),
            });
        }
        self.revoke_reused(tx, &row, client).await?;
        Ok(Refreshed::Failed(RefreshFailure::Reused))
    }

    /// The fast path: rotates the series if an unlocked read shows the
    /// token current and the series live, and the rotation's own statement
    /// still finds it so; `None` leaves the decision to the locked path.
    async fn rotate_at_a_glance(
        &self,
        token: &RefreshToken,
        client: &ClientMeta,
    ) -> anyhow::Result<Option<Refreshed>> {
        let Some(seen) = session_series::glance(&self.db, token.series_id()).await? else {
            // No such series, now or later: ids are never reused.
            return Ok(Some(Refreshed::Failed(RefreshFailure::Unknown)));
        };
        let now = OffsetDateTime::now_utc();
        let deadline = SeriesDeadlines {
            idle: seen.idle_expires_at,
            absolute: seen.absolute_expires_at,
        }
        .expires_at();
        if !seen.live || deadline <= now || !token.matches(seen.current_token_hash.as_deref()) {
            return Ok(None);
        }
        let before = Before {
            id: token.series_id(),
            user_id: seen.user_id,
            absolute_expires_at: seen.absolute_expires_at,
            superseded: seen.current_session_id.as_deref(),
        };
        let mut conn = self.db.acquire().await?;
        let rotated = self.rotate(&mut conn, &before, token, now, client).await?;
        Ok(rotated.map(|(ctx, issued)| self.rotated_pair(&before, ctx, issued)))
    }

    /// Mints the next pair of the series and writes it, with the new
    /// session ID record, if the series is still as `before` saw it (see
    /// `session_series::record_rotation`); `None` when it is not.
    async fn rotate(
        &self,
        conn: &mut PgConnection,
        before: &Before<'_>,
        token: &RefreshToken,
        now: OffsetDateTime,
        client: &ClientMeta,
    ) -> anyhow::Result<Option<(SessionContext, Issued)>> {
        let refresh = self.keys.issue(before.id);
        let idle_expires_at =
            self.refresh_pair_expiration
                .slide(now, before.user_id, before.absolute_expires_at);
        let ctx = self.new_context(before.id, before.user_id, idle_expires_at);
        let (session_id, record) = session_id::encode(&ctx)?;
        let done = session_series::record_rotation(
            conn,
            session_series::Rotation {
                id: before.id,
                user_id: before.user_id,
                presented: token.hash(),
                token_hash: refresh.hash(),
                token_sealed: &self.keys.seal(&refresh),
                superseded: before.superseded,
                session_id: &session_id.to_string(),
                record: &record,
                session_expires_at: ctx.session_expires_at,
                idle_expires_at,
                rotated_at: now,
                client,
            },
        )
        .await?;
        let issued = Issued {
            session_id,
            refresh,
            session_expires_at: ctx.session_expires_at,
            refresh_expires_at: ctx.refresh_expires_at,
        };
        Ok(done.then_some((ctx, issued)))
    }

    /// After a committed rotation: the superseded session ID leaves this
    /// instance's cache before the answer (other instances drop it on the
    /// rotation's NOTIFY) and the new one enters it, so the browser's next
    /// request with it is served from memory.
    fn rotated_pair(&self, before: &Before<'_>, ctx: SessionContext, issued: Issued) -> Refreshed {
        self.rotated(before.superseded, issued.session_id, &ctx);
        metrics::counter!("session_rotations_total").increment(1);
        Refreshed::Rotated(ctx, issued)
    }

    /// A superseded token outside the grace window is theft (or a tab left
    /// far behind): the whole series is revoked, and the reuse audited.
    async fn revoke_reused(
        &self,
        mut tx: Transaction<'_, Postgres>,
        row: &session_series::SeriesRow,
        client: &ClientMeta,
    ) -> anyhow::Result<()> {
        let actor = audit::Actor {
            user_id: row.user_id,
            series_id: Some(row.id),
            ip: client.ip.clone(),
        };
        audit::record(
            &mut tx,
            audit::Kind::RefreshReuseDetected,
            &actor,
            Some(&row.id.to_string()),
            serde_json::json!({ "user_agent": client.user_agent }),
        )
        .await?;
        let revoked = session_series::revoke(
            &mut tx,
            session_series::Selector::series(row.id),
            "refresh_token_reused",
        )
        .await?;
        self.forget(&revoked, true);
        tx.commit().await?;
        metrics::counter!("session_refresh_reuse_total").increment(1);
        tracing::warn!(series_id = %row.id, "superseded refresh token presented; series revoked");
        Ok(())
    }

    /// The pair issued by the latest rotation, rebuilt from the series row.
    fn replay(&self, row: &session_series::SeriesRow) -> Option<(SessionContext, Issued)> {
        let refresh = self
            .keys
            .open(row.id, row.pending_token_sealed.as_deref()?)?;
        let session_id = row.current_session_id.as_deref()?.parse().ok()?;
        let refresh_expires_at = row.expires_at();
        let session_expires_at = self
            .session_expiration
            .at(row.rotated_at?, refresh_expires_at);
        let ctx = SessionContext {
            series_id: row.id,
            user_id: row.user_id,
            csrf_token: self.keys.csrf_token(row.id),
            session_expires_at,
            refresh_expires_at,
            token: None,
        };
        let issued = Issued {
            session_id,
            refresh,
            session_expires_at,
            refresh_expires_at,
        };
        Some((ctx, issued))
    }
}
