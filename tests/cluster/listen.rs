//! A WebSocket read in the background as a page reads it: every event kept,
//! the close noted, and waits for either with a deadline.

use std::{fmt, time::Duration};

use futures::StreamExt as _;
use serde_json::Value;
use tokio::{sync::watch, task::JoinHandle};
use tokio_tungstenite::tungstenite::Message;

use crate::common::{browser::Browser, ws};

#[derive(Clone, Debug)]
pub struct Closed {
    /// None when the connection ended without a close frame.
    pub code: Option<u16>,
    pub reason: String,
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "{code} {:?}", self.reason),
            None => write!(f, "without a close frame ({})", self.reason),
        }
    }
}

#[derive(Default)]
struct Heard {
    events: Vec<Value>,
    closed: Option<Closed>,
}

pub struct Listener {
    heard: watch::Receiver<Heard>,
    reader: JoinHandle<()>,
}

impl Listener {
    /// Opens `path` where the browser points, with the given Origin.
    pub async fn open(browser: &Browser, path: &str, origin: &str) -> Self {
        let mut socket = ws::open(browser, path, Some(origin))
            .await
            .unwrap_or_else(|e| panic!("{path} on {}: {e}", browser.base()));
        let (tx, heard) = watch::channel(Heard::default());
        let reader = tokio::spawn(async move {
            let closed = loop {
                match socket.next().await {
                    Some(Ok(Message::Text(text))) => {
                        let event = serde_json::from_str(&text).unwrap_or(Value::Null);
                        tx.send_modify(|h| h.events.push(event));
                    }
                    Some(Ok(Message::Close(frame))) => {
                        break Closed {
                            code: frame.as_ref().map(|f| f.code.into()),
                            reason: frame.map(|f| f.reason.to_string()).unwrap_or_default(),
                        };
                    }
                    // tungstenite answers pings itself.
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        break Closed {
                            code: None,
                            reason: e.to_string(),
                        };
                    }
                    None => {
                        break Closed {
                            code: None,
                            reason: "eof".into(),
                        };
                    }
                }
            };
            tx.send_modify(|h| h.closed = Some(closed));
        });
        Listener { heard, reader }
    }

    /// The first event matching `pred`, or None once `within` has passed or
    /// the socket closed without one.
    pub async fn wait_for(&self, within: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        let mut heard = self.heard.clone();
        let found = |h: &Heard| h.events.iter().find(|e| pred(e)).cloned();
        let _ = tokio::time::timeout(
            within,
            heard.wait_for(|h| h.closed.is_some() || found(h).is_some()),
        )
        .await;
        found(&self.heard.borrow())
    }

    /// How the socket closed, if it did within `within`.
    pub async fn wait_closed(&self, within: Duration) -> Option<Closed> {
        let mut heard = self.heard.clone();
        let _ = tokio::time::timeout(within, heard.wait_for(|h| h.closed.is_some())).await;
        self.heard.borrow().closed.clone()
    }

    /// Every event so far.
    pub fn events(&self) -> Vec<Value> {
        self.heard.borrow().events.clone()
    }
}

impl Drop for Listener {
    /// Drops the socket with its reader.
    fn drop(&mut self) {
        self.reader.abort();
    }
}
