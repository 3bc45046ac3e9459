//! The closed-loop HTTP load generator of the service benches: each client
//! sends its next request as soon as the previous one is answered, for a
//! warm-up and then a measured window. Requests finishing inside the window
//! are timed; errors are counted over both.

use std::time::{Duration, Instant};

use reqwest::{Client, Response};

use crate::common::{Latencies, Sorted};

/// Where the service is and how hard to load it.
#[derive(Debug, clap::Args)]
pub struct Service {
    /// Base URL of a running service; without it nothing runs.
    #[arg(long)]
    url: Option<String>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Measured seconds per scenario, after the warm-up.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Unmeasured seconds per scenario before the measurement.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
}

impl Service {
    /// The base URL without a trailing slash; `None` (after saying so)
    /// without `--url`.
    pub fn base(&self, bench: &str) -> Result<Option<String>, String> {
        if self.concurrency == 0 || self.duration == 0 {
            return Err("--concurrency and --duration must be positive".into());
        }
        let base = self
            .url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_owned());
        if base.is_none() {
            println!(
                "{bench} bench: pass --url http://HOST:PORT of a running service (see scripts/bench)"
            );
        }
        Ok(base)
    }

    pub fn window(&self) -> Window {
        Window {
            warmup: Duration::from_secs(self.warmup),
            duration: Duration::from_secs(self.duration),
        }
    }
}

/// A warm-up followed by the measured time.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub warmup: Duration,
    pub duration: Duration,
}

impl Window {
    /// "8 clients, 2 s warm-up + 10 s".
    pub fn describe(&self, clients: usize) -> String {
        format!(
            "{clients} clients, {} s warm-up + {} s",
            self.warmup.as_secs(),
            self.duration.as_secs()
        )
    }
}

/// A client of its own, with or without a cookie jar (and so a session).
pub fn client(cookies: bool) -> Result<Client, String> {
    Client::builder()
        .cookie_store(cookies)
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())
}

/// The body of a successful answer; otherwise the status and the body's start.
pub async fn body(resp: Response) -> Result<String, String> {
    let status = resp.status();
    let body = resp.text().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!(
            "{status}: {}",
            body.chars().take(200).collect::<String>()
        ))
    }
}

/// One load client.
pub trait Hit: Send + 'static {
    /// Untimed: runs before the first request and again after a failed one
    /// (e.g. to start a new session). A failure counts as an error and is
    /// retried after a pause.
    fn prepare(&mut self) -> impl Future<Output = Result<(), String>> + Send {
        async { Ok(()) }
    }

    /// One timed request; `Err` says why it failed.
    fn hit(&mut self) -> impl Future<Output = Result<(), String>> + Send;
}

#[derive(Default)]
struct Tally {
    latencies: Latencies,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn error(&mut self, e: String) {
        self.errors += 1;
        self.first_error.get_or_insert(e);
    }
}

async fn client_loop<H: Hit>(
    mut h: H,
    pace: Option<Duration>,
    measure_from: Instant,
    end: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut prepared = false;
    let mut ticks = pace.map(|p| {
        let mut ticks = tokio::time::interval(p);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks
    });
    while Instant::now() < end {
        if let Some(ticks) = &mut ticks {
            ticks.tick().await;
        }
        if !prepared {
            if let Err(e) = h.prepare().await {
                tally.error(e);
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
            prepared = true;
        }
        let started = Instant::now();
        let result = h.hit().await;
        let done = Instant::now();
        match result {
            Ok(()) if done >= measure_from && done < end => tally.latencies.push(done - started),
            Ok(()) => {}
            Err(e) => {
                tally.error(e);
                prepared = false;
            }
        }
    }
    tally
}

/// What one measurement found.
pub struct Figures {
    pub rps: f64,
    pub latencies: Sorted,
    pub errors: u64,
    first_error: Option<String>,
}

impl Figures {
    /// "1234.5 req/s, p50 1.23 ms, p99 4.56 ms, 0 errors".
    pub fn result(&self, unit: &str) -> String {
        format!(
            "{:.1} {unit}, {}, {} errors",
            self.rps,
            self.latencies.p50_p99(),
            self.errors
        )
    }

    pub fn print(&self, label: &str, unit: &str) {
        println!(
            "{label:<44} {}  ({} timed, errors incl. warm-up)",
            self.result(unit),
            self.latencies.count()
        );
        if let Some(e) = &self.first_error {
            println!("    first error: {e}");
        }
    }
}

/// Runs `clients` concurrently for `window`, each sending its next request
/// as soon as the previous one is answered or, with `pace`, at most one
/// request per `pace` (a probe rather than a load).
pub async fn measure<H: Hit>(clients: Vec<H>, window: Window, pace: Option<Duration>) -> Figures {
    let measure_from = Instant::now() + window.warmup;
    let end = measure_from + window.duration;
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|h| tokio::spawn(client_loop(h, pace, measure_from, end)))
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await.expect("a load client panicked");
        all.latencies.extend(t.latencies);
        all.errors += t.errors;
        if let Some(e) = t.first_error {
            all.first_error.get_or_insert(e);
        }
    }
    let latencies = all.latencies.sorted();
    Figures {
        rps: latencies.count() as f64 / window.duration.as_secs_f64(),
        latencies,
        errors: all.errors,
        first_error: all.first_error,
    }
}
