//! WebAuthn ceremonies between their begin and their finish
//! (`passkey_ceremonies`): webauthn-rs's state as JSON, keyed by the SHA-256
//! of a random token the browser holds in a short-lived cookie, for five
//! minutes. A registration, or a signing in again, is bound to the account
//! and the series that began it. Taking one deletes it, so a state is used once.

use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::two_factor::TTL;

/// Which ceremony, and for a signed-in browser's whose.
#[derive(Debug, Clone, Copy)]
pub enum Ceremony {
    Register {
        user_id: Uuid,
        series_id: Uuid,
    },
    SignIn,
    /// Signing in again, for sensitive actions.
    Reauth {
        user_id: Uuid,
        series_id: Uuid,
    },
}

impl Ceremony {
    fn columns(self) -> (&'static str, Option<Uuid>, Option<Uuid>) {
        match self {
            Self::Register { user_id, series_id } => ("register", Some(user_id), Some(series_id)),
            Self::SignIn => ("sign_in", None, None),
            Self::Reauth { user_id, series_id } => ("reauth", Some(user_id), Some(series_id)),
        }
    }
}

/// Stores a begun ceremony.
#[tracing::instrument(skip(db, token_hash, state), err)]
pub async fn insert(
    db: &PgPool,
    token_hash: &[u8],
    ceremony: Ceremony,
    state: Value,
) -> sqlx::Result<()> {
    let (kind, user_id, series_id) = ceremony.columns();
    sqlx::query!(
        "INSERT INTO passkey_ceremonies (token_hash, kind, user_id, series_id, state, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
        token_hash,
        kind,
        user_id,
        series_id,
        state,
        TTL.as_seconds_f64(),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Uses a live ceremony of this kind (and account and series) up: its
/// state, or `None` if there is none to use.
#[tracing::instrument(skip(db, token_hash), err)]
pub async fn take(
    db: &PgPool,
    token_hash: &[u8],
    ceremony: Ceremony,
) -> sqlx::Result<Option<Value>> {
    let (kind, user_id, series_id) = ceremony.columns();
    sqlx::query_scalar!(
        "DELETE FROM passkey_ceremonies
         WHERE token_hash = $1 AND kind = $2 AND user_id IS NOT DISTINCT FROM $3
           AND series_id IS NOT DISTINCT FROM $4 AND expires_at > now()
         RETURNING state",
        token_hash,
        kind,
        user_id,
        series_id,
    )
    .fetch_optional(db)
    .await
}
