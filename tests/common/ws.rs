//! The browser's WebSockets (tokio-tungstenite): opened with its cookies at
//! its address, read with a deadline.

use std::time::Duration;

use futures::StreamExt;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{self, Message, client::IntoClientRequest, protocol::frame::coding::CloseCode},
};

use super::browser::Browser;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens the WebSocket at `path` where the browser points, with its cookies
/// and the given Origin.
pub async fn open(
    browser: &Browser,
    path: &str,
    origin: Option<&str>,
) -> Result<Socket, tungstenite::Error> {
    let url = format!("ws://{}{path}", browser.base().authority());
    let mut req = url.into_client_request().unwrap();
    let cookie = browser.cookie_header();
    if !cookie.is_empty() {
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
    }
    if let Some(origin) = origin {
        req.headers_mut().insert("origin", origin.parse().unwrap());
    }
    tokio_tungstenite::connect_async(req).await.map(|(s, _)| s)
}

/// The next frame; a test that waits forever is a failed test, not a hang.
async fn next(socket: &mut Socket) -> Message {
    tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("a frame within 10 s")
        .expect("the socket is open")
        .expect("a valid frame")
}

pub async fn next_event(socket: &mut Socket) -> Value {
    match next(socket).await {
        Message::Text(text) => serde_json::from_str(&text).unwrap(),
        other => panic!("expected an event, got {other:?}"),
    }
}

pub async fn expect_close(socket: &mut Socket, code: u16, reason: &str) {
    match next(socket).await {
        Message::Close(Some(frame)) => {
            assert_eq!(frame.code, CloseCode::from(code));
            assert_eq!(frame.reason.as_str(), reason);
        }
        other => panic!("expected close {code}, got {other:?}"),
    }
}
