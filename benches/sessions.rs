//! Load generator for the session endpoints. Prints figures, asserts nothing.
//!
//! `scripts/bench-sessions` starts PostgreSQL and the service and runs this
//! with the right arguments; by hand, against a running service:
//!
//! ```text
//! cargo bench --bench sessions -- --url http://127.0.0.1:8080 \
//!     [--concurrency 8] [--duration 10] [--stats-url postgres://.../postgres]
//! ```
//!
//! Every client task has its own `reqwest::Client`, hence its own cookie jar
//! and its own session series, and always sends its newest cookies.

use std::{
    fmt::Write as _,
    path::PathBuf,
    time::{Duration, Instant},
};

use clap::Parser;
use reqwest::{Client, Response};
use serde_json::Value;
use sqlx::{Connection, PgConnection};

#[derive(Debug, Parser)]
#[command(about = "Requests/s and database transactions per request of the session endpoints")]
struct Args {
    /// Base URL of a running service; without it nothing runs.
    #[arg(long)]
    url: Option<String>,
    /// Concurrent clients, each with its own cookie jar and session series.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Measured seconds per scenario, after the warm-up.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Unmeasured seconds per scenario before the measurement.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
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
    /// Also write the figures as `key value` lines to this file.
    #[arg(long)]
    summary: Option<PathBuf>,
    /// Added by `cargo bench`.
    #[arg(long = "bench", hide = true)]
    _bench: bool,
    /// A bench name filter `cargo bench` may pass along.
    #[arg(hide = true)]
    _filter: Vec<String>,
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

    fn key(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Refresh => "refresh",
        }
    }
}

fn sets_session_cookies(resp: &Response) -> bool {
    let names: Vec<String> = resp.cookies().map(|c| c.name().to_owned()).collect();
    names.iter().any(|n| n.ends_with("sid")) && names.iter().any(|n| n.ends_with("rt"))
}

async fn read_body(resp: Response) -> Result<(), String> {
    let status = resp.status();
    let body = resp.text().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!(
            "{status}: {}",
            body.chars().take(200).collect::<String>()
        ))
    }
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
        let client = Client::builder()
            .cookie_store(true)
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
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
        read_body(resp).await?;
        match (scenario, rotated) {
            (Scenario::Read, true) => Err("a valid-session read was issued new cookies".into()),
            (Scenario::Refresh, false) => Err("a refresh set no new cookies".into()),
            _ => Ok(()),
        }
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn error(&mut self, e: String) {
        self.errors += 1;
        self.first_error.get_or_insert(e);
    }
}

/// Hits `scenario` until `end`, timing the requests that finish after
/// `measure_from`. A failed request costs the client its series: it starts a new one.
async fn client_loop(
    base: String,
    scenario: Scenario,
    measure_from: Instant,
    end: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut session: Option<Session> = None;
    while Instant::now() < end {
        let s = match session.take() {
            Some(s) => s,
            None => match Session::start(&base).await {
                Ok(s) => s,
                Err(e) => {
                    tally.error(e);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let started = Instant::now();
        let result = s.hit(scenario).await;
        let done = Instant::now();
        match result {
            Ok(()) => {
                if done >= measure_from && done < end {
                    tally.latencies.push(done - started);
                }
                session = Some(s);
            }
            Err(e) => tally.error(e),
        }
    }
    tally
}

struct Figures {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

async fn throughput(args: &Args, base: &str, scenario: Scenario) -> Figures {
    let measure_from = Instant::now() + Duration::from_secs(args.warmup);
    let end = measure_from + Duration::from_secs(args.duration);
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| tokio::spawn(client_loop(base.to_owned(), scenario, measure_from, end)))
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await.expect("a client task panicked");
        all.latencies.extend(t.latencies);
        all.errors += t.errors;
        if let Some(e) = t.first_error {
            all.first_error.get_or_insert(e);
        }
    }
    all.latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        let n = all.latencies.len();
        if n == 0 {
            return f64::NAN;
        }
        let i = ((n as f64 * p).ceil() as usize).clamp(1, n) - 1;
        all.latencies[i].as_secs_f64() * 1e3
    };
    let figures = Figures {
        rps: all.latencies.len() as f64 / args.duration as f64,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        errors: all.errors,
    };
    println!(
        "{:<34} {:>9.1} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  {} ok, {} errors (incl. warm-up)",
        scenario.label(),
        figures.rps,
        figures.p50_ms,
        figures.p99_ms,
        all.latencies.len(),
        figures.errors,
    );
    if let Some(e) = all.first_error {
        println!("    first error: {e}");
    }
    figures
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
    let mut tally = Tally::default();
    for _ in 0..args.requests {
        if let Err(e) = session.hit(scenario).await {
            tally.error(e);
        }
    }
    let after = settled_xacts(conn, &args.stats_db).await?;
    let per_request = (after - before) as f64 / args.requests as f64;
    println!(
        "{:<34} {:>9.3} transactions/request  ({} transactions, {} requests, {} errors)",
        scenario.label(),
        per_request,
        after - before,
        args.requests,
        tally.errors,
    );
    if let Some(e) = tally.first_error {
        println!("    first error: {e}");
    }
    Ok(per_request)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo test --all-targets` runs this without `--bench` (and perhaps with
    // test filters): only check that it builds.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let args = Args::parse();
    let Some(base) = args
        .url
        .as_deref()
        .map(|u| u.trim_end_matches('/').to_owned())
    else {
        println!(
            "sessions bench: pass --url http://HOST:PORT of a running service (see scripts/bench-sessions)"
        );
        return Ok(());
    };
    if args.concurrency == 0 || args.duration == 0 || args.requests == 0 {
        return Err("--concurrency, --duration and --requests must be positive".into());
    }
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "{base}: {} clients, {} s warm-up + {} s per scenario; {cpus} CPUs shared by this \
         load generator, the service and PostgreSQL if local",
        args.concurrency, args.warmup, args.duration
    );

    let mut summary = String::new();
    // First, while the database is quiet: background work there (autovacuum
    // after the load, the purger) would count too.
    if let Some(url) = &args.stats_url {
        println!(
            "transactions per request in {} over {} sequential requests of one client \
             (waits for the statistics to settle)",
            args.stats_db, args.requests
        );
        let mut conn = PgConnection::connect(url).await?;
        for scenario in [Scenario::Read, Scenario::Refresh] {
            let per_request = xacts_per_request(&args, &mut conn, &base, scenario).await?;
            writeln!(
                summary,
                "{}_xacts_per_request {per_request:.3}",
                scenario.key()
            )?;
        }
        conn.close().await?;
    }

    for scenario in [Scenario::Read, Scenario::Refresh] {
        let f = throughput(&args, &base, scenario).await;
        let key = scenario.key();
        writeln!(summary, "{key}_rps {:.1}", f.rps)?;
        writeln!(summary, "{key}_p50_ms {:.2}", f.p50_ms)?;
        writeln!(summary, "{key}_p99_ms {:.2}", f.p99_ms)?;
        writeln!(summary, "{key}_errors {}", f.errors)?;
    }

    if let Some(path) = &args.summary {
        std::fs::write(path, summary)?;
    }
    Ok(())
}
