//! The yardsticks for request rates, on the service's PostgreSQL server at
//! the same concurrency, measured right after the requests they are
//! compared with: `pgbench -S -M prepared` (one primary-key SELECT per
//! transaction) for reads, `pgbench -N -M prepared` (a simple write
//! transaction: three updates and an insert without the contended
//! branch and teller rows) for writes.

use std::path::Path;

use tokio::process::Command;

use crate::load::Window;

#[derive(Debug, clap::Args)]
pub struct Baseline {
    /// A database on the service's PostgreSQL server initialised with
    /// `pgbench -i`; enables the comparison with pgbench.
    #[arg(long)]
    pgbench_url: Option<String>,
}

/// Which pgbench script.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    /// `-S`: select only.
    Select,
    /// `-N`: simple update.
    #[allow(dead_code)] // only the sessions bench compares writes
    Write,
}

impl Mode {
    fn flag(self) -> &'static str {
        match self {
            Self::Select => "-S",
            Self::Write => "-N",
        }
    }

    /// "pgbench -S -M prepared".
    pub fn label(self) -> String {
        format!("pgbench {} -M prepared", self.flag())
    }
}

impl Baseline {
    /// TPS of `mode` at `clients` connections over `window` (its warm-up
    /// run first), or `None` without `--pgbench-url`.
    pub async fn tps_of(
        &self,
        mode: Mode,
        clients: usize,
        window: Window,
    ) -> Result<Option<f64>, String> {
        let Some(url) = &self.pgbench_url else {
            return Ok(None);
        };
        let tps = run(url, &[mode.flag(), "-M", "prepared"], clients, window).await?;
        println!(
            "{:<44} {tps:.1} TPS  (-c {clients} -j {})",
            mode.label(),
            threads(clients)
        );
        Ok(Some(tps))
    }
}

/// TPS of the custom script `script` (`-f`, simple protocol: the script
/// prepares its statement itself, once per client, and `EXECUTE`s it) with
/// the variables `defines` (`-D`) on the database `url`, at `clients`
/// connections over `window` (its warm-up run first).
#[allow(dead_code)] // only the tasks bench runs its own statements
pub async fn tps_of_script(
    url: &str,
    script: &Path,
    defines: &[(&str, String)],
    clients: usize,
    window: Window,
) -> Result<f64, String> {
    let mut args = vec!["-f".to_owned(), script.display().to_string()];
    for (name, value) in defines {
        args.extend(["-D".to_owned(), format!("{name}={value}")]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(url, &args, clients, window).await
}

fn threads(clients: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    clients.min(cpus).max(1)
}

/// pgbench with `args` on `url`: a warm-up run, then the measured one.
async fn run(url: &str, args: &[&str], clients: usize, window: Window) -> Result<f64, String> {
    let pgbench = |secs: u64| {
        let mut cmd = Command::new("pgbench");
        cmd.args(args)
            .arg("-n")
            .args([
                "-c",
                &clients.to_string(),
                "-j",
                &threads(clients).to_string(),
            ])
            .args(["-T", &secs.max(1).to_string(), url]);
        cmd
    };
    pgbench(window.warmup.as_secs())
        .output()
        .await
        .map_err(|e| format!("pgbench: {e}"))?;
    let out = pgbench(window.duration.as_secs())
        .output()
        .await
        .map_err(|e| format!("pgbench: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .filter(|l| {
            l.contains("without initial connection time")
                || l.contains("excluding connections establishing")
        })
        .find_map(|l| l.strip_prefix("tps = ")?.split(' ').next()?.parse().ok())
        .filter(|tps: &f64| *tps > 0.0)
        .ok_or_else(|| {
            format!(
                "no tps in pgbench's output ({}): {stdout}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        })
}
