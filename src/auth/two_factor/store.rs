//! Queries on `totp_secrets` and `totp_recovery_codes`. Every check that
//! spends something (a time step, a recovery code) is one conditional
//! `UPDATE`, so two requests with the same code cannot both succeed.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

/// An account's TOTP secret as stored.
#[derive(Debug)]
pub struct SecretRow {
    pub secret_sealed: Vec<u8>,
    pub confirmed_at: Option<OffsetDateTime>,
}

#[tracing::instrument(skip(db), err)]
pub async fn secret(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Option<SecretRow>> {
    sqlx::query_as!(
        SecretRow,
        "SELECT secret_sealed, confirmed_at FROM totp_secrets WHERE user_id = $1",
        user_id
    )
    .fetch_optional(db)
    .await
}

/// Whether the account signs in with a second factor.
#[tracing::instrument(skip(db), err)]
pub async fn enabled(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS(SELECT 1 FROM totp_secrets
                         WHERE user_id = $1 AND confirmed_at IS NOT NULL) AS "enabled!""#,
        user_id
    )
    .fetch_one(db)
    .await
}

/// Stores a new secret awaiting confirmation, in place of an earlier
/// unconfirmed one; never over a confirmed one. Whether it was stored.
#[tracing::instrument(skip(conn, sealed), err)]
pub async fn put_pending(
    conn: &mut PgConnection,
    user_id: Uuid,
    sealed: &[u8],
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "INSERT INTO totp_secrets (user_id, secret_sealed) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE
             SET secret_sealed = EXCLUDED.secret_sealed, created_at = now(), last_step = NULL
             WHERE totp_secrets.confirmed_at IS NULL",
        user_id,
        sealed,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Confirms the pending secret with the code of `step`, which is spent.
#[tracing::instrument(skip(conn), err)]
pub async fn confirm(conn: &mut PgConnection, user_id: Uuid, step: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE totp_secrets SET confirmed_at = now(), last_step = $2
         WHERE user_id = $1 AND confirmed_at IS NULL",
        user_id,
        step,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Spends time step `step` of the confirmed secret: only a step newer than
/// every one accepted before, so a code is accepted once.
#[tracing::instrument(skip(conn), err)]
pub async fn spend_step(conn: &mut PgConnection, user_id: Uuid, step: i64) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE totp_secrets SET last_step = $2
         WHERE user_id = $1 AND confirmed_at IS NOT NULL
           AND (last_step IS NULL OR last_step < $2)",
        user_id,
        step,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Spends an unused recovery code.
#[tracing::instrument(skip(conn, hash), err)]
pub async fn spend_recovery_code(
    conn: &mut PgConnection,
    user_id: Uuid,
    hash: &[u8],
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE totp_recovery_codes SET used_at = now()
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        user_id,
        hash,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the account's recovery codes.
#[tracing::instrument(skip(conn, hashes), err)]
pub async fn replace_recovery_codes(
    conn: &mut PgConnection,
    user_id: Uuid,
    hashes: &[Vec<u8>],
) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM totp_recovery_codes WHERE user_id = $1",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO totp_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])",
        user_id,
        hashes,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip(db), err)]
pub async fn recovery_codes_left(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM totp_recovery_codes
           WHERE user_id = $1 AND used_at IS NULL"#,
        user_id
    )
    .fetch_one(db)
    .await
}

/// Turns the second factor off: the secret, the recovery codes and the
/// trusted browsers go.
#[tracing::instrument(skip(conn), err)]
pub async fn remove(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM totp_secrets WHERE user_id = $1", user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "DELETE FROM totp_recovery_codes WHERE user_id = $1",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM trusted_browsers WHERE user_id = $1", user_id)
        .execute(conn)
        .await?;
    Ok(())
}
