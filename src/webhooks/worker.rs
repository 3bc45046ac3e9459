//! Deliverers: each claims a due delivery, re-checks that it may still be
//! sent (the endpoint and its owner enabled, the task still the owner's or,
//! for an admin's all-tasks endpoint, the owner still an admin), makes one
//! attempt and records it: delivered, retried with exponential backoff
//! (from `webhooks.retry_initial_ms`, doubling, at most an hour) while the
//! event is younger than `webhooks.retry_horizon_secs`, or given up. A
//! failed attempt counts against the endpoint, which is disabled at
//! `webhooks.max_failures` in a row. Idle deliverers sleep until a `NOTIFY`
//! from the outbox, the next retry, or a slow poll.

use std::{sync::Arc, time::Duration};

use time::OffsetDateTime;
use tokio::{sync::Notify, task::JoinSet};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{
    deliver::{self, Message, Verdict},
    delivery_queue::{self as queue, Claimed, Logged, Next},
    secret::Sealer,
};
use crate::{audit, config::WebhookSettings, listen, outbox::DELIVERIES_CHANNEL};

/// Deliveries in flight at once per process: a slow endpoint holds one.
const DELIVERERS: usize = 4;
/// The fallback poll, should a notification be missed.
const POLL: Duration = Duration::from_secs(5);
/// The longest wait between two retries.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Finished deliveries are kept this long in the log.
const LOG_RETENTION: Duration = Duration::from_secs(30 * 86400);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// What deliverers use.
pub struct Deliverer {
    pub db: sqlx::PgPool,
    pub settings: WebhookSettings,
    pub sealer: Arc<Sealer>,
}

struct Wakeup(Notify);

impl listen::Receiver for Wakeup {
    fn receive(&self, _: listen::Event<'_>) {
        self.0.notify_waiters();
    }
}

/// Starts the deliverers; they stop when `shutdown` is cancelled (an
/// attempt under way is left to its lease).
pub fn spawn(deliverer: Arc<Deliverer>, shutdown: CancellationToken) -> JoinSet<()> {
    let wakeup = Arc::new(Wakeup(Notify::new()));
    listen::spawn(
        deliverer.db.clone(),
        &[DELIVERIES_CHANNEL],
        Arc::downgrade(&wakeup),
    );
    let mut set = JoinSet::new();
    for n in 0..DELIVERERS {
        let name = format!("hook-{}-{n}", Uuid::new_v4().simple());
        let (d, w, s) = (deliverer.clone(), wakeup.clone(), shutdown.clone());
        set.spawn(async move {
            tokio::select! {
                () = work(&d, &name, &w, n == 0) => {}
                () = s.cancelled() => {}
            }
        });
    }
    set
}

async fn work(d: &Deliverer, name: &str, wakeup: &Wakeup, prunes: bool) {
    let lease = Duration::from_secs(d.settings.timeout_secs) * 2 + Duration::from_secs(30);
    let mut pruned_at: Option<std::time::Instant> = None;
    loop {
        if prunes && pruned_at.is_none_or(|at| at.elapsed() > PRUNE_EVERY) {
            if let Err(e) = queue::prune(&d.db, LOG_RETENTION).await {
                tracing::warn!(error = %e, "pruning the delivery log failed");
            }
            pruned_at = Some(std::time::Instant::now());
        }
        let notified = wakeup.0.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        match queue::claim(&d.db, name, lease).await {
            Ok(Some(job)) => {
                if let Err(e) = run(d, name, &job).await {
                    tracing::error!(error = %e, delivery = %job.id, "recording a delivery failed");
                }
            }
            Ok(None) => {
                let sleep = idle_time(d).await;
                tokio::select! {
                    () = notified => {}
                    () = tokio::time::sleep(sleep) => {}
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming a delivery failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

async fn idle_time(d: &Deliverer) -> Duration {
    match queue::next_due(&d.db).await {
        Ok(Some(at)) => {
            let secs = (at - OffsetDateTime::now_utc()).as_seconds_f64().max(0.0);
            Duration::from_secs_f64(secs).min(POLL)
        }
        _ => POLL,
    }
}

#[tracing::instrument(skip_all, fields(delivery = %job.id, webhook = %job.webhook_id, attempt = job.attempts))]
async fn run(d: &Deliverer, name: &str, job: &Claimed) -> sqlx::Result<()> {
    if !job.sendable {
        let logged = Logged {
            status: None,
            elapsed_ms: None,
            error: Some("not sent: the webhook is disabled or may no longer hear of the task"),
        };
        let mut tx = d.db.begin().await?;
        if queue::record(&mut tx, job, name, &logged, Next::Dropped).await? {
            tx.commit().await?;
        }
        return Ok(());
    }
    let secrets: Vec<_> = std::iter::once(&job.secret_sealed)
        .chain(job.previous_secret_sealed.as_ref())
        .filter_map(|sealed| d.sealer.open(job.webhook_id, sealed))
        .collect();
    let message = Message {
        id: &job.message_id,
        body: &job.body,
        secrets: &secrets,
    };
    let answer = deliver::send(&job.url, &message, &d.settings).await;
    let next = match answer.verdict {
        Verdict::Delivered => Next::Delivered,
        Verdict::GiveUp => Next::Failed,
        Verdict::Retry => retry_after(&d.settings, job),
    };
    let logged = Logged {
        status: answer.status,
        elapsed_ms: Some(answer.elapsed_ms),
        error: answer.error.as_deref(),
    };
    let mut tx = d.db.begin().await?;
    if !queue::record(&mut tx, job, name, &logged, next).await? {
        return Ok(());
    }
    if answer.verdict == Verdict::Delivered {
        queue::reset_failures(&mut tx, job.webhook_id).await?;
    } else if let Some((url, failures)) =
        queue::count_failure(&mut tx, job.webhook_id, d.settings.max_failures).await?
    {
        tracing::warn!(failures, "webhook disabled after repeated failures");
        audit::record(
            &mut tx,
            audit::Kind::WebhookDisabled,
            &audit::Actor::default(),
            Some(&job.webhook_id.to_string()),
            serde_json::json!({ "url": url, "consecutive_failures": failures }),
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(status = ?answer.status, ?next, "webhook attempt");
    Ok(())
}

/// The next retry, unless it would fall past the horizon.
fn retry_after(settings: &WebhookSettings, job: &Claimed) -> Next {
    let delay = backoff(settings.retry_initial_ms, job.attempts);
    let horizon = job.created_at + Duration::from_secs(settings.retry_horizon_secs);
    if OffsetDateTime::now_utc() + delay <= horizon {
        Next::RetryAfter(delay)
    } else {
        Next::Failed
    }
}

/// `initial`, doubling with each attempt made, at most an hour.
fn backoff(initial_ms: u64, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 32)).unwrap_or(0);
    Duration::from_millis(initial_ms)
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(5000, 1), Duration::from_secs(5));
        assert_eq!(backoff(5000, 2), Duration::from_secs(10));
        assert_eq!(backoff(5000, 5), Duration::from_secs(80));
        assert_eq!(backoff(5000, 40), MAX_BACKOFF);
    }
}
