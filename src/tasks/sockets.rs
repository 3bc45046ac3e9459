//! What both WebSockets share about their own lifetime: a slot counted
//! against the caller's session series, account and address and against
//! the instance (`server.max_sockets_per_session`, `server.max_sockets_per_user`,
//! `server.max_sockets_per_ip`, `server.max_sockets`), so no one browser,
//! account or client, and no flood of them, can hold unbounded sockets or
//! lock everyone else out; and the session's deadline, so a socket ends with
//! its series instead of streaming on an expired session.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::extract::ws::WebSocketUpgrade;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::Viewer;
use crate::{config::ServerSettings, ratelimit, session};

/// Close frames both sockets send: the session revoked or ended, over the
/// session's, account's or address's cap (policy violation), over the
/// instance's cap (try again later), the database failed.
pub(super) type Close = (u16, &'static str);
pub(super) const REVOKED: Close = (4001, "Session revoked");
pub(super) const EXPIRED: Close = (4001, "Session expired");
pub(super) const TOO_MANY_FOR_SESSION: Close = (4008, "Too many sockets for session");
pub(super) const TOO_MANY_FOR_ACCOUNT: Close = (4008, "Too many sockets for account");
pub(super) const TOO_MANY_FOR_ADDRESS: Close = (4008, "Too many sockets for address");
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

/// The sockets each holder may have open on this instance.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub per_session: usize,
    pub per_user: usize,
    pub per_ip: usize,
    pub total: usize,
}

impl Caps {
    pub fn from_settings(server: &ServerSettings) -> Self {
        Self {
            per_session: server.max_sockets_per_session,
            per_user: server.max_sockets_per_user,
            per_ip: server.max_sockets_per_ip,
            total: server.max_sockets,
        }
    }
}

/// What a socket is counted against besides the instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Holder {
    Series(Uuid),
    User(Uuid),
    /// The client's address as the throttles key it (an IPv6 client by its /64).
    Address(String),
}

/// Open sockets per holder, and in all.
pub struct Slots {
    caps: Caps,
    open: Mutex<(HashMap<Holder, usize>, usize)>,
}

/// A held slot; dropping it frees it.
pub(super) struct Slot {
    slots: Arc<Slots>,
    holders: Vec<Holder>,
}

impl Slots {
    pub fn new(caps: Caps) -> Arc<Self> {
        Arc::new(Self {
            caps,
            open: Mutex::new((HashMap::new(), 0)),
        })
    }

    /// A slot for a socket of `viewer` from `client_ip`, or the close frame
    /// of the first cap it would exceed.
    pub(super) fn acquire(
        self: &Arc<Self>,
        viewer: &Viewer,
        client_ip: Option<&str>,
    ) -> Result<Slot, Close> {
        let caps = self.caps;
        let holders: Vec<(Holder, usize, Close)> = [
            Some((
                Holder::Series(viewer.series_id),
                caps.per_session,
                TOO_MANY_FOR_SESSION,
            )),
            viewer
                .user_id
                .map(|id| (Holder::User(id), caps.per_user, TOO_MANY_FOR_ACCOUNT)),
            client_ip.map(|ip| {
                let key = ratelimit::client_key(ip);
                (Holder::Address(key), caps.per_ip, TOO_MANY_FOR_ADDRESS)
            }),
        ]
        .into_iter()
        .flatten()
        .collect();

        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let (by_holder, total) = &mut *open;
        if *total >= caps.total {
            return Err(TOO_MANY);
        }
        for (holder, cap, close) in &holders {
            if by_holder.get(holder).is_some_and(|n| n >= cap) {
                return Err(*close);
            }
        }
        for (holder, ..) in &holders {
            *by_holder.entry(holder.clone()).or_insert(0) += 1;
        }
        *total += 1;
        Ok(Slot {
            slots: self.clone(),
            holders: holders.into_iter().map(|(holder, ..)| holder).collect(),
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
        let (by_holder, total) = &mut *open;
        *total -= 1;
        for holder in &self.holders {
            if let Some(n) = by_holder.get_mut(holder) {
                *n -= 1;
                if *n == 0 {
                    by_holder.remove(holder);
                }
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

    fn caps(per_session: usize, per_user: usize, per_ip: usize, total: usize) -> Arc<Slots> {
        Slots::new(Caps {
            per_session,
            per_user,
            per_ip,
            total,
        })
    }

    fn viewer(user_id: Option<Uuid>) -> Viewer {
        Viewer {
            series_id: Uuid::new_v4(),
            user_id,
            series_ends: OffsetDateTime::now_utc(),
        }
    }

    #[test]
    fn a_session_may_hold_its_share_and_the_instance_its_total() {
        let slots = caps(2, 10, 10, 3);
        let (a, b) = (viewer(None), viewer(None));
        let a1 = slots.acquire(&a, None).unwrap();
        let _a2 = slots.acquire(&a, None).unwrap();
        assert_eq!(slots.acquire(&a, None).err(), Some(TOO_MANY_FOR_SESSION));
        let _b1 = slots.acquire(&b, None).unwrap();
        assert_eq!(
            slots.acquire(&b, None).err(),
            Some(TOO_MANY),
            "the instance is full"
        );
        drop(a1);
        assert!(
            slots.acquire(&b, None).is_ok(),
            "a freed slot is free for anyone"
        );
    }

    #[test]
    fn an_account_and_an_address_hold_their_share_across_sessions() {
        let slots = caps(5, 2, 3, 100);
        let user = Some(Uuid::new_v4());
        let mut held = Vec::new();
        let mut open = |who: Option<Uuid>, ip: &str| {
            let slot = slots.acquire(&viewer(who), Some(ip));
            let close = slot.as_ref().err().copied();
            held.extend(slot.ok());
            close
        };
        assert_eq!(open(user, "192.0.2.1"), None);
        assert_eq!(open(user, "192.0.2.2"), None);
        assert_eq!(open(user, "192.0.2.3"), Some(TOO_MANY_FOR_ACCOUNT));
        assert_eq!(open(None, "192.0.2.1"), None);
        assert_eq!(open(None, "192.0.2.1"), None);
        assert_eq!(open(None, "192.0.2.1"), Some(TOO_MANY_FOR_ADDRESS));
        // An IPv6 client is its /64.
        for n in 1..=3 {
            assert_eq!(open(None, &format!("2001:db8::{n}")), None);
        }
        assert_eq!(open(None, "2001:db8::4"), Some(TOO_MANY_FOR_ADDRESS));
        assert_eq!(open(None, "192.0.2.9"), None);
    }

    #[test]
    fn closed_sockets_leave_nothing_behind() {
        let slots = caps(5, 5, 100, 100);
        let user = Some(Uuid::new_v4());
        let held: Vec<_> = (0..50)
            .map(|n| {
                let who = viewer(if n < 5 { user } else { None });
                slots.acquire(&who, Some(&format!("192.0.2.{n}"))).unwrap()
            })
            .collect();
        assert_eq!(slots.open(), 50);
        drop(held);
        assert_eq!(slots.open(), 0);
        assert!(slots.open.lock().unwrap().0.is_empty());
    }
}
