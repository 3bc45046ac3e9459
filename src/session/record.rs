//! Writes tower-sessions records on the caller's connection, so a new session
//! ID commits atomically with its series row. The row format is the Postgres
//! store's own (MessagePack of `Record`), which `PostgresStore::load` reads;
//! the store's `save` cannot join a transaction, and calling it while a series
//! row is locked would need a second pooled connection — a deadlock under load.

use sqlx::PgConnection;
use tower_sessions::session::Record;

pub async fn insert(conn: &mut PgConnection, record: &Record) -> anyhow::Result<()> {
    sqlx::query!(
        "INSERT INTO tower_sessions.session (id, data, expiry_date) VALUES ($1, $2, $3)",
        record.id.to_string(),
        rmp_serde::to_vec(record)?,
        record.expiry_date,
    )
    .execute(conn)
    .await?;
    Ok(())
}
