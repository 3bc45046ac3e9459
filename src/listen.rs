//! A resilient `LISTEN`: one connection per use, reconnecting with backoff
//! until the pool closes or the receiver goes away. Notifications sent while
//! the connection was down are lost, so every (re)connect is announced as
//! `Event::Resync` for the receiver to catch up from the tables.

use std::{sync::Weak, time::Duration};

use sqlx::{PgPool, postgres::PgListener};

pub enum Event<'a> {
    Notification { channel: &'a str, payload: &'a str },
    Resync,
}

/// What receives the events; held weakly so dropping it ends the listener.
pub trait Receiver: Send + Sync + 'static {
    fn receive(&self, event: Event<'_>);
}

pub fn spawn<R: Receiver>(db: PgPool, channels: &'static [&'static str], receiver: Weak<R>) {
    tokio::spawn(run(db, channels, receiver));
}

async fn run<R: Receiver>(db: PgPool, channels: &'static [&'static str], receiver: Weak<R>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let connected = async {
            let mut listener = PgListener::connect_with(&db).await?;
            listener.listen_all(channels.iter().copied()).await?;
            Ok::<_, sqlx::Error>(listener)
        }
        .await;
        let mut listener = match connected {
            Ok(l) => l,
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(error = %e, ?channels, "cannot LISTEN; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        if !deliver(&receiver, Event::Resync) {
            return;
        }
        loop {
            let delivered = match listener.try_recv().await {
                Ok(Some(n)) => deliver(
                    &receiver,
                    Event::Notification {
                        channel: n.channel(),
                        payload: n.payload(),
                    },
                ),
                // `try_recv` reconnects on the next call.
                Ok(None) => {
                    tracing::warn!(?channels, "LISTEN connection lost; reconnecting");
                    deliver(&receiver, Event::Resync)
                }
                Err(sqlx::Error::PoolClosed) => return,
                Err(e) => {
                    tracing::warn!(error = %e, ?channels, "LISTEN failed; reconnecting");
                    break;
                }
            };
            if !delivered {
                return;
            }
        }
    }
}

/// Hands an event over; false once the receiver is gone.
fn deliver<R: Receiver>(receiver: &Weak<R>, event: Event<'_>) -> bool {
    receiver.upgrade().map(|r| r.receive(event)).is_some()
}
