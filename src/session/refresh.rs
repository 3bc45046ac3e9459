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

use axum::http::StatusCode;
use sqlx::{PgConnection, Postgres, Transaction};
use time::OffsetDateTime;

use super::{
    ClientMeta, Issued, RefreshToken, SessionContext, Sessions, errors,
    issue_gate::{self, IssueError},
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

impl Sessions {
    /// Presents a refresh token: rotates, replays within the grace window,
    /// or refuses; a superseded token outside the window revokes the series.
    #[tracing::instrument(skip_all, fields(series_id = %token.series_id()), err)]
    pub async fn refresh(
        &self,
        token: &RefreshToken,
        client: &ClientMeta,
    ) -> anyhow::Result<Refreshed> {
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
            let (ctx, issued) = self.rotate(&mut tx, &row, now, client).await?;
            tx.commit().await?;
            // The superseded session ID leaves this instance's cache before
            // the answer (other instances drop it on the rotation's NOTIFY)
            // and the new one enters it: the browser's next request with it
            // is served from memory.
            self.rotated(row.current_session_id.as_deref(), issued.session_id, &ctx);
            metrics::counter!("session_rotations_total").increment(1);
            return Ok(Refreshed::Rotated(ctx, issued));
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

    /// Mints the next pair of the locked series and writes it, with the new
    /// session ID record, in the caller's transaction.
    async fn rotate(
        &self,
        tx: &mut PgConnection,
        row: &session_series::SeriesRow,
        now: OffsetDateTime,
        client: &ClientMeta,
    ) -> anyhow::Result<(SessionContext, Issued)> {
        let refresh = self.keys.issue(row.id);
        let idle_expires_at =
            self.refresh_pair_expiration
                .slide(now, row.user_id, row.absolute_expires_at);
        let ctx = self.new_context(row.id, row.user_id, idle_expires_at);
        let (session_id, record) = session_id::encode(&ctx)?;
        // The new session ID record is written by the rotation's own
        // statement: lock, rotate, commit.
        session_series::record_rotation(
            tx,
            session_series::Rotation {
                id: row.id,
                token_hash: &refresh.hash(),
                token_sealed: &self.keys.seal(&refresh),
                superseded: row.current_session_id.as_deref(),
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
        Ok((ctx, issued))
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
