//! The registered passkeys (`passkeys`): webauthn-rs's `Passkey` as JSON
//! (credential id, public key, signature counter; no secret), a name the
//! owner chose, and when it was made and last used.

use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;
use webauthn_rs::prelude::Passkey;

/// A passkey as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasskeyView {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub last_used_at: Option<OffsetDateTime>,
}

/// A passkey as a sign-in needs it.
pub struct Stored {
    pub id: Uuid,
    pub passkey: Passkey,
}

fn to_json(passkey: &Passkey) -> Value {
    serde_json::to_value(passkey).expect("a passkey serialises")
}

/// Stores a new passkey; `None` if its credential is registered already.
#[tracing::instrument(skip(conn, passkey), err)]
pub async fn insert(
    conn: &mut PgConnection,
    user_id: Uuid,
    name: &str,
    passkey: &Passkey,
) -> sqlx::Result<Option<PasskeyView>> {
    sqlx::query_as!(
        PasskeyView,
        "INSERT INTO passkeys (id, user_id, credential_id, passkey, name)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (credential_id) DO NOTHING
         RETURNING id, name, created_at, last_used_at",
        Uuid::new_v4(),
        user_id,
        passkey.cred_id().as_slice(),
        to_json(passkey),
        name,
    )
    .fetch_optional(conn)
    .await
}

/// The account's passkeys, oldest first.
#[tracing::instrument(skip(db), err)]
pub async fn list(db: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<PasskeyView>> {
    sqlx::query_as!(
        PasskeyView,
        "SELECT id, name, created_at, last_used_at FROM passkeys
         WHERE user_id = $1 ORDER BY created_at, id",
        user_id
    )
    .fetch_all(db)
    .await
}

/// The credential ids of the account's passkeys (not to be registered twice).
#[tracing::instrument(skip(db), err)]
pub async fn credential_ids(db: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<Vec<u8>>> {
    sqlx::query_scalar!(
        "SELECT credential_id FROM passkeys WHERE user_id = $1",
        user_id
    )
    .fetch_all(db)
    .await
}

/// The account's passkeys, to sign in again with one of them.
#[tracing::instrument(skip(db), err)]
pub async fn of_user(db: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<Passkey>> {
    let rows = sqlx::query_scalar!("SELECT passkey FROM passkeys WHERE user_id = $1", user_id)
        .fetch_all(db)
        .await?;
    rows.into_iter()
        .map(|v| serde_json::from_value(v).map_err(|e| sqlx::Error::Decode(e.into())))
        .collect()
}

/// The passkey of this credential and account, locked until the sign-in's
/// transaction ends (two sign-ins with one counter value cannot both pass).
#[tracing::instrument(skip(conn, credential_id), err)]
pub async fn for_sign_in(
    conn: &mut PgConnection,
    credential_id: &[u8],
    user_id: Uuid,
) -> sqlx::Result<Option<Stored>> {
    let row = sqlx::query!(
        "SELECT id, passkey FROM passkeys
         WHERE credential_id = $1 AND user_id = $2 FOR UPDATE",
        credential_id,
        user_id,
    )
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Stored {
            id: r.id,
            passkey: serde_json::from_value(r.passkey)
                .map_err(|e| sqlx::Error::Decode(e.into()))?,
        })
    })
    .transpose()
}

/// Keeps the passkey's new counter and the time of its use.
#[tracing::instrument(skip(conn, passkey), err)]
pub async fn used(conn: &mut PgConnection, id: Uuid, passkey: &Passkey) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE passkeys SET passkey = $2, last_used_at = now() WHERE id = $1",
        id,
        to_json(passkey),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Renames one of the account's passkeys; `None` if it has no such one.
#[tracing::instrument(skip(db), err)]
pub async fn rename(
    db: &PgPool,
    user_id: Uuid,
    id: Uuid,
    name: &str,
) -> sqlx::Result<Option<PasskeyView>> {
    sqlx::query_as!(
        PasskeyView,
        "UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2
         RETURNING id, name, created_at, last_used_at",
        id,
        user_id,
        name,
    )
    .fetch_optional(db)
    .await
}

/// Removes one of the account's passkeys: its name, or `None` if it has
/// no such one.
#[tracing::instrument(skip(conn), err)]
pub async fn delete(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING name",
        id,
        user_id,
    )
    .fetch_optional(conn)
    .await
}
