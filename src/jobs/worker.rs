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
    progress::{self, Failure},
};
use crate::{
    listen,
    queue::{self, Claimed, JOBS_CHANNEL},
    tasks::{self, ErrorCode},
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
            let message = panic_message(&*panic);
            tracing::error!(panic = message, "the job panicked");
            Err(JobError::permanent(ErrorCode::InternalError, format!("the job panicked: {message}")))
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
    let failure = Failure::new(
        ErrorCode::AttemptsExhausted,
        format!(
            "processing stopped after {} attempts; the worker may have crashed",
            job.max_attempts
        ),
    );
    if let Err(e) = fail(p, name, job, &failure).await {
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
            if !queue::finish(&mut tx, job.id, name).await? {
                return Ok(());
            }
            let stored = match &output.regenerated {
                None => progress::complete(&mut tx, job.task_id, &output.json).await,
                Some((request, name)) => tasks::store_regenerated_minutes(
                    &mut tx,
                    job.task_id,
                    &output.json,
                    request,
                    name,
                )
                .await
                .map(drop),
            };
            match stored {
                Ok(()) => {
                    tx.commit().await?;
                    tracing::info!("task completed");
                    return Ok(());
                }
                // Storing them again would fail again: the task fails now,
                // saying why, rather than each time the lease runs out.
                Err(e) if refused_as_data(&e) => {
                    tx.rollback().await?;
                    Failure::new(
                        ErrorCode::UnstorableText,
                        format!("the database refused the minutes: {e}"),
                    )
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(JobError::Transient(failure)) if job.attempts < job.max_attempts => {
            let delay = queue::backoff(job.attempts);
            tracing::warn!(error = %failure, ?delay, "transient failure; retrying later");
            let detail = failure.to_string();
            if queue::retry_later(&p.db, job.id, name, delay, &detail).await?
                && job.kind != queue::REGENERATE
            {
                progress::update(&p.db, job.task_id, &progress::Progress::queued()).await?;
            }
            return Ok(());
        }
        Err(JobError::Transient(failure)) => Failure::new(
            failure.code,
            format!(
                "gave up after {} attempts: {}",
                job.attempts, failure.detail
            ),
        ),
        Err(JobError::Permanent(failure)) => failure,
    };
    fail(p, name, job, &failure).await
}

/// Whether the database refused what was written as such (SQLSTATE class
/// 22, data exception: NUL, text it cannot encode; class 54, a value past
/// its limits), as opposed to failing while writing it.
fn refused_as_data(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = e else {
        return false;
    };
    db.code()
        .is_some_and(|c| c.starts_with("22") || c.starts_with("54"))
}

/// Removes the job and fails its task with `failure`, unless the lease was
/// lost. The detail is logged here; the task's viewers get its code. A
/// regeneration that fails leaves its task, and the minutes it has, as they
/// are.
async fn fail(p: &Processor, name: &str, job: &Claimed, failure: &Failure) -> anyhow::Result<()> {
    let mut tx = p.db.begin().await?;
    if !queue::finish(&mut tx, job.id, name).await? {
        return Ok(());
    }
    if job.kind == queue::REGENERATE {
        tracing::warn!(error = %failure, "regeneration failed; the minutes are unchanged");
    } else {
        tracing::warn!(error = %failure, "task failed");
        progress::fail(&mut tx, job.task_id, failure).await?;
    }
    tx.commit().await?;
    Ok(())
}
