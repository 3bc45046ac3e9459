//! The task endpoints under load. Prints figures, asserts nothing.
//!
//! - `GET /api/tasks` for one session that owns `--tasks` uploads, from
//!   `--concurrency` clients sharing that session (T), next to
//!   `pgbench -S -M prepared` at the same concurrency (P, `--pgbench-url`)
//!   and to the same load on seed 001's FastAPI design (F, `--peer-url`:
//!   the same number of uploads through it first);
//! - the list's own statement (L: `src/tasks/list_series.sql`, the file the
//!   service's query is compiled from) and the same rows read by
//!   `tasks_series_id_idx` alone (L0), both in pgbench on the service's
//!   database (`--database-url`) at the same concurrency, for L / L0 and
//!   T / L0;
//! - the database transactions `GET /api/tasks` and `GET /api/tasks/{id}`
//!   cost per request (`--stats-url`);
//! - one upload of a `--big-bytes` WAV file streamed from disk, next to `dd`
//!   writing as much to the service's `--storage-dir` (same disk, fdatasync
//!   at the end like the upload store's `sync_all`), with the server's
//!   resident memory sampled every 50 ms (`--server-pid`).
//!
//! `scripts/bench tasks` starts PostgreSQL and the service and runs this;
//! by hand, against a running service:
//!
//! ```text
//! cargo bench --bench tasks -- --url http://127.0.0.1:8080 [--concurrency 8] \
//!     [--duration 10] [--pgbench-url postgres://.../pgbench_db] \
//!     [--storage-dir DIR --server-pid PID]
//! ```

mod api;
mod common;
mod load;
mod pgbench;
mod stats;

use std::{
    collections::BTreeMap,
    io::Write as _,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use api::Browser;
use clap::Parser;
use common::Report;
use load::Service;
use reqwest::{Body, Method, multipart::Part};
use sqlx::Connection as _;
use tokio_util::io::ReaderStream;

#[derive(Debug, Parser)]
#[command(about = "GET /api/tasks requests/s and a large upload's MB/s and memory")]
struct Args {
    #[command(flatten)]
    service: Service,
    #[command(flatten)]
    baseline: pgbench::Baseline,
    #[command(flatten)]
    stats: stats::Stats,
    /// Seed 001's FastAPI design, running: loaded like the service for T / F.
    #[arg(long)]
    peer_url: Option<String>,
    /// The service's database: enables L and L0 (pgbench there).
    #[arg(long)]
    database_url: Option<String>,
    /// Tasks the listing session owns.
    #[arg(long, default_value_t = 20)]
    tasks: usize,
    /// The large upload, generated (sparse) if missing or of another size.
    #[arg(long, default_value = "target/bench/big.wav")]
    big_file: PathBuf,
    /// Its size; a multiple of 1 MiB, for `dd`.
    #[arg(long, default_value_t = 1 << 30)]
    big_bytes: u64,
    /// The service's `storage.dir`: enables the large upload and `dd` there.
    #[arg(long)]
    storage_dir: Option<PathBuf>,
    /// The service's process id: enables the memory figures.
    #[arg(long)]
    server_pid: Option<u32>,
    #[command(flatten)]
    output: common::Output,
}

const MIB: u64 = 1 << 20;

/// A RIFF/WAVE header (16 kHz mono 16-bit PCM) for `len` bytes in all, the
/// rest being silence.
fn wav_header(len: u64) -> Result<Vec<u8>, String> {
    let riff = u32::try_from(len - 8).map_err(|_| "a WAV file is at most 4 GiB")?;
    let mut h = Vec::with_capacity(44);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&riff.to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes()); // PCM
    h.extend_from_slice(&1u16.to_le_bytes()); // mono
    h.extend_from_slice(&16_000u32.to_le_bytes());
    h.extend_from_slice(&32_000u32.to_le_bytes()); // bytes per second
    h.extend_from_slice(&2u16.to_le_bytes()); // block align
    h.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    h.extend_from_slice(b"data");
    h.extend_from_slice(&(riff - 36).to_le_bytes());
    Ok(h)
}

/// Creates the big file once: a header, then a hole of zeros.
fn ensure_big_file(path: &Path, len: u64) -> Result<(), String> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == len) {
        return Ok(());
    }
    let header = wav_header(len)?;
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::File::create(path)?;
        f.write_all(&header)?;
        f.set_len(len)
    };
    write().map_err(|e| format!("creating {}: {e}", path.display()))
}

/// `dd if=/dev/zero of=DIR/ddtest bs=1M count=N conv=fdatasync`, in MB/s
/// (10^6 bytes) from the bytes and seconds dd reports.
async fn dd_mb_per_s(dir: &Path, bytes: u64) -> Result<f64, String> {
    let target = dir.join("ddtest");
    let out = tokio::process::Command::new("dd")
        .env("LC_ALL", "C")
        .arg("if=/dev/zero")
        .arg(format!("of={}", target.display()))
        .args(["bs=1M", &format!("count={}", bytes / MIB), "conv=fdatasync"])
        .output()
        .await
        .map_err(|e| format!("dd: {e}"));
    let _ = std::fs::remove_file(&target);
    let out = out?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    // "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.6 s, 669 MB/s"
    let parsed = stderr
        .lines()
        .find(|l| l.contains(" copied, "))
        .and_then(|l| {
            let written: f64 = l.split(' ').next()?.parse().ok()?;
            let secs: f64 = l
                .split(" copied, ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse()
                .ok()?;
            Some(written / secs / 1e6)
        });
    parsed.ok_or_else(|| format!("dd ({}): no figures in {stderr}", out.status))
}

/// A `/proc/<pid>/status` field in KiB (`VmRSS`, `VmHWM`).
fn proc_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Samples `VmRSS` every 50 ms until stopped; returns the largest sample.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(proc_kib(pid, "VmRSS").unwrap_or(0));
                std::thread::sleep(Duration::from_millis(50));
            }
            peak.max(proc_kib(pid, "VmRSS").unwrap_or(0))
        });
        Self { stop, thread }
    }

    fn peak_kib(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// `GET /api/tasks` throughput (T, returned) next to pgbench.
async fn listing(
    args: &Args,
    browser: &Browser,
    report: &mut Report,
) -> Result<f64, Box<dyn std::error::Error>> {
    let tasks = browser.tasks().await?;
    let mut statuses = BTreeMap::<String, usize>::new();
    for t in &tasks {
        *statuses
            .entry(t["status"].as_str().unwrap_or("?").to_owned())
            .or_default() += 1;
    }
    println!(
        "the session's tasks before the load: {} listed, by status {statuses:?}",
        tasks.len()
    );
    let window = args.service.window();
    let clients = args.service.concurrency;
    let label = format!("GET /api/tasks ({} tasks, {clients} clients)", tasks.len());
    let load = (0..clients).map(|_| browser.lister()).collect();
    let f = load::measure(load, window, None).await;
    f.print(&label, "req/s");
    report.figure(&label, &f.result("req/s"));
    if let Some(tps) = args
        .baseline
        .tps_of(pgbench::Mode::Select, clients, window)
        .await?
    {
        report.figure(
            &format!("pgbench -S -M prepared ({clients} clients)"),
            &format!("{tps:.1} TPS"),
        );
        report.judged("T / P", f.rps / tps, "", "", ">= 0.5");
    }
    match &args.peer_url {
        Some(peer) => {
            let peer = peer.trim_end_matches('/');
            let lister = peer_tasks(peer, args.tasks).await?;
            let load = (0..clients).map(|_| lister.clone()).collect();
            let p = load::measure(load, window, None).await;
            let label = format!(
                "F: FastAPI seed 001, GET /api/tasks ({} tasks, {clients} clients)",
                args.tasks
            );
            p.print(&label, "req/s");
            report.figure(&label, &p.result("req/s"));
            report.judged("T / F", f.rps / p.rps, "", "", ">= 10");
        }
        None => println!("no --peer-url: T / F is skipped"),
    }
    Ok(f.rps)
}

/// L0: the rows and columns the list shows, read by `tasks_series_id_idx`
/// alone (what the list statement would cost if access were free).
const BARE_READ: &str = "SELECT id, filename, content_type, size_bytes, storage_key, status, stage,
       progress, error, error_code, upload_timestamp, updated_at, state_version
FROM tasks WHERE series_id = $1 ORDER BY upload_timestamp DESC, id DESC LIMIT $2";

/// A pgbench script that prepares `statement` as `name` once per client
/// and executes it with `args` in every transaction.
fn prepared_script(name: &str, statement: &str, args: &str) -> String {
    format!(
        "\\if :prepared = 0\nPREPARE {name} AS\n{};\n\\set prepared 1\n\\endif\nEXECUTE {name}({args});\n",
        statement.trim().trim_end_matches(';')
    )
}

/// L and L0 in pgbench for the listing session's series, next to T.
async fn statement_rates(
    args: &Args,
    db_url: &str,
    browser: &Browser,
    t_rps: f64,
    report: &mut Report,
) -> Result<(), Box<dyn std::error::Error>> {
    let tasks = browser.tasks().await?;
    let id = tasks
        .first()
        .and_then(|t| t["task_id"].as_str())
        .ok_or("no task listed")?;
    let mut conn = sqlx::PgConnection::connect(db_url).await?;
    let series: uuid::Uuid = sqlx::query_scalar("SELECT series_id FROM tasks WHERE id = $1::uuid")
        .bind(id)
        .fetch_one(&mut conn)
        .await?;
    let _ = conn.close().await;
    let list = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tasks/list_series.sql"),
    )?;
    let dir = tempfile_dir()?;
    let scripts = [
        (
            "L: the list statement (src/tasks/list_series.sql)",
            prepared_script(
                "list",
                &list,
                &format!(
                    // The first page by upload, unfiltered: what the page asks first.
                    "'{series}', NULL, NULL, NULL, {}, '{}', false, NULL, NULL, NULL, NULL, NULL, NULL",
                    tasks.len(),
                    uuid::Uuid::max()
                ),
            ),
        ),
        (
            "L0: the same rows by tasks_series_id_idx alone",
            prepared_script("bare", BARE_READ, &format!("'{series}', {}", tasks.len())),
        ),
    ];
    let clients = args.service.concurrency;
    let window = args.service.window();
    let mut tps = Vec::new();
    for (i, (label, script)) in scripts.iter().enumerate() {
        let path = dir.join(format!("statement-{i}.sql"));
        std::fs::write(&path, script)?;
        let x = pgbench::tps_of_script(
            db_url,
            &path,
            &[("prepared", "0".to_owned())],
            clients,
            window,
        )
        .await?;
        println!("{:<44} {x:.1} TPS  (pgbench, {clients} clients)", label);
        report.figure(
            &format!("{label}, pgbench ({clients} clients)"),
            &format!("{x:.1} TPS"),
        );
        tps.push(x);
    }
    let _ = std::fs::remove_dir_all(&dir);
    report.judged("L / L0", tps[0] / tps[1], "", "", ">= 0.7");
    report.judged("T / L0", t_rps / tps[1], "", "", ">= 0.5");
    Ok(())
}

/// A fresh directory for the pgbench scripts.
fn tempfile_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("minutes-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Uploads `n` transcripts to seed 001's FastAPI design (its signed cookie
/// carries the session) and returns a lister of its `GET /api/tasks`.
async fn peer_tasks(peer: &str, n: usize) -> Result<api::TaskLister, String> {
    let client = load::client(true)?;
    for i in 0..n {
        let part = Part::bytes(format!("Alice: Meeting {i}.\n").into_bytes())
            .file_name(format!("meeting-{i}.txt"))
            .mime_str("text/plain")
            .map_err(|e| e.to_string())?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let resp = client
            .post(format!("{peer}/api/upload"))
            .multipart(form)
            .send()
            .await
            .map_err(|e| format!("peer upload: {e}"))?;
        load::body(resp).await?;
    }
    let lister = api::TaskLister::new(client, format!("{peer}/api/tasks"));
    let listed: serde_json::Value = serde_json::from_str(&lister.get().await?)
        .map_err(|e| format!("peer GET /api/tasks: {e}"))?;
    let count = listed["tasks"].as_array().map_or(0, Vec::len);
    if count != n {
        return Err(format!("the peer lists {count} tasks, not {n}"));
    }
    Ok(lister)
}

/// Database transactions per request of the common reads, one client.
async fn statements(
    args: &Args,
    browser: &Browser,
    report: &mut Report,
) -> Result<(), Box<dyn std::error::Error>> {
    let tasks = browser.tasks().await?;
    let id = tasks
        .first()
        .and_then(|t| t["task_id"].as_str())
        .ok_or("no task to read")?
        .to_owned();
    let list = browser.lister();
    let one = api::TaskLister::new(browser.client.clone(), format!("{}/{id}", list.url()));
    for (label, lister) in [
        ("GET /api/tasks (cached session)", &list),
        ("GET /api/tasks/{id} (cached session)", &one),
    ] {
        if let Some(x) = args
            .stats
            .per_request(label, || async { lister.get().await.map(drop) })
            .await?
        {
            // A count of statements: the residue of the background
            // subtraction is not a statement.
            report.judged(
                &format!("{label}: statements per request"),
                x.round(),
                "",
                &format!("{x:.3} transactions/request measured"),
                "<= 1",
            );
        }
    }
    Ok(())
}

/// The large upload next to dd, and the server's memory meanwhile.
async fn big_upload(
    args: &Args,
    storage: &Path,
    browser: &Browser,
    report: &mut Report,
) -> Result<(), Box<dyn std::error::Error>> {
    let len = args.big_bytes;
    ensure_big_file(&args.big_file, len)?;
    let gib = len as f64 / (1u64 << 30) as f64;
    let dd = dd_mb_per_s(storage, len).await?;
    println!(
        "{:<44} {dd:.1} MB/s",
        format!("dd {gib:.2} GiB, conv=fdatasync, to storage.dir")
    );

    let file = tokio::fs::File::open(&args.big_file).await?;
    let body = Body::wrap_stream(ReaderStream::with_capacity(file, 256 * 1024));
    let part = Part::stream_with_length(body, len)
        .file_name("big.wav")
        .mime_str("audio/wav")?;
    let before = args
        .server_pid
        .and_then(|pid| Some((pid, proc_kib(pid, "VmRSS")?, proc_kib(pid, "VmHWM")?)));
    let sampler = before.map(|(pid, _, _)| RssSampler::start(pid));
    let started = Instant::now();
    let uploaded = browser.upload(part).await;
    let secs = started.elapsed().as_secs_f64();
    let peak = sampler.map(RssSampler::peak_kib);
    let task = uploaded?;
    let mb_per_s = len as f64 / secs / 1e6;
    println!(
        "{:<44} {mb_per_s:.1} MB/s  ({secs:.2} s, request to 201)",
        format!("POST /api/upload {gib:.2} GiB WAV")
    );
    report.figure(
        &format!("POST /api/upload, {gib:.2} GiB WAV streamed"),
        &format!("{mb_per_s:.1} MB/s ({secs:.2} s)"),
    );
    report.figure(
        &format!("dd {gib:.2} GiB conv=fdatasync, same disk"),
        &format!("{dd:.1} MB/s"),
    );
    report.judged("ratio upload / dd", mb_per_s / dd, "", "", ">= 0.7");

    if let (Some((pid, rss, hwm)), Some(peak)) = (before, peak) {
        let hwm_after = proc_kib(pid, "VmHWM").unwrap_or(hwm);
        let growth = peak.saturating_sub(rss) as f64 / 1024.0;
        let detail = format!(
            "VmRSS {:.0} -> peak {:.0} MiB; VmHWM {:.0} -> {:.0} MiB",
            rss as f64 / 1024.0,
            peak as f64 / 1024.0,
            hwm as f64 / 1024.0,
            hwm_after as f64 / 1024.0
        );
        println!(
            "{:<44} {growth:.1} MiB  ({detail})",
            "server RSS growth during the upload"
        );
        report.judged(
            "server RSS growth during the upload",
            growth,
            " MiB",
            &detail,
            "<= 64",
        );
    }

    // The file goes with its task.
    let id = task["task_id"]
        .as_str()
        .ok_or("the upload's task has no id")?;
    let resp = browser
        .request(Method::DELETE, &format!("/api/tasks/{id}"))
        .send()
        .await?;
    load::body(resp).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !common::bench_mode() {
        return Ok(());
    }
    let args = Args::parse();
    let Some(base) = args.service.base("tasks")? else {
        return Ok(());
    };
    if args.big_bytes < MIB || args.big_bytes % MIB != 0 {
        return Err("--big-bytes must be a positive multiple of 1 MiB".into());
    }
    println!(
        "tasks: {base}, {}; {}",
        args.service.window().describe(args.service.concurrency),
        common::cpu_note()
    );
    let mut report = Report::new("tasks");
    let mut browser = Browser::new(&base)?;
    let uploaded = browser.upload_transcripts(args.tasks).await;
    if report
        .outcome("uploading the listed tasks", uploaded)
        .is_some()
    {
        // First, while the database is quiet.
        let r = statements(&args, &browser, &mut report).await;
        report.outcome("statements per request", r);
        let r = listing(&args, &browser, &mut report).await;
        let t = report.outcome("GET /api/tasks", r);
        match (&args.database_url, t) {
            (Some(db), Some(t)) => {
                let r = statement_rates(&args, db, &browser, t, &mut report).await;
                report.outcome("L and L0 in pgbench", r);
            }
            (None, _) => println!("no --database-url: L and L0 are skipped"),
            (_, None) => {}
        }
        match &args.storage_dir {
            Some(storage) => {
                let r = big_upload(&args, storage, &browser, &mut report).await;
                report.outcome("large upload", r);
            }
            None => println!("no --storage-dir: the large upload is skipped"),
        }
    }
    report.write(args.output.summary.as_deref())?;
    Ok(())
}
