//! The session cache: valid session ID records (and bearer tokens, which
//! are series too) served from memory, so a request with a good session ID
//! or token costs no database round trip. Revocation
//! stays immediate: `revoke_in` drops and blocks the series on this instance
//! before its transaction commits, a rotation drops the superseded ID after
//! commit, and every other instance drops the series on the revocation
//! `NOTIFY` sent in the same transaction. Whether those notifications can be
//! trusted is `cache_health`'s job; while they cannot, the cache is bypassed
//! and cleared.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicU64, Ordering::SeqCst},
    },
    time::{Duration, Instant},
};

use moka::{Expiry, sync::Cache};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{SessionContext, cache_health::Health};

/// Bound on cached records; past it the least used are evicted.
const MAX_ENTRIES: u64 = 200_000;
/// How long a series revoked on this instance is never cached: longer than
/// any revoking transaction stays open, so a read of the row from before its
/// commit cannot be cached after it.
const BLOCK_FOR: Duration = Duration::from_secs(60);

/// Longest an entry is kept however far its expiry (an API token's may be
/// years away): past it the record is read again.
const MAX_LIFETIME: Duration = Duration::from_secs(3600);

/// Each entry lives no longer than its session ID (or token), nor than
/// `MAX_LIFETIME`.
struct UntilSessionExpires;

impl Expiry<Key, Arc<SessionContext>> for UntilSessionExpires {
    fn expire_after_create(
        &self,
        _: &Key,
        ctx: &Arc<SessionContext>,
        _: Instant,
    ) -> Option<Duration> {
        let left = ctx.session_expires_at - OffsetDateTime::now_utc();
        Some(
            Duration::try_from(left)
                .unwrap_or(Duration::ZERO)
                .min(MAX_LIFETIME),
        )
    }
}

/// What a cached record is found by: a session ID cookie, or the SHA-256
/// of a bearer token (`bearer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Session(i128),
    Token([u8; 32]),
}

pub struct SessionCache {
    entries: Cache<Key, Arc<SessionContext>>,
    /// Keys cached per series, to drop them by series id. Inserts
    /// happen under this lock, so the periodic sweep never loses an entry.
    by_series: Mutex<HashMap<Uuid, Vec<Key>>>,
    /// Bumped by every invalidation: a record read from the database before
    /// an invalidation is not cached after it.
    epoch: AtomicU64,
    blocked: Cache<Uuid, ()>,
    /// Whether anything was cached since the last clear.
    dirty: AtomicBool,
    /// Revocation notifications received, for tests and the bench.
    notified: AtomicU64,
    /// Lost or re-established `LISTEN` connections, each clearing the cache.
    resyncs: AtomicU64,
    pub(super) health: Health,
}

/// The epoch a database read started in; see `SessionCache::insert`.
pub struct Ticket(u64);

impl SessionCache {
    pub fn new() -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .expire_after(UntilSessionExpires)
                .build(),
            by_series: Mutex::default(),
            epoch: AtomicU64::new(0),
            blocked: Cache::builder().time_to_live(BLOCK_FOR).build(),
            dirty: AtomicBool::new(false),
            notified: AtomicU64::new(0),
            resyncs: AtomicU64::new(0),
            health: Health::new(),
        }
    }

    fn index(&self) -> MutexGuard<'_, HashMap<Uuid, Vec<Key>>> {
        self.by_series.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached record for a key, if the cache may be trusted now.
    pub fn get(&self, key: Key) -> Option<SessionContext> {
        if !self.health.trusted() {
            if self.dirty.swap(false, SeqCst) {
                self.clear();
            }
            return None;
        }
        let ctx = self.entries.get(&key)?;
        if self.blocked.contains_key(&ctx.series_id)
            || ctx.session_expires_at <= OffsetDateTime::now_utc()
        {
            return None;
        }
        Some((*ctx).clone())
    }

    /// Taken before reading a record from the database.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.epoch.load(SeqCst))
    }

    /// Caches a record read under `ticket`, unless anything was invalidated
    /// since (the read may predate a revocation) or the series is blocked.
    pub fn insert(&self, ticket: Ticket, key: Key, ctx: &SessionContext) {
        if !self.health.trusted() || self.blocked.contains_key(&ctx.series_id) {
            return;
        }
        {
            let mut index = self.index();
            if self.epoch.load(SeqCst) != ticket.0 {
                return;
            }
            index.entry(ctx.series_id).or_default().push(key);
            self.entries.insert(key, Arc::new(ctx.clone()));
            self.dirty.store(true, SeqCst);
        }
        // An invalidation that bumped the epoch after the check above has
        // either found the entry in the index or will be seen here.
        if self.epoch.load(SeqCst) != ticket.0 {
            self.entries.invalidate(&key);
        }
    }

    /// Drops every cached ID of these series; `block` keeps them out of the
    /// cache for `BLOCK_FOR` (a revocation not yet committed).
    pub fn forget_series(&self, series: &[Uuid], block: bool) {
        self.epoch.fetch_add(1, SeqCst);
        if block {
            for id in series {
                self.blocked.insert(*id, ());
            }
        }
        let mut index = self.index();
        for id in series {
            for key in index.remove(id).unwrap_or_default() {
                self.entries.invalidate(&key);
            }
        }
    }

    /// Drops one session ID (superseded by a rotation); its series' other
    /// IDs stay. Its entry in the per-series index goes with the next sweep.
    pub fn forget_session(&self, sid: i128) {
        self.epoch.fetch_add(1, SeqCst);
        self.entries.invalidate(&Key::Session(sid));
    }

    /// Drops everything: the notifications may have been lost.
    pub fn clear(&self) {
        self.epoch.fetch_add(1, SeqCst);
        let mut index = self.index();
        index.clear();
        self.entries.invalidate_all();
    }

    /// Drops index entries whose record expired or was evicted.
    pub(super) fn sweep(&self) {
        let mut index = self.index();
        index.retain(|_, keys| {
            keys.retain(|key| self.entries.contains_key(key));
            !keys.is_empty()
        });
    }

    pub(super) fn count_notification(&self) {
        self.notified.fetch_add(1, SeqCst);
    }

    pub(super) fn count_resync(&self) {
        self.resyncs.fetch_add(1, SeqCst);
    }

    /// Times the `LISTEN` connection was lost or re-established.
    pub fn resyncs(&self) -> u64 {
        self.resyncs.load(SeqCst)
    }

    /// Revocation notifications this instance has received.
    pub fn notifications(&self) -> u64 {
        self.notified.load(SeqCst)
    }

    /// Whether a session ID is served from memory right now.
    pub fn holds(&self, sid: &str) -> bool {
        sid.parse::<tower_sessions::session::Id>()
            .is_ok_and(|id| self.get(Key::Session(id.0)).is_some())
    }

    /// Whether notifications are proven to arrive, so the cache is in use.
    pub fn trusted(&self) -> bool {
        self.health.trusted()
    }
}

impl Default for SessionCache {
    fn default() -> Self {
        Self::new()
    }
}
