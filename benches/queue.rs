//! The job queue and its workers, in process through the library. Prints
//! figures, asserts nothing.
//!
//! - enqueue → start: jobs enqueued one at a time (a task row and
//!   `queue::enqueue` in one transaction, as an upload does) while the
//!   workers idle; measured from sending COMMIT to receiving, on a separate
//!   `LISTEN` connection, the `task_events` notification of the worker's
//!   first progress write (`processing`, `transcribing`). That covers the
//!   `jobs_ready` wake-up, the claim, reading the task and the progress
//!   transaction. Each job is let finish before the next is enqueued.
//! - trivial jobs/s: `--throughput-jobs` tiny `.txt` transcripts enqueued
//!   while no worker runs, then `--workers` workers started and timed until
//!   every task is completed or failed.
//!
//! `scripts/bench queue` creates a fresh database and runs this; by hand:
//!
//! ```text
//! cargo bench --bench queue -- --database-url postgres://.../fresh_db
//! ```

mod common;

use std::{
    path::PathBuf,
    str::FromStr as _,
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use common::{Latencies, Report};
use minutes::{
    config::ProcessingSettings,
    jobs::{Processor, worker},
    queue,
    storage::{FsStore, Uploads},
};
use sqlx::{
    PgPool,
    postgres::{PgConnectOptions, PgListener},
};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

#[derive(Debug, Parser)]
#[command(about = "Job queue enqueue-to-start latency and trivial jobs/s")]
struct Args {
    /// A fresh database on an otherwise idle server; migrated here. Without
    /// it nothing runs.
    #[arg(long)]
    database_url: Option<String>,
    /// The upload store the workers read the transcripts from; emptied first.
    #[arg(long, default_value = "target/bench/queue-uploads")]
    storage_dir: PathBuf,
    /// Sequential jobs for the latency figures.
    #[arg(long, default_value_t = 200)]
    latency_jobs: usize,
    /// Jobs per throughput measurement.
    #[arg(long, default_value_t = 500)]
    throughput_jobs: usize,
    /// Worker counts to measure throughput with; the first also serves the
    /// latency measurement.
    #[arg(long, value_delimiter = ',', default_value = "2,4")]
    workers: Vec<usize>,
    #[command(flatten)]
    output: common::Output,
}

/// Where the service publishes task progress (`tasks::hub`).
const TASK_CHANNEL: &str = "task_events";
/// How long a job may take to show progress or finish, and how long the
/// throughput measurement waits for the next notification.
const JOB_TIMEOUT: Duration = Duration::from_secs(30);

const TRANSCRIPT: &str = "Alice: We agreed to ship the release on Monday.\n\
                          Bob: I will write the release notes by Friday.\n\
                          Carol: Then the next meeting is on Tuesday.\n";

/// A task's status as announced on `task_events`, and when it arrived.
struct Event {
    task_id: Uuid,
    status: String,
    at: Instant,
}

/// Forwards every `task_events` notification, stamped on arrival.
async fn listen(db: &PgPool) -> sqlx::Result<mpsc::UnboundedReceiver<Event>> {
    let mut listener = PgListener::connect_with(db).await?;
    listener.listen(TASK_CHANNEL).await?;
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(n) = listener.recv().await {
            let at = Instant::now();
            let Ok(v) = serde_json::from_str::<serde_json::Value>(n.payload()) else {
                continue;
            };
            let task_id = v["task_id"].as_str().and_then(|s| Uuid::parse_str(s).ok());
            let status = v["state"]["status"]
                .as_str()
                .unwrap_or("deleted")
                .to_owned();
            if let Some(task_id) = task_id {
                if tx
                    .send(Event {
                        task_id,
                        status,
                        at,
                    })
                    .is_err()
                {
                    return;
                }
            }
        }
    });
    Ok(rx)
}

/// The tasks' owner, their files and their events.
struct Fixture {
    db: PgPool,
    store: PathBuf,
    owner: Uuid,
    events: mpsc::UnboundedReceiver<Event>,
}

impl Fixture {
    /// Writes a transcript into the store and enqueues its task as an upload
    /// does; returns the task and when COMMIT was sent.
    async fn enqueue(&self) -> Result<(Uuid, Instant), Box<dyn std::error::Error>> {
        let (task, key) = (Uuid::new_v4(), Uuid::new_v4());
        tokio::fs::write(self.store.join(key.to_string()), TRANSCRIPT).await?;
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO tasks (id, series_id, filename, content_type, size_bytes, storage_key)
             VALUES ($1, $2, 'notes.txt', 'text/plain; charset=utf-8', $3, $4)",
        )
        .bind(task)
        .bind(self.owner)
        .bind(TRANSCRIPT.len() as i64)
        .bind(key.to_string())
        .execute(&mut *tx)
        .await?;
        queue::enqueue(&mut tx, task, queue::PROCESS).await?;
        let sent = Instant::now();
        tx.commit().await?;
        Ok((task, sent))
    }

    /// Waits for `task` to reach one of `statuses`; returns that status and
    /// when it was announced.
    async fn wait(&mut self, task: Uuid, statuses: &[&str]) -> Result<(String, Instant), String> {
        let deadline = tokio::time::Instant::now() + JOB_TIMEOUT;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .map_err(|_| format!("task {task}: none of {statuses:?} within {JOB_TIMEOUT:?}"))?
                .ok_or("the LISTEN connection ended")?;
            if event.task_id == task && statuses.contains(&event.status.as_str()) {
                return Ok((event.status, event.at));
            }
        }
    }

    /// Starts `count` workers; stop them with the token and the set.
    fn workers(
        &self,
        count: usize,
    ) -> std::io::Result<(CancellationToken, tokio::task::JoinSet<()>)> {
        let settings = ProcessingSettings {
            workers: count,
            transcription: Default::default(),
            summarization: Default::default(),
        };
        let uploads = Arc::new(Uploads::Fs(FsStore::new(&self.store)?));
        let processor = Arc::new(Processor::new(&settings, self.db.clone(), uploads));
        let shutdown = CancellationToken::new();
        let set = worker::spawn(processor, count, shutdown.clone());
        Ok((shutdown, set))
    }
}

const DONE: &[&str] = &["completed", "failed"];

async fn latency(
    f: &mut Fixture,
    jobs: usize,
    workers: usize,
    report: &mut Report,
) -> Result<(), Box<dyn std::error::Error>> {
    let (shutdown, set) = f.workers(workers)?;
    // Let the workers find the queue empty and go idle on their LISTEN.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut latencies = Latencies::default();
    let mut failed = 0;
    for _ in 0..jobs {
        let (task, sent) = f.enqueue().await?;
        let (_, started) = f.wait(task, &["processing"]).await?;
        latencies.push(started.saturating_duration_since(sent));
        if f.wait(task, DONE).await?.0 == "failed" {
            failed += 1;
        }
    }
    shutdown.cancel();
    set.join_all().await;
    let sorted = latencies.sorted();
    let label = format!("enqueue -> start, {workers} idle workers");
    let detail = format!(
        "{}, max {:.2} ms, {} jobs, {failed} failed",
        sorted.p50_p99(),
        sorted.ms(1.0),
        sorted.count()
    );
    println!("{label:<44} {detail}");
    report.judged(
        &format!("{label}: p50"),
        sorted.ms(0.5),
        " ms",
        &detail,
        "<= 5",
    );
    Ok(())
}

async fn throughput(
    f: &mut Fixture,
    jobs: usize,
    workers: usize,
    report: &mut Report,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut pending = std::collections::HashSet::with_capacity(jobs);
    for _ in 0..jobs {
        pending.insert(f.enqueue().await?.0);
    }
    let started = Instant::now();
    let (shutdown, set) = f.workers(workers)?;
    let mut failed = 0;
    while !pending.is_empty() {
        let event = tokio::time::timeout(JOB_TIMEOUT, f.events.recv())
            .await
            .map_err(|_| {
                format!(
                    "no progress for {JOB_TIMEOUT:?} with {} jobs unfinished",
                    pending.len()
                )
            })?
            .ok_or("the LISTEN connection ended")?;
        if DONE.contains(&event.status.as_str()) && pending.remove(&event.task_id) {
            failed += usize::from(event.status == "failed");
        }
    }
    let secs = started.elapsed().as_secs_f64();
    shutdown.cancel();
    set.join_all().await;
    let label = format!("trivial .txt jobs, {workers} workers");
    let result = format!(
        "{:.1} jobs/s ({jobs} jobs queued first, {secs:.2} s, {failed} failed)",
        jobs as f64 / secs
    );
    println!("{label:<44} {result}");
    report.figure(&label, &result);
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !common::bench_mode() {
        return Ok(());
    }
    let args = Args::parse();
    let Some(url) = &args.database_url else {
        println!("queue bench: pass --database-url of a fresh database (see scripts/bench)");
        return Ok(());
    };
    let Some(&first) = args.workers.first() else {
        return Err("--workers needs at least one count".into());
    };
    if args.workers.contains(&0) || args.latency_jobs == 0 || args.throughput_jobs == 0 {
        return Err("--workers, --latency-jobs and --throughput-jobs must be positive".into());
    }
    println!("queue: in process; {}", common::cpu_note());
    let db = minutes::db::pool_with(PgConnectOptions::from_str(url)?, 16);
    minutes::db::migrate(&db).await?;
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
        .fetch_one(&db)
        .await?;
    if queued != 0 {
        return Err(format!("{queued} jobs already queued: use a fresh database").into());
    }
    let _ = std::fs::remove_dir_all(&args.storage_dir);
    std::fs::create_dir_all(&args.storage_dir)?;
    let owner = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO session_series (id, idle_expires_at, absolute_expires_at)
         VALUES ($1, now() + interval '1 day', now() + interval '1 day')",
    )
    .bind(owner)
    .execute(&db)
    .await?;
    let mut fixture = Fixture {
        events: listen(&db).await?,
        db,
        store: args.storage_dir.clone(),
        owner,
    };

    let mut report = Report::new("queue");
    latency(&mut fixture, args.latency_jobs, first, &mut report).await?;
    for &workers in &args.workers {
        throughput(&mut fixture, args.throughput_jobs, workers, &mut report).await?;
    }
    fixture.db.close().await;
    std::fs::remove_dir_all(&args.storage_dir)?;
    report.write(args.output.summary.as_deref())?;
    Ok(())
}
