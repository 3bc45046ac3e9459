//! What every bench target shares: the `cargo bench` gate, the CPU note,
//! latency percentiles, and the summary rows `scripts/bench` prints as its
//! final table. Each target also declares the other shared modules it uses
//! (`load`, `pgbench`, `api`), so no target compiles code it does not run.

use std::{
    fmt::Write as _,
    io::Write as _,
    path::{Path, PathBuf},
    time::Duration,
};

/// Arguments every bench target takes.
#[derive(Debug, clap::Args)]
pub struct Output {
    /// Append the figures as tab-separated rows (bench, measurement, result,
    /// goal, verdict) to this file; `scripts/bench` prints them as one table.
    #[arg(long)]
    pub summary: Option<PathBuf>,
    /// Added by `cargo bench`.
    #[arg(long = "bench", hide = true)]
    _bench: bool,
    /// A bench name filter `cargo bench` may pass along.
    #[arg(hide = true)]
    _filter: Vec<String>,
}

/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs the bench
/// binaries without it (perhaps with test filters): then they only check
/// that they build.
pub fn bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Says what the figures share: they are not from a dedicated machine.
pub fn cpu_note() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpus} CPUs shared by this load generator, the service and PostgreSQL")
}

/// Latencies of one measurement, in any order until `sorted`.
#[derive(Debug, Default)]
pub struct Latencies(Vec<Duration>);

impl Latencies {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn sorted(mut self) -> Sorted {
        self.0.sort_unstable();
        Sorted(self.0)
    }
}

impl Extend<Duration> for Latencies {
    fn extend<I: IntoIterator<Item = Duration>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl IntoIterator for Latencies {
    type Item = Duration;
    type IntoIter = std::vec::IntoIter<Duration>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

pub struct Sorted(Vec<Duration>);

impl Sorted {
    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// The nearest-rank percentile `p` (0–1) in milliseconds; NaN when empty.
    pub fn ms(&self, p: f64) -> f64 {
        let n = self.0.len();
        if n == 0 {
            return f64::NAN;
        }
        let i = ((n as f64 * p).ceil() as usize).clamp(1, n) - 1;
        self.0[i].as_secs_f64() * 1e3
    }

    /// "p50 1.23 ms, p99 4.56 ms".
    pub fn p50_p99(&self) -> String {
        format!("p50 {:.2} ms, p99 {:.2} ms", self.ms(0.50), self.ms(0.99))
    }
}

/// Whether `value` meets `goal`, written `">= 0.7"` or `"<= 5"`: reported,
/// never asserted. A value that is not finite (a ratio of nothing) has no
/// verdict.
fn verdict(value: f64, goal: &str) -> &'static str {
    let met = match goal.split_once(' ').map(|(op, b)| (op, b.parse::<f64>())) {
        Some((">=", Ok(bound))) => value >= bound,
        Some(("<=", Ok(bound))) => value <= bound,
        _ => return "bad goal",
    };
    match (value.is_finite(), met) {
        (false, _) => "n/a",
        (true, true) => "met",
        (true, false) => "MISSED",
    }
}

/// The rows one bench contributes to the final table.
pub struct Report {
    bench: &'static str,
    rows: String,
}

impl Report {
    pub fn new(bench: &'static str) -> Self {
        Self {
            bench,
            rows: String::new(),
        }
    }

    fn row(&mut self, measurement: &str, result: &str, goal: &str, verdict: &str) {
        let clean = |s: &str| s.replace(['\t', '\n'], " ");
        writeln!(
            self.rows,
            "{}\t{}\t{}\t{}\t{}",
            self.bench,
            clean(measurement),
            clean(result),
            goal,
            verdict
        )
        .expect("writing to a String");
    }

    /// A figure without a goal.
    pub fn figure(&mut self, measurement: &str, result: &str) {
        self.row(measurement, result, "", "");
    }

    /// A figure with a goal (see `verdict`): `value` followed by `unit`
    /// and `detail`, if any.
    pub fn judged(&mut self, measurement: &str, value: f64, unit: &str, detail: &str, goal: &str) {
        let mut result = format!("{value:.2}{unit}");
        if !detail.is_empty() {
            write!(result, " ({detail})").expect("writing to a String");
        }
        self.row(measurement, &result, goal, verdict(value, goal));
    }

    /// A scenario's result: its error is printed and becomes a row of the
    /// table (the run goes on with the next scenario); its value is passed on.
    #[allow(dead_code)] // benches of one scenario leave their errors to scripts/bench
    pub fn outcome<T, E: std::fmt::Display>(
        &mut self,
        scenario: &str,
        r: Result<T, E>,
    ) -> Option<T> {
        match r {
            Ok(value) => Some(value),
            Err(e) => {
                println!("{scenario}: error: {e}");
                self.row(scenario, &format!("error: {e}"), "", "ERROR");
                None
            }
        }
    }

    /// Appends the rows to `path`, if given.
    pub fn write(&self, path: Option<&Path>) -> std::io::Result<()> {
        let Some(path) = path else {
            return Ok(());
        };
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?
            .write_all(self.rows.as_bytes())
    }
}
