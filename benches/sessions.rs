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
//! H = `GET /healthz` req/s (the HTTP stack without the database) for S / H;
//! S = `GET /api/session` req/s next to P = `pgbench -S -M prepared` TPS;
//! R = `POST /api/session/refresh` req/s next to W = `pgbench -N -M
//! prepared` TPS, all at the same concurrency. With `--second-url` (a
//! second instance on the same database): how long after the revoking
//! answer on the first the second refuses the session, polled without pause.
//!
//! Every client task has its own `reqwest::Client`, hence its own cookie jar
//! and its own session series, and always sends its newest cookies.

mod common;
mod load;
mod pgbench;
mod stats;

use std::time::{Duration, Instant};

use clap::Parser;
use common::{Latencies, Report};
use load::{Hit, Service};
use reqwest::{Client, Response};
use serde_json::Value;

#[derive(Debug, Parser)]
#[command(about = "Requests/s and database transactions per request of the session endpoints")]
struct Args {
    #[command(flatten)]
    service: Service,
    #[command(flatten)]
    baseline: pgbench::Baseline,
    #[command(flatten)]
    stats: stats::Stats,
    /// A second instance of the service on the same database: enables the
    /// revocation delay.
    #[arg(long)]
    second_url: Option<String>,
    /// Revocations timed.
    #[arg(long, default_value_t = 200)]
    revocations: usize,
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

    /// The yardstick, its letter and the ratio to it this scenario should reach.
    fn baseline(self) -> (pgbench::Mode, &'static str, &'static str) {
        match self {
            Self::Read => (pgbench::Mode::Select, "S / P", ">= 1.0"),
            Self::Refresh => (pgbench::Mode::Write, "R / W", ">= 0.5"),
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

/// `GET /healthz`: the HTTP stack, no session and no database.
struct Health {
    client: Client,
    url: String,
}

impl Hit for Health {
    async fn hit(&mut self) -> Result<(), String> {
        let resp = self
            .client
            .get(&self.url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        load::body(resp).await.map(drop)
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

/// The session ID cookie (`...sid`) a response set, as `name=value`.
fn sid_cookie(resp: &Response) -> Option<String> {
    resp.cookies()
        .find(|c| c.name().ends_with("sid"))
        .map(|c| format!("{}={}", c.name(), c.value()))
}

/// `GET /api/session` with nothing but `cookie`: whether the session ID was
/// accepted (no cookie set in the answer).
async fn accepted(client: &Client, base: &str, cookie: &str) -> Result<bool, String> {
    let resp = client
        .get(format!("{base}/api/session"))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let fresh = resp.headers().contains_key(reqwest::header::SET_COOKIE);
    load::body(resp).await?;
    Ok(!fresh)
}

/// One revocation: a series started on `a` and cached on `b`, revoked on
/// `a`; the time from `a`'s answer to `b`'s first refusal, polled without
/// pause, and the polls it took.
async fn revocation(a: &str, b: &str) -> Result<(Duration, u64), String> {
    let browser = load::client(false)?;
    let resp = browser
        .get(format!("{a}/api/session"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let sid = sid_cookie(&resp).ok_or("no sid cookie")?;
    let body: Value = serde_json::from_str(&load::body(resp).await?).map_err(|e| e.to_string())?;
    let csrf = body["csrf_token"]
        .as_str()
        .ok_or("no csrf_token")?
        .to_owned();
    let resp = browser
        .get(format!("{a}/api/sessions"))
        .header(reqwest::header::COOKIE, &sid)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let list: Value = serde_json::from_str(&load::body(resp).await?).map_err(|e| e.to_string())?;
    let series = list["sessions"][0]["id"]
        .as_str()
        .ok_or("no series id")?
        .to_owned();
    // Cached on b: the revocation must reach b's cache, not just its database.
    let probe = load::client(false)?;
    for _ in 0..2 {
        if !accepted(&probe, b, &sid).await? {
            return Err("the other instance refused a valid session".into());
        }
    }
    let resp = browser
        .delete(format!("{a}/api/sessions/{series}"))
        .header(reqwest::header::COOKIE, &sid)
        .header("x-csrf-token", csrf)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    load::body(resp).await?;
    let answered = Instant::now();
    let mut polls = 0;
    loop {
        polls += 1;
        if !accepted(&probe, b, &sid).await? {
            return Ok((answered.elapsed(), polls));
        }
        if answered.elapsed() > Duration::from_secs(10) {
            return Err("the other instance still accepts a session revoked 10 s ago".into());
        }
    }
}

/// The revocation delay between two instances, `n` times.
async fn revocations(a: &str, b: &str, n: usize, report: &mut Report) -> Result<(), String> {
    let mut delays = Latencies::default();
    let mut polls = 0;
    for _ in 0..n {
        let (d, p) = revocation(a, b).await?;
        delays.push(d);
        polls += p;
    }
    let delays = delays.sorted();
    let label = "revocation on A seen by B (A's 204 to B's first refusal)";
    println!(
        "{label:<44} {}, max {:.2} ms  ({n} revocations, {:.1} polls each)",
        delays.p50_p99(),
        delays.ms(1.0),
        polls as f64 / n as f64
    );
    report.judged(
        &format!("{label}, p99 of {n}"),
        delays.ms(0.99),
        " ms",
        &format!("p50 {:.2} ms, max {:.2} ms", delays.ms(0.5), delays.ms(1.0)),
        "<= 5",
    );
    Ok(())
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
    for (slot, scenario) in xacts.iter_mut().zip([Scenario::Read, Scenario::Refresh]) {
        let r = async {
            let session = Session::start(&base).await?;
            args.stats
                .per_request(scenario.label(), || session.hit(scenario))
                .await
        }
        .await;
        *slot = report
            .outcome(&format!("{}: statements per request", scenario.label()), r)
            .flatten();
    }

    let load = (0..clients)
        .map(|_| {
            Ok(Health {
                client: load::client(false)?,
                url: format!("{base}/healthz"),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let health = load::measure(load, window, None).await;
    let label = "H: GET /healthz";
    health.print(label, "req/s");
    report.figure(
        &format!("{label} ({clients} clients)"),
        &health.result("req/s"),
    );

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
        if let (Scenario::Read, Some(x)) = (scenario, xacts) {
            report.judged(
                &format!("{}: statements per request", scenario.label()),
                x.round(),
                "",
                &format!("{x:.3} transactions/request measured"),
                "<= 0",
            );
        }
        if let Scenario::Read = scenario {
            report.judged("S / H", f.rps / health.rps, "", "", ">= 0.9");
        }
        let (mode, ratio, goal) = scenario.baseline();
        let tps = args.baseline.tps_of(mode, clients, window).await;
        if let Some(Some(tps)) = report.outcome(&mode.label(), tps) {
            report.figure(
                &format!("{} ({clients} clients)", mode.label()),
                &format!("{tps:.1} TPS"),
            );
            report.judged(ratio, f.rps / tps, "", "", goal);
        }
    }
    match &args.second_url {
        Some(b) => {
            let r = revocations(
                &base,
                b.trim_end_matches('/'),
                args.revocations,
                &mut report,
            )
            .await;
            report.outcome("revocation seen by the other instance", r);
        }
        None => println!("no --second-url: the revocation delay is skipped"),
    }
    report.write(args.output.summary.as_deref())?;
    Ok(())
}
