//! Idle task WebSockets: the server's resident memory per open socket and
//! its growth while they stay open. Prints figures, asserts nothing.
//!
//! One session uploads one transcript (the service runs without workers, so
//! the task stays queued) and opens `--sockets` WebSockets on
//! `/ws/{task_id}`, each read by a task of its own (so pings are answered).
//! The server's `VmRSS` (`/proc/<pid>/status`, `--server-pid`) is read
//! before, once all are open, and again after `--soak-secs`. The service
//! must allow that many sockets (`server.max_sockets_per_session`,
//! `server.max_sockets_per_ip`, `server.max_sockets`); `scripts/bench
//! sockets` sets them.
//!
//! ```text
//! cargo bench --bench sockets -- --url http://127.0.0.1:8080 --server-pid PID \
//!     [--sockets 10000] [--soak-secs 30]
//! ```

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use clap::Parser;
use common::{Latencies, Report};
use futures::StreamExt as _;
use reqwest::{Client, Response, multipart::Part};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

#[derive(Debug, Parser)]
#[command(about = "Server memory per idle task WebSocket, and its growth over a soak")]
struct Args {
    /// Base URL of a running service; without it nothing runs.
    #[arg(long)]
    url: Option<String>,
    /// The service's process id, for its VmRSS.
    #[arg(long)]
    server_pid: Option<u32>,
    /// WebSockets to open.
    #[arg(long, default_value_t = 10_000)]
    sockets: usize,
    /// Seconds the sockets stay open after the last one opened.
    #[arg(long, default_value_t = 30)]
    soak_secs: u64,
    /// Sockets being opened at once.
    #[arg(long, default_value_t = 64)]
    parallel: usize,
    #[command(flatten)]
    output: common::Output,
}

/// A `/proc/<pid>/status` field in KiB.
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

fn client() -> Result<Client, String> {
    Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())
}

/// The body of a successful answer; otherwise the status and the body.
async fn text_of(resp: Response) -> Result<String, String> {
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(text)
    } else {
        Err(format!("{status}: {text}"))
    }
}

fn sid_cookie(resp: &Response) -> Option<String> {
    resp.cookies()
        .find(|c| c.name().ends_with("sid"))
        .map(|c| format!("{}={}", c.name(), c.value()))
}

/// A new session with one uploaded transcript: its session cookie and the task id.
async fn session_with_task(base: &str) -> Result<(String, String), String> {
    let client = client()?;
    let resp = client
        .get(format!("{base}/api/session"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let sid = sid_cookie(&resp).ok_or("no sid cookie")?;
    let body: Value = serde_json::from_str(&text_of(resp).await?).map_err(|e| e.to_string())?;
    let csrf = body["csrf_token"]
        .as_str()
        .ok_or("no csrf_token")?
        .to_owned();
    let part = Part::bytes(b"Alice: We agreed to ship on Monday.\n".to_vec())
        .file_name("meeting.txt")
        .mime_str("text/plain")
        .map_err(|e| e.to_string())?;
    let resp = client
        .post(format!("{base}/api/upload"))
        .header(reqwest::header::COOKIE, &sid)
        .header("x-csrf-token", csrf)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let task: Value = serde_json::from_str(&text_of(resp).await?).map_err(|e| e.to_string())?;
    let id = task["task_id"].as_str().ok_or("no task_id")?.to_owned();
    Ok((sid, id))
}

#[derive(Default)]
struct Counts {
    /// Sockets whose first message (the task's state) arrived.
    open: AtomicU64,
    /// Sockets that ended (closed by the server or failed).
    ended: AtomicU64,
}

/// Opens one socket and reads it until it ends; how long it took to open
/// and get the first state, or `Err` when it cannot open.
async fn watch(base: &str, sid: &str, task: &str, counts: Arc<Counts>) -> Result<Duration, String> {
    let started = Instant::now();
    let url = format!("{}/ws/{task}", base.replacen("http", "ws", 1));
    let mut req = url.into_client_request().map_err(|e| e.to_string())?;
    req.headers_mut()
        .insert("cookie", sid.parse().map_err(|_| "a bad cookie")?);
    req.headers_mut()
        .insert("origin", base.parse().map_err(|_| "a bad origin")?);
    let (mut socket, _) = tokio_tungstenite::connect_async(req)
        .await
        .map_err(|e| e.to_string())?;
    match socket.next().await {
        Some(Ok(m)) if m.is_text() => {}
        other => return Err(format!("no first state but {other:?}")),
    }
    let took = started.elapsed();
    counts.open.fetch_add(1, Ordering::SeqCst);
    tokio::spawn(async move {
        while let Some(Ok(_)) = socket.next().await {}
        counts.ended.fetch_add(1, Ordering::SeqCst);
    });
    Ok(took)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !common::bench_mode() {
        return Ok(());
    }
    let args = Args::parse();
    let Some(base) = args
        .url
        .as_deref()
        .map(|u| u.trim_end_matches('/').to_owned())
    else {
        println!("sockets bench: pass --url http://HOST:PORT of a running service");
        return Ok(());
    };
    let Some(pid) = args.server_pid else {
        println!("sockets bench: pass --server-pid, the service's process id");
        return Ok(());
    };
    let rss = || proc_kib(pid, "VmRSS").ok_or("no VmRSS for the server's pid");
    println!(
        "sockets: {base}, {} idle task WebSockets, {} s soak; {}",
        args.sockets,
        args.soak_secs,
        common::cpu_note()
    );
    let (sid, task) = session_with_task(&base).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss()?;

    let counts = Arc::new(Counts::default());
    let started = Instant::now();
    let results: Vec<Result<Duration, String>> = futures::stream::iter(0..args.sockets)
        .map(|_| watch(&base, &sid, &task, counts.clone()))
        .buffer_unordered(args.parallel.max(1))
        .collect()
        .await;
    let mut opens = Latencies::default();
    let mut failures = Vec::new();
    for r in results {
        match r {
            Ok(d) => opens.push(d),
            Err(e) => failures.push(e),
        }
    }
    let opens = opens.sorted();
    let opening = started.elapsed().as_secs_f64();
    let open = counts.open.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let opened = rss()?;
    let per_socket = (opened.saturating_sub(before)) as f64 / open.max(1) as f64;
    println!(
        "{:<44} {open} open in {opening:.1} s, {} failed{}",
        "task WebSockets",
        failures.len(),
        failures
            .first()
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default()
    );
    println!(
        "{:<44} {per_socket:.1} KiB each  (VmRSS {before} -> {opened} KiB)",
        "server RSS per idle socket"
    );
    tokio::time::sleep(Duration::from_secs(args.soak_secs)).await;
    let soaked = rss()?;
    let ended = counts.ended.load(Ordering::SeqCst);
    let growth = soaked as f64 - opened as f64;
    println!(
        "{:<44} {growth:+.0} KiB over {} s  ({ended} sockets ended meanwhile)",
        "server RSS growth during the soak", args.soak_secs
    );

    let mut report = Report::new("sockets");
    report.figure(
        &format!(
            "opening {} task WebSockets, {} at a time",
            args.sockets, args.parallel
        ),
        &format!(
            "{} open in {opening:.1} s; to the first state {}",
            opens.count(),
            opens.p50_p99()
        ),
    );
    report.judged(
        &format!("server RSS per idle task WebSocket ({open} open)"),
        per_socket,
        " KiB",
        &format!(
            "VmRSS {:.1} -> {:.1} MiB, {} failed to open",
            before as f64 / 1024.0,
            opened as f64 / 1024.0,
            failures.len()
        ),
        "<= 30",
    );
    report.judged(
        &format!("server RSS growth over a {} s soak", args.soak_secs),
        growth / 1024.0,
        " MiB",
        &format!("{ended} of {open} sockets ended during it"),
        "<= 1",
    );
    report.write(args.output.summary.as_deref())?;
    Ok(())
}
