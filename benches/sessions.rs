//! Load generator for the session endpoints. Prints figures, asserts nothing.
//!
//! `scripts/bench sessions` starts PostgreSQL and the service and runs this
//! with the right arguments; by hand, against a running service:
//!
//! ```text
//! cargo bench --bench sessions -- --url http://127.0.0.1:8080 \
//!     [--concurrency 8] [--duration 10] [--stats-url postgres://.../postgres] \
//!     [--pgbench-url postgres://.../pgbench_db]
//! ```
//!
//! Every client task has its own `reqwest::Client`, hence its own cookie jar
//! and its own session series, and always sends its newest cookies.

mod common;
mod load;
mod pgbench;

use std::time::Duration;

use clap::Parser;
use common::Report;
use load::{Hit, Service};
use reqwest::{Client, Response};
use serde_json::Value;
use sqlx::{Connection, PgConnection};

#[derive(Debug, Parser)]
#[command(about = "Requests/s and database transactions per request of the session endpoints")]
struct Args {
    #[command(flatten)]
    service: Service,
    #[command(flatten)]
    baseline: pgbench::Baseline,
    /// A URL of the service's PostgreSQL server, preferably of a database other
    /// than the service's; enables the transactions-per-request measurement.
    #[arg(long)]
    stats_url: Option<String>,
    /// The service's database, as named in pg_stat_database.
    #[arg(long, default_value = "minutes_bench")]
    stats_db: String,
    /// Sequential requests per transactions-per-request measurement.
    #[arg(long, default_value_t = 1000)]
    requests: u64,
    #[command(flatten)]
    output: common::Output,
}

#[derive(Debug, Clone, Copy)]
enum Scenario {
    /// `GET /api/session` with a valid session ID.
    Read,
    /// `POST /api/session/refresh`, rotating the client's own series.
    Refresh,
}

impl Scenario {
    fn label(self) -> &'static str {
        match self {
            Self::Read => "GET /api/session (valid session)",
            Self::Refresh => "POST /api/session/refresh",
        }
    }

    /// The ratio to pgbench's TPS this scenario should reach.
    fn goal(self) -> &'static str {
        match self {
            Self::Read => ">= 0.7",
            Self::Refresh => ">= 0.3",
        }
    }
}

fn sets_session_cookies(resp: &Response) -> bool {
    let names: Vec<String> = resp.cookies().map(|c| c.name().to_owned()).collect();
    names.iter().any(|n| n.ends_with("sid")) && names.iter().any(|n| n.ends_with("rt"))
}

/// One client: its cookie jar holds its series' newest cookies.
struct Session {
    client: Client,
    base: String,
    csrf: String,
}

impl Session {
    /// `GET /api/session` without cookies: a new series.
    async fn start(base: &str) -> Result<Self, String> {
        let client = load::client(true)?;
        let resp = client
            .get(format!("{base}/api/session"))
            .send()
            .await
            .map_err(|e| format!("start: {e}"))?;
        if !sets_session_cookies(&resp) {
            let status = resp.status();
            return Err(format!("start: {status} without sid/rt cookies"));
        }
        let status = resp.status();
        let body: Value = resp.json().await.map_err(|e| format!("start: {e}"))?;
        let csrf = body["csrf_token"]
            .as_str()
            .ok_or_else(|| format!("start: {status}, no csrf_token in {body}"))?
            .to_owned();
        Ok(Self {
            client,
            base: base.to_owned(),
            csrf,
        })
    }

    /// One request of `scenario`; `Err` says why it failed.
    async fn hit(&self, scenario: Scenario) -> Result<(), String> {
        let req = match scenario {
            Scenario::Read => self.client.get(format!("{}/api/session", self.base)),
            Scenario::Refresh => self
                .client
                .post(format!("{}/api/session/refresh", self.base))
                .header("x-csrf-token", &self.csrf),
        };
        let resp = req.send().await.map_err(|e| e.to_string())?;
        let rotated = sets_session_cookies(&resp);
        load::body(resp).await?;
        match (scenario, rotated) {
            (Scenario::Read, true) => Err("a valid-session read was issued new cookies".into()),
            (Scenario::Refresh, false) => Err("a refresh set no new cookies".into()),
            _ => Ok(()),
        }
    }
}

/// A load client: a failed request costs it its series; it starts a new one.
struct SessionClient {
    base: String,
    scenario: Scenario,
    session: Option<Session>,
}

impl Hit for SessionClient {
    async fn prepare(&mut self) -> Result<(), String> {
        self.session = Some(Session::start(&self.base).await?);
        Ok(())
    }

    async fn hit(&mut self) -> Result<(), String> {
        let session = self.session.as_ref().ok_or("no session")?;
        session.hit(self.scenario).await
    }
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

async fn settled_xacts(conn: &mut PgConnection, db: &str) -> Result<i64, String> {
    tokio::time::sleep(STATS_SETTLE).await;
    let mut last = xacts(conn, db).await?;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = xacts(conn, db).await?;
        if now == last {
            return Ok(now);
        }
        last = now;
    }
    println!("    warning: {db}'s transaction count did not settle; the figure is approximate");
    Ok(last)
}

/// Database transactions per request over `args.requests` sequential requests of one client.
async fn xacts_per_request(
    args: &Args,
    conn: &mut PgConnection,
    base: &str,
    scenario: Scenario,
) -> Result<f64, String> {
    let session = Session::start(base).await?;
    let before = settled_xacts(conn, &args.stats_db).await?;
    let mut errors = 0u64;
    let mut first_error = None;
    for _ in 0..args.requests {
        if let Err(e) = session.hit(scenario).await {
            errors += 1;
            first_error.get_or_insert(e);
        }
    }
    let after = settled_xacts(conn, &args.stats_db).await?;
    let per_request = (after - before) as f64 / args.requests as f64;
    println!(
        "{:<44} {per_request:.3} transactions/request  ({} transactions, {} requests, {errors} errors)",
        scenario.label(),
        after - before,
        args.requests,
    );
    if let Some(e) = first_error {
        println!("    first error: {e}");
    }
    Ok(per_request)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !common::bench_mode() {
        return Ok(());
    }
    let args = Args::parse();
    let Some(base) = args.service.base("sessions")? else {
        return Ok(());
    };
    if args.requests == 0 {
        return Err("--requests must be positive".into());
    }
    let window = args.service.window();
    let clients = args.service.concurrency;
    println!(
        "sessions: {base}, {} per scenario; {}",
        window.describe(clients),
        common::cpu_note()
    );

    let mut report = Report::new("sessions");
    let mut xacts = [None, None];
    // First, while the database is quiet: background work there (autovacuum
    // after the load, the purger) would count too.
    if let Some(url) = &args.stats_url {
        println!(
            "transactions per request in {} over {} sequential requests of one client \
             (waits for the statistics to settle)",
            args.stats_db, args.requests
        );
        let mut conn = PgConnection::connect(url).await?;
        for (slot, scenario) in xacts.iter_mut().zip([Scenario::Read, Scenario::Refresh]) {
            *slot = Some(xacts_per_request(&args, &mut conn, &base, scenario).await?);
        }
        conn.close().await?;
    }

    let mut rates = Vec::new();
    for (scenario, xacts) in [Scenario::Read, Scenario::Refresh].into_iter().zip(xacts) {
        let load = (0..clients)
            .map(|_| SessionClient {
                base: base.clone(),
                scenario,
                session: None,
            })
            .collect();
        let f = load::measure(load, window, None).await;
        f.print(scenario.label(), "req/s");
        let mut result = f.result("req/s");
        if let Some(x) = xacts {
            result.push_str(&format!(", {x:.3} xacts/req"));
        }
        report.figure(
            &format!("{} ({clients} clients)", scenario.label()),
            &result,
        );
        rates.push((scenario, f.rps));
    }
    if let Some(tps) = args.baseline.tps(clients, window).await? {
        report.figure(
            &format!("pgbench -S -M prepared ({clients} clients)"),
            &format!("{tps:.1} TPS"),
        );
        for (scenario, rps) in rates {
            report.judged(
                &format!("ratio {} / pgbench", scenario.label()),
                rps / tps,
                "",
                "",
                scenario.goal(),
            );
        }
    }
    report.write(args.output.summary.as_deref())?;
    Ok(())
}
