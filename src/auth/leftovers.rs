//! The sign-in records the periodic purge clears: half-finished sign-ins
//! and passkey ceremonies past their five minutes, trusted browsers past
//! their 30 days, dismissed new-device notices, and single sign-on
//! requests past their ten minutes.

use sqlx::PgPool;
use time::OffsetDateTime;

/// Deletes up to `limit` rows of each kind that no longer count; the
/// number deleted.
#[tracing::instrument(skip(db), err)]
pub async fn purge(db: &PgPool, now: OffsetDateTime, limit: i64) -> sqlx::Result<u64> {
    let deleted = sqlx::query_scalar!(
        r#"WITH challenges AS (
               DELETE FROM sign_in_challenges WHERE ctid = ANY(ARRAY(
                   SELECT ctid FROM sign_in_challenges WHERE expires_at <= $1 LIMIT $2))
               RETURNING 1
           ), trusted AS (
               DELETE FROM trusted_browsers WHERE ctid = ANY(ARRAY(
                   SELECT ctid FROM trusted_browsers WHERE expires_at <= $1 LIMIT $2))
               RETURNING 1
           ), ceremonies AS (
               DELETE FROM passkey_ceremonies WHERE ctid = ANY(ARRAY(
                   SELECT ctid FROM passkey_ceremonies WHERE expires_at <= $1 LIMIT $2))
               RETURNING 1
           ), notices AS (
               DELETE FROM sign_in_notices WHERE ctid = ANY(ARRAY(
                   SELECT ctid FROM sign_in_notices WHERE dismissed_at IS NOT NULL LIMIT $2))
               RETURNING 1
           ), oidc AS (
               DELETE FROM oidc_pending WHERE ctid = ANY(ARRAY(
                   SELECT ctid FROM oidc_pending WHERE expires_at <= $1 LIMIT $2))
               RETURNING 1
           )
           SELECT (SELECT count(*) FROM challenges) + (SELECT count(*) FROM trusted)
                  + (SELECT count(*) FROM notices) + (SELECT count(*) FROM ceremonies)
                  + (SELECT count(*) FROM oidc)
                  AS "deleted!""#,
        now,
        limit,
    )
    .fetch_one(db)
    .await?;
    Ok(deleted.unsigned_abs())
}
