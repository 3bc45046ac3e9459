//! `oidc_pending`: authorization requests on their way through a
//! provider, kept server side under the SHA-256 of their `state`, bound to
//! the browser series that began them, single use, void after ten minutes.

use sha2::{Digest as _, Sha256};
use sqlx::PgExecutor;
use uuid::Uuid;

/// How long a browser may take at the provider.
const PENDING_SECS: f64 = 600.0;

pub(super) struct NewPending<'a> {
    pub state: &'a str,
    pub provider: &'a str,
    pub series_id: Uuid,
    pub pkce_verifier: &'a str,
    pub nonce: &'a str,
    /// Links the identity to this account instead of signing in.
    pub link_user_id: Option<Uuid>,
}

#[derive(Debug)]
pub(super) struct Pending {
    pub provider: String,
    pub series_id: Uuid,
    pub pkce_verifier: String,
    pub nonce: String,
    pub link_user_id: Option<Uuid>,
}

fn hash(state: &str) -> Vec<u8> {
    Sha256::digest(state.as_bytes()).to_vec()
}

#[tracing::instrument(skip_all, err)]
pub(super) async fn insert(db: impl PgExecutor<'_>, new: NewPending<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO oidc_pending
             (state_hash, provider, series_id, pkce_verifier, nonce, link_user_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))",
        hash(new.state),
        new.provider,
        new.series_id,
        new.pkce_verifier,
        new.nonce,
        new.link_user_id,
        PENDING_SECS,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The request this `state` names, consumed: a second callback with the
/// same `state` finds nothing.
#[tracing::instrument(skip_all, err)]
pub(super) async fn take(db: impl PgExecutor<'_>, state: &str) -> sqlx::Result<Option<Pending>> {
    sqlx::query_as!(
        Pending,
        "DELETE FROM oidc_pending WHERE state_hash = $1 AND expires_at > now()
         RETURNING provider, series_id, pkce_verifier, nonce, link_user_id",
        hash(state),
    )
    .fetch_optional(db)
    .await
}
