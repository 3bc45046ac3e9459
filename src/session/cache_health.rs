//! Whether the session cache may be trusted: it listens for revocations on a
//! reconnecting `LISTEN` and sends itself a heartbeat `NOTIFY` every
//! `HEARTBEAT`. Only while its own latest heartbeats come back within
//! `TRUST_FOR` — and none was lost to a reconnect — is the cache used; a lost
//! connection clears it at once, a silent one within `TRUST_FOR`.

use std::{
    sync::{
        Arc, Weak,
        atomic::{AtomicU64, Ordering::SeqCst},
    },
    time::{Duration, Instant},
};

use sqlx::PgPool;
use uuid::Uuid;

use super::{REVOKED_CHANNEL, cache::SessionCache, session_series::SUPERSEDED_CHANNEL};
use crate::listen::{self, Event};

const HEARTBEAT_CHANNEL: &str = "session_cache_heartbeat";
const HEARTBEAT: Duration = Duration::from_millis(500);
/// A heartbeat answered proves the connection for this long.
const TRUST_FOR: Duration = Duration::from_millis(1500);
/// How often expired records leave the per-series index.
const SWEEP_EVERY: u64 = 60;

pub struct Health {
    /// Tells this instance's heartbeats from every other's.
    nonce: u64,
    started: Instant,
    sent: AtomicU64,
    /// Heartbeats up to this one were sent before the last reconnect.
    resync_mark: AtomicU64,
    /// Milliseconds since `started` until which the cache is trusted.
    trusted_until: AtomicU64,
}

impl Health {
    pub fn new() -> Self {
        Self {
            nonce: u64::from_le_bytes(super::refresh_token::random()),
            started: Instant::now(),
            sent: AtomicU64::new(0),
            resync_mark: AtomicU64::new(0),
            trusted_until: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub fn trusted(&self) -> bool {
        self.now_ms() < self.trusted_until.load(SeqCst)
    }

    fn answered(&self, payload: &str) {
        let Some((nonce, seq)) = payload.split_once(':') else {
            return;
        };
        let (Ok(nonce), Ok(seq)) = (nonce.parse::<u64>(), seq.parse::<u64>()) else {
            return;
        };
        if nonce == self.nonce && seq > self.resync_mark.load(SeqCst) {
            let until = self.now_ms() + u64::try_from(TRUST_FOR.as_millis()).unwrap_or(0);
            self.trusted_until.fetch_max(until, SeqCst);
        }
    }

    fn lost(&self) {
        self.resync_mark.store(self.sent.load(SeqCst), SeqCst);
        self.trusted_until.store(0, SeqCst);
    }
}

impl listen::Receiver for SessionCache {
    fn receive(&self, event: Event<'_>) {
        match event {
            Event::Notification { channel, payload } if channel == HEARTBEAT_CHANNEL => {
                self.health.answered(payload);
            }
            Event::Notification { channel, payload } if channel == SUPERSEDED_CHANNEL => {
                if let Ok(sid) = payload.parse::<tower_sessions::session::Id>() {
                    self.forget_session(sid.0);
                    self.count_notification();
                }
            }
            Event::Notification { payload, .. } => {
                if let Ok(series) = payload.parse::<Uuid>() {
                    self.forget_series(&[series], false);
                    self.count_notification();
                }
            }
            Event::Resync => {
                self.health.lost();
                self.clear();
                self.count_resync();
            }
        }
    }
}

/// Starts the listener and the heartbeat; both end with the cache.
pub fn start(cache: &Arc<SessionCache>, db: PgPool) {
    listen::spawn(
        db.clone(),
        &[REVOKED_CHANNEL, SUPERSEDED_CHANNEL, HEARTBEAT_CHANNEL],
        Arc::downgrade(cache),
    );
    tokio::spawn(heartbeat(Arc::downgrade(cache), db));
}

async fn heartbeat(cache: Weak<SessionCache>, db: PgPool) {
    let mut tick = tokio::time::interval(HEARTBEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut ticks = 0u64;
    loop {
        tick.tick().await;
        let Some(cache) = cache.upgrade() else { return };
        let seq = cache.health.sent.fetch_add(1, SeqCst) + 1;
        let payload = format!("{}:{seq}", cache.health.nonce);
        ticks += 1;
        if ticks % (SWEEP_EVERY * 1000 / HEARTBEAT.as_millis() as u64) == 0 {
            cache.sweep();
        }
        drop(cache);
        match sqlx::query!("SELECT pg_notify($1, $2)", HEARTBEAT_CHANNEL, payload)
            .execute(&db)
            .await
        {
            Ok(_) => {}
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => tracing::warn!(error = %e, "session cache heartbeat failed"),
        }
    }
}
