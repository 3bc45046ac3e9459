//! Database transactions per request, from `pg_stat_database` deltas: with
//! one client sending sequential requests to an otherwise quiet database,
//! every statement outside an explicit transaction is one transaction, so
//! the figure counts the statements (or transactions) a request costs.
//! The service's own background transactions (the session cache's heartbeat
//! NOTIFY, twice a second per instance) are measured over an idle stretch
//! first and subtracted at their rate.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use sqlx::{Connection as _, PgConnection};

/// Where to read the counters.
#[derive(Debug, clap::Args)]
pub struct Stats {
    /// A URL of the service's PostgreSQL server, preferably of a database
    /// other than the service's; enables the transactions-per-request
    /// measurement.
    #[arg(long)]
    pub stats_url: Option<String>,
    /// The service's database, as named in pg_stat_database.
    #[arg(long, default_value = "minutes_bench")]
    pub stats_db: String,
    /// Sequential requests per transactions-per-request measurement.
    #[arg(long, default_value_t = 1000)]
    pub requests: u64,
    /// Background transactions per second, once measured.
    #[arg(skip)]
    background: Mutex<Option<f64>>,
}

/// An idle backend flushes its pending statistics within PGSTAT_IDLE_INTERVAL
/// (10 s) and a busy one at most once a second, so the counters are read 11 s
/// after the last request, then until two reads a second apart agree.
const STATS_SETTLE: Duration = Duration::from_secs(11);

async fn xacts(conn: &mut PgConnection, db: &str) -> Result<i64, String> {
    sqlx::query("SELECT pg_stat_clear_snapshot()")
        .execute(&mut *conn)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query_scalar(
        "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1",
    )
    .bind(db)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| e.to_string())?
    .ok_or_else(|| format!("no database {db} in pg_stat_database"))
}

/// The count once the statistics have caught up, and when it was read.
/// With background transactions it never quite settles: it is read once
/// they could have been flushed.
async fn settled_xacts(conn: &mut PgConnection, db: &str) -> Result<(i64, Instant), String> {
    tokio::time::sleep(STATS_SETTLE).await;
    Ok((xacts(conn, db).await?, Instant::now()))
}

impl Stats {
    /// Transactions per request over `self.requests` sequential calls of
    /// `hit`, printed under `label`; `None` without `--stats-url`.
    pub async fn per_request<F, Fut>(&self, label: &str, mut hit: F) -> Result<Option<f64>, String>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let Some(url) = &self.stats_url else {
            return Ok(None);
        };
        if self.requests == 0 {
            return Err("--requests must be positive".into());
        }
        let mut conn = PgConnection::connect(url)
            .await
            .map_err(|e| e.to_string())?;
        let known = *self.background.lock().unwrap_or_else(|e| e.into_inner());
        let rate = match known {
            Some(rate) => rate,
            None => {
                let (a, at) = settled_xacts(&mut conn, &self.stats_db).await?;
                let (b, bt) = settled_xacts(&mut conn, &self.stats_db).await?;
                let rate = (b - a) as f64 / (bt - at).as_secs_f64();
                println!(
                    "background transactions in {}: {rate:.2}/s (subtracted)",
                    self.stats_db
                );
                *self.background.lock().unwrap_or_else(|e| e.into_inner()) = Some(rate);
                rate
            }
        };
        let (before, at) = settled_xacts(&mut conn, &self.stats_db).await?;
        let mut errors = 0u64;
        let mut first_error = None;
        for _ in 0..self.requests {
            if let Err(e) = hit().await {
                errors += 1;
                first_error.get_or_insert(e);
            }
        }
        let (after, bt) = settled_xacts(&mut conn, &self.stats_db).await?;
        let _ = conn.close().await;
        let background = rate * (bt - at).as_secs_f64();
        let per_request = ((after - before) as f64 - background) / self.requests as f64;
        println!(
            "{label:<44} {per_request:.3} transactions/request  ({} transactions less {background:.0} background, {} requests, {errors} errors)",
            after - before,
            self.requests,
        );
        if let Some(e) = first_error {
            println!("    first error: {e}");
        }
        Ok(Some(per_request))
    }
}
