//! Workers: each claims a job, runs its pipeline under a heartbeat-renewed
//! lease and records the outcome. Idle workers sleep until a `NOTIFY` on the
//! jobs channel, the next delayed job, or a slow fallback poll. On shutdown a
//! running job is released (its attempt does not count) for another worker.
//! Attempts are counted when a job is claimed, so a job whose worker died
//! before recording an outcome still uses one up; a job claimed past its
//! limit fails its task instead of running again. A panic in a job fails its
//! task and the worker goes on with the next one.

use std::{panic::AssertUnwindSafe, sync::Arc, time::Duration};

use futures::FutureExt as _;
use time::OffsetDateTime;
use tokio::{sync::Notify, task::JoinSet};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{
    Processor,
    pipeline::{self, JobError},
    progress,
};
use crate::{
    listen,
    queue::{self, Claimed, JOBS_CHANNEL},
};

/// How long a claim holds without a heartbeat; a crashed worker's job is
/// claimed again after this.
pub const LEASE: Duration = Duration::from_secs(30);
/// The fallback poll, should a notification be missed.
const POLL: Duration = Duration::from_secs(5);

/// Wakes idle workers of this process on `NOTIFY jobs_ready`.
struct Wakeup(Notify);

impl listen::Receiver for Wakeup {
    fn receive(&self, _: listen::Event<'_>) {
        self.0.notify_waiters();
    }
}

/// Starts `count` workers; they stop when `shutdown` is cancelled.
pub fn spawn(processor: Arc<Processor>, count: usize, shutdown: CancellationToken) -> JoinSet<()> {
    let wakeup = Arc::new(Wakeup(Notify::new()));
    listen::spawn(
        processor.db.clone(),
        &[JOBS_CHANNEL],
        Arc::downgrade(&wakeup),
    );
    let mut set = JoinSet::new();
    for n in 0..count {
        let name = format!("{}-{n}", Uuid::new_v4().simple());
        let (p, w, s) = (processor.clone(), wakeup.clone(), shutdown.clone());
        set.spawn(async move { work(&p, &name, &w, &s).await });
    }
    set
}

async fn work(p: &Processor, name: &str, wakeup: &Wakeup, shutdown: &CancellationToken) {
    tracing::info!(worker = name, "worker started");
    while !shutdown.is_cancelled() {
        // Registered before the claim, so a notification in between is not lost.
        let notified = wakeup.0.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        match queue::claim(&p.db, name, LEASE).await {
            Ok(Some(job)) if job.attempts > job.max_attempts => give_up(p, name, &job).await,
            Ok(Some(job)) => run(p, name, job, shutdown).await,
            Ok(None) => {
                let sleep = idle_time(p).await;
                tokio::select! {
                    () = notified => {}
                    () = tokio::time::sleep(sleep) => {}
                    () = shutdown.cancelled() => {}
                }
            }
            Err(e) => {
                tracing::error!(error = %e, worker = name, "claiming a job failed");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    () = shutdown.cancelled() => {}
                }
            }
        }
    }
    tracing::info!(worker = name, "worker stopped");
}

/// Until the next delayed job is due, at most `POLL`.
async fn idle_time(p: &Processor) -> Duration {
    match queue::next_due(&p.db).await {
        Ok(Some(at)) => {
            let secs = (at - OffsetDateTime::now_utc()).as_seconds_f64().max(0.0);
            Duration::from_secs_f64(secs).min(POLL)
        }
        _ => POLL,
    }
}

/// Runs one job with its heartbeat; records the outcome unless the lease was
/// lost or the process is shutting down.
#[tracing::instrument(skip_all, fields(job = job.id, task_id = %job.task_id, attempt = job.attempts))]
async fn run(p: &Processor, name: &str, job: Claimed, shutdown: &CancellationToken) {
    let heartbeat = async {
        loop {
            tokio::time::sleep(LEASE / 3).await;
            match queue::heartbeat(&p.db, job.id, name, LEASE).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => tracing::warn!(error = %e, "heartbeat failed; retrying"),
            }
        }
    };
    // Unwinding leaves nothing shared half-updated: the job's state is in the
    // database, and the failure below is recorded under the lease.
    let job_run = AssertUnwindSafe(pipeline::run(p, &job)).catch_unwind();
    let outcome = tokio::select! {
        outcome = job_run => outcome.unwrap_or_else(|panic| {
            tracing::error!(panic = panic_message(&*panic), "the job panicked");
            Err(JobError::Permanent("internal error while processing".into()))
        }),
        () = heartbeat => {
            tracing::warn!("lease lost; another worker owns the job now");
            return;
        }
        () = shutdown.cancelled() => {
            if let Err(e) = queue::release(&p.db, job.id, name).await {
                tracing::warn!(error = %e, "releasing the job failed; its lease will lapse");
            }
            return;
        }
    };
    if let Err(e) = record(p, name, &job, outcome).await {
        tracing::error!(
            error = format!("{e:#}"),
            "recording the outcome failed; the job will be retried"
        );
    }
}

/// The text of a panic payload (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

/// Fails the task of a job claimed more often than it may run: its earlier
/// attempts ended without an outcome, so running it again would likely end
/// the same way.
#[tracing::instrument(skip_all, fields(job = job.id, task_id = %job.task_id, attempt = job.attempts))]
async fn give_up(p: &Processor, name: &str, job: &Claimed) {
    let failure = format!(
        "processing stopped after {} attempts; the worker may have crashed",
        job.max_attempts
    );
    if let Err(e) = fail(p, name, job, pipeline::GAVE_UP, &failure).await {
        tracing::error!(
            error = format!("{e:#}"),
            "failing the exhausted job failed; it will be claimed again"
        );
    }
}

async fn record(
    p: &Processor,
    name: &str,
    job: &Claimed,
    outcome: Result<pipeline::Output, JobError>,
) -> anyhow::Result<()> {
    let failure = match outcome {
        Ok(output) => {
            let mut tx = p.db.begin().await?;
            if queue::finish(&mut tx, job.id, name).await? {
                progress::complete(&mut tx, job.task_id, &output.json).await?;
                tx.commit().await?;
                tracing::info!("task completed");
            }
            return Ok(());
        }
        Err(JobError::Transient(msg)) if job.attempts < job.max_attempts => {
            let delay = queue::backoff(job.attempts);
            tracing::warn!(error = %msg, ?delay, "transient failure; retrying later");
            if queue::retry_later(&p.db, job.id, name, delay, &msg).await? {
                progress::update(&p.db, job.task_id, &progress::Progress::queued()).await?;
            }
            return Ok(());
        }
        Err(JobError::Transient(msg)) => {
            format!("gave up after {} attempts: {msg}", job.attempts)
        }
        Err(e) => {
            let code = e.code();
            return fail(p, name, job, code, &e.message()).await;
        }
    };
    fail(p, name, job, pipeline::GAVE_UP, &failure).await
}

/// Removes the job and fails its task with `code` and `failure`, unless the
/// lease was lost.
async fn fail(
    p: &Processor,
    name: &str,
    job: &Claimed,
    code: &str,
    failure: &str,
) -> anyhow::Result<()> {
    tracing::warn!(error = %failure, code, "task failed");
    let mut tx = p.db.begin().await?;
    if queue::finish(&mut tx, job.id, name).await? {
        progress::fail(&mut tx, job.task_id, code, failure).await?;
        tx.commit().await?;
    }
    Ok(())
}
