//! The connection pool and the embedded migrations (`migrations/`, plain SQL
//! that `sqlx migrate run` applies too).

use std::{collections::HashSet, str::FromStr, time::Duration};

use sqlx::{
    Connection as _, PgPool,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::config::Settings;

pub static MIGRATOR: Migrator = sqlx::migrate!();

const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// A pool that connects on first use, so the app can start (and answer
/// `/readyz` with 503) while the database is away.
pub fn pool(settings: &Settings) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(settings.database_url()?)
        .map_err(|e| anyhow::anyhow!("invalid configuration: database.url: {e}"))?;
    Ok(pool_with(options, settings.database.max_connections))
}

pub fn pool_with(options: PgConnectOptions, max_connections: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings every connection on acquire by default: a second round
        // trip for each query. Only connections idle long enough to have been
        // dropped by a firewall or a server restart are worth checking.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_IF_IDLE_FOR {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_lazy_with(options)
}

/// Applies pending migrations; applying them again is a no-op.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .map_err(|e| anyhow::anyhow!("applying migrations failed: {e}"))
}

/// Whether the database answers and every embedded migration has been applied.
pub async fn ready(pool: &PgPool) -> Result<(), &'static str> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await
            .map_err(|e| match e {
                // undefined_table: connected, but never migrated.
                sqlx::Error::Database(db) if db.code().as_deref() == Some("42P01") => {
                    "migrations_pending"
                }
                _ => "database_unreachable",
            })?;
    let applied: HashSet<i64> = applied.into_iter().collect();
    if MIGRATOR.iter().all(|m| applied.contains(&m.version)) {
        Ok(())
    } else {
        Err("migrations_pending")
    }
}
