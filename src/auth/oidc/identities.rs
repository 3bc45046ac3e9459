//! `user_identities`: which account a provider's person (`sub`) signs in
//! to, and whether an account has a password.

use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::errors::Failure;

/// A provider identity linked to the caller's account.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Identity {
    /// The provider's name (`auth.oidc.<name>`).
    pub provider: String,
    /// The email the provider gave when the identity was linked.
    pub email: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The account this identity signs in to.
#[tracing::instrument(skip(db), err)]
pub(super) async fn owner(
    db: impl PgExecutor<'_>,
    provider: &str,
    subject: &str,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT user_id FROM user_identities WHERE provider = $1 AND subject = $2",
        provider,
        subject,
    )
    .fetch_optional(db)
    .await
}

/// Links the identity to `user_id`; refused if it is another account's or
/// the account has one at this provider already.
#[tracing::instrument(skip(conn))]
pub(super) async fn link(
    conn: &mut PgConnection,
    provider: &str,
    subject: &str,
    user_id: Uuid,
    email: Option<&str>,
) -> Result<(), Failure> {
    let inserted = sqlx::query!(
        "INSERT INTO user_identities (provider, subject, user_id, email)
         VALUES ($1, $2, $3, $4)",
        provider,
        subject,
        user_id,
        email,
    )
    .execute(conn)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("user_identities_pkey") => {
            Err(Failure::IdentityTaken)
        }
        Err(sqlx::Error::Database(e))
            if e.constraint() == Some("user_identities_user_provider_key") =>
        {
            Err(Failure::AlreadyLinked)
        }
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(skip(db), err)]
pub(super) async fn of_user(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Vec<Identity>> {
    sqlx::query_as!(
        Identity,
        "SELECT provider, email, created_at FROM user_identities
         WHERE user_id = $1 ORDER BY provider",
        user_id,
    )
    .fetch_all(db)
    .await
}

/// What removing the identity at `provider` would leave.
pub(super) enum Unlink {
    Removed,
    NotFound,
    /// No password and no other identity: it is the last way in.
    LastWayIn,
}

/// Removes the account's identity at `provider`, unless it is its last
/// way to sign in. The account's row is locked first, so two removals
/// cannot each leave the other as the last.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn unlink(
    conn: &mut PgConnection,
    user_id: Uuid,
    provider: &str,
) -> sqlx::Result<Unlink> {
    let ways = sqlx::query!(
        r#"SELECT has_password,
                  (SELECT count(*) FROM user_identities WHERE user_id = users.id) AS "identities!",
                  EXISTS(SELECT 1 FROM user_identities
                         WHERE user_id = users.id AND provider = $2) AS "linked!"
           FROM users WHERE id = $1 FOR UPDATE"#,
        user_id,
        provider,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(ways) = ways.filter(|w| w.linked) else {
        return Ok(Unlink::NotFound);
    };
    if !ways.has_password && ways.identities <= 1 {
        return Ok(Unlink::LastWayIn);
    }
    sqlx::query!(
        "DELETE FROM user_identities WHERE user_id = $1 AND provider = $2",
        user_id,
        provider,
    )
    .execute(conn)
    .await?;
    Ok(Unlink::Removed)
}

/// Whether the account has a password of its own.
#[tracing::instrument(skip(db), err)]
pub(super) async fn has_password(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<bool> {
    let has = sqlx::query_scalar!("SELECT has_password FROM users WHERE id = $1", user_id)
        .fetch_optional(db)
        .await?;
    Ok(has.unwrap_or(false))
}
