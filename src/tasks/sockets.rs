//! What both WebSockets share about their own lifetime: a slot counted
//! against the caller's session and the instance (`server.max_sockets_per_session`,
//! `server.max_sockets`), so no one browser and no flood of them can hold
//! unbounded sockets; and the session's deadline, so a socket ends with its
//! series instead of streaming on an expired session.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::extract::ws::WebSocketUpgrade;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::session;

/// Close frames both sockets send: the session revoked or ended, over the
/// session's cap (policy violation), over the instance's cap (try again
/// later), the database failed.
pub(super) type Close = (u16, &'static str);
pub(super) const REVOKED: Close = (4001, "Session revoked");
pub(super) const EXPIRED: Close = (4001, "Session expired");
pub(super) const TOO_MANY_FOR_SESSION: Close = (4008, "Too many sockets for session");
pub(super) const TOO_MANY: Close = (1013, "Too many sockets; try again later");
pub(super) const SERVER_ERROR: Close = (1011, "Internal error");

/// Client messages are ignored; a socket accepts only small ones.
const MAX_CLIENT_MESSAGE: usize = 4096;

/// Both sockets' buffers: client messages are small and ignored, server
/// messages small and sent one at a time. tungstenite's defaults (a 128 KiB
/// read buffer, 128 KiB of write buffering, 64 MiB messages) cost every idle
/// socket over 128 KiB of memory.
pub(super) fn small(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(MAX_CLIENT_MESSAGE)
        .write_buffer_size(0)
}

/// Open sockets per session series, and in all.
pub struct Slots {
    per_series: usize,
    total: usize,
    open: Mutex<(HashMap<Uuid, usize>, usize)>,
}

/// A held slot; dropping it frees it.
pub(super) struct Slot {
    slots: Arc<Slots>,
    series: Uuid,
}

impl Slots {
    pub fn new(per_series: usize, total: usize) -> Arc<Self> {
        Arc::new(Self {
            per_series,
            total,
            open: Mutex::new((HashMap::new(), 0)),
        })
    }

    pub(super) fn acquire(self: &Arc<Self>, series: Uuid) -> Result<Slot, Close> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let (by_series, total) = &mut *open;
        if *total >= self.total {
            return Err(TOO_MANY);
        }
        let mine = by_series.entry(series).or_insert(0);
        if *mine >= self.per_series {
            return Err(TOO_MANY_FOR_SESSION);
        }
        *mine += 1;
        *total += 1;
        Ok(Slot {
            slots: self.clone(),
            series,
        })
    }

    /// Sockets open on this instance.
    pub fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).1
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        let (by_series, total) = &mut *open;
        *total -= 1;
        if let Some(n) = by_series.get_mut(&self.series) {
            *n -= 1;
            if *n == 0 {
                by_series.remove(&self.series);
            }
        }
    }
}

/// When a socket's series ends. The browser's other requests may extend the
/// series meanwhile, so at the deadline the database is asked again.
pub(super) struct Deadline {
    series: Uuid,
    at: OffsetDateTime,
}

impl Deadline {
    pub(super) fn new(series: Uuid, at: OffsetDateTime) -> Self {
        Self { series, at }
    }

    /// Resolves with the close frame once the series has really ended.
    pub(super) async fn passed(&mut self, db: &PgPool) -> Close {
        loop {
            let left = self.at - OffsetDateTime::now_utc();
            // A deadline in the past is a negative duration: no wait.
            tokio::time::sleep(left.try_into().unwrap_or_default()).await;
            match session::live_until(db, self.series).await {
                Ok(Some(later)) if later > OffsetDateTime::now_utc() => self.at = later,
                Ok(_) => return EXPIRED,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read a socket's series");
                    return SERVER_ERROR;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_may_hold_its_share_and_the_instance_its_total() {
        let slots = Slots::new(2, 3);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let a1 = slots.acquire(a).unwrap();
        let _a2 = slots.acquire(a).unwrap();
        assert_eq!(slots.acquire(a).err(), Some(TOO_MANY_FOR_SESSION));
        let _b1 = slots.acquire(b).unwrap();
        assert_eq!(
            slots.acquire(b).err(),
            Some(TOO_MANY),
            "the instance is full"
        );
        drop(a1);
        assert!(slots.acquire(b).is_ok(), "a freed slot is free for anyone");
    }

    #[test]
    fn closed_sockets_leave_nothing_behind() {
        let slots = Slots::new(5, 100);
        let held: Vec<_> = (0..50)
            .map(|_| slots.acquire(Uuid::new_v4()).unwrap())
            .collect();
        assert_eq!(slots.open(), 50);
        drop(held);
        assert_eq!(slots.open(), 0);
        assert!(slots.open.lock().unwrap().0.is_empty());
    }
}
