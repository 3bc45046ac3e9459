//! The session ID: a short-lived tower-sessions record in its Postgres store
//! (`tower_sessions.session`) holding enough to serve a request without
//! touching `session_series`, so a valid ID costs one round trip. Records are
//! written on the caller's connection, so a new session ID commits atomically
//! with its series row. The row format is the Postgres store's own
//! (MessagePack of `Record`), read and written here with our own statements:
//! the store's `save` cannot join a transaction, and calling it while a
//! series row is locked would need a second pooled connection — a deadlock
//! under load; and its `load` turns a database error into text, so a
//! database outage could not be told from a fault of ours (503 vs 500).

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use uuid::Uuid;

use super::{SessionContext, refresh_token::random};

/// Key under which our data sits in a tower-sessions record.
const RECORD_KEY: &str = "minutes";

/// The session record's data.
#[derive(Debug, Serialize, Deserialize)]
struct RecordData {
    series_id: Uuid,
    user_id: Option<Uuid>,
    csrf_token: String,
    #[serde(with = "crate::rfc3339")]
    refresh_expires_at: OffsetDateTime,
}

/// A fresh session ID: 128 bits from the OS CSPRNG.
fn generate() -> Id {
    Id(i128::from_le_bytes(random()))
}

/// Looks up a session ID. Unknown, expired or revoked IDs all yield `None`
/// — a client-chosen ID is never adopted.
pub(super) async fn load(db: &PgPool, id: &Id) -> anyhow::Result<Option<SessionContext>> {
    let row = sqlx::query_scalar!(
        "SELECT data FROM tower_sessions.session WHERE id = $1 AND expiry_date > now()",
        id.to_string(),
    )
    .fetch_optional(db)
    .await?;
    let Some(bytes) = row else {
        return Ok(None);
    };
    let record: Record = rmp_serde::from_slice(&bytes)?;
    let Some(data) = record.data.get(RECORD_KEY) else {
        return Ok(None);
    };
    let data: RecordData = serde_json::from_value(data.clone())?;
    Ok(Some(SessionContext {
        series_id: data.series_id,
        user_id: data.user_id,
        csrf_token: data.csrf_token,
        session_expires_at: record.expiry_date,
        refresh_expires_at: data.refresh_expires_at,
        token: None,
    }))
}

/// A new session ID record for `ctx`, expiring with it: its ID and the row's
/// `data` in the store's format, for the caller to write.
pub(super) fn encode(ctx: &SessionContext) -> anyhow::Result<(Id, Vec<u8>)> {
    let data = RecordData {
        series_id: ctx.series_id,
        user_id: ctx.user_id,
        csrf_token: ctx.csrf_token.clone(),
        refresh_expires_at: ctx.refresh_expires_at,
    };
    let record = Record {
        id: generate(),
        data: [(RECORD_KEY.to_owned(), serde_json::to_value(data)?)].into(),
        expiry_date: ctx.session_expires_at,
    };
    Ok((record.id, rmp_serde::to_vec(&record)?))
}

/// Writes a new session ID record for `ctx`, expiring with it, in the
/// caller's transaction.
pub(super) async fn insert(conn: &mut PgConnection, ctx: &SessionContext) -> anyhow::Result<Id> {
    let (id, data) = encode(ctx)?;
    sqlx::query!(
        "INSERT INTO tower_sessions.session (id, data, expiry_date) VALUES ($1, $2, $3)",
        id.to_string(),
        data,
        ctx.session_expires_at,
    )
    .execute(conn)
    .await?;
    Ok(id)
}
