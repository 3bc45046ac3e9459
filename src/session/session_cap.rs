//! The cap on browser sessions per account (`auth.max_sessions_per_user`):
//! a sign-in that takes an account past it revokes the account's least
//! recently used browser series (never its API tokens), with reason
//! `session_limit`, audited like every revocation; those browsers find
//! themselves signed out on their next request, as after any revocation.
//! Sign-ins of one account take turns on a per-account advisory lock held
//! to the end of their transaction, so concurrent sign-ins cannot together
//! leave more than the cap.

use sqlx::PgConnection;
use uuid::Uuid;

use super::{Selector, Sessions};
use crate::audit;

impl Sessions {
    /// Revokes the user's least recently used live browser series beyond
    /// `cap`, sparing `keep` (the one just started), in the caller's
    /// transaction.
    #[tracing::instrument(skip(self, conn, actor), err)]
    pub async fn enforce_cap(
        &self,
        conn: &mut PgConnection,
        user_id: Uuid,
        keep: Uuid,
        cap: u32,
        actor: &audit::Actor,
    ) -> anyhow::Result<Vec<Uuid>> {
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtextextended('session_cap/' || $1::uuid::text, 0))",
            user_id
        )
        .execute(&mut *conn)
        .await?;
        // Read after the lock: every sign-in that held it before has
        // committed, and its series is counted here.
        let beyond = sqlx::query_scalar!(
            "SELECT id FROM session_series
             WHERE user_id = $1 AND kind = 'browser' AND revoked_at IS NULL AND id <> $2
               AND idle_expires_at > now() AND absolute_expires_at > now()
             ORDER BY last_seen_at DESC, created_at DESC, id
             OFFSET $3",
            user_id,
            keep,
            i64::from(cap.saturating_sub(1)),
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut revoked = Vec::with_capacity(beyond.len());
        for id in beyond {
            let selector = Selector::users_series(user_id, id);
            revoked.extend(
                self.revoke_in(conn, selector, "session_limit", actor)
                    .await?,
            );
        }
        Ok(revoked)
    }
}
