//! Trusted browsers (`trusted_browsers`): after a second factor, a browser
//! whose owner ticked "trust this browser" skips the code for `LIFETIME`,
//! from then, never sliding. The trust is keyed by the device id of the
//! browser's device cookie; each sign-in gives the browser a new device
//! id, and the trust moves to it in the sign-in's transaction. A device
//! cookie stops counting when the account's credential epoch moves on (a
//! password change, a disable, "sign out everywhere"), and so does its
//! trust. Listed and revocable in My sessions.

use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::session::ClientMeta;

/// How long a browser stays trusted.
pub const LIFETIME: Duration = Duration::days(30);

/// A trusted browser as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrustedBrowser {
    pub id: Uuid,
    #[schema(required = true)]
    pub user_agent: Option<String>,
    #[schema(required = true)]
    pub ip: Option<String>,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// Whether the device is a trusted browser of the account.
#[tracing::instrument(skip(db), err)]
pub async fn trusts(db: &PgPool, user_id: Uuid, device_id: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS(SELECT 1 FROM trusted_browsers
                         WHERE user_id = $1 AND device_id = $2 AND expires_at > now()) AS "t!""#,
        user_id,
        device_id,
    )
    .fetch_one(db)
    .await
}

/// Trusts a browser by its (new) device id.
#[tracing::instrument(skip(conn, client), err)]
pub async fn add(
    conn: &mut PgConnection,
    user_id: Uuid,
    device_id: &str,
    client: &ClientMeta,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO trusted_browsers (id, user_id, device_id, user_agent, ip, expires_at)
         VALUES ($1, $2, $3, $4, $5::text::inet, now() + make_interval(secs => $6))",
        Uuid::new_v4(),
        user_id,
        device_id,
        client.user_agent,
        client.ip,
        LIFETIME.as_seconds_f64(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a browser's trust, if it has one, to its new device id.
#[tracing::instrument(skip(conn), err)]
pub async fn carry(
    conn: &mut PgConnection,
    user_id: Uuid,
    old_device_id: &str,
    new_device_id: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE trusted_browsers SET device_id = $3
         WHERE user_id = $1 AND device_id = $2 AND expires_at > now()",
        user_id,
        old_device_id,
        new_device_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip(db), err)]
pub async fn list(db: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<TrustedBrowser>> {
    sqlx::query_as!(
        TrustedBrowser,
        r#"SELECT id, user_agent, host(ip) AS ip, created_at, expires_at
           FROM trusted_browsers WHERE user_id = $1 AND expires_at > now()
           ORDER BY created_at DESC, id"#,
        user_id
    )
    .fetch_all(db)
    .await
}

/// Forgets one of the account's trusted browsers: whether it was there.
#[tracing::instrument(skip(db), err)]
pub async fn remove(db: &PgPool, user_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "DELETE FROM trusted_browsers WHERE user_id = $1 AND id = $2",
        user_id,
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
