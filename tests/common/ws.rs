//! The browser's WebSockets (tokio-tungstenite): opened with its cookies at
//! its address, read with a deadline.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
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

/// Waits until the server reads the socket, and so is subscribed: a ping
/// is answered only from the event loop, which starts after the
/// subscription. A test that acts right after opening would otherwise race
/// the server's subscribing and could miss its event.
pub async fn ready(socket: &mut Socket) {
    socket
        .send(Message::Ping(b"ready".to_vec().into()))
        .await
        .expect("the socket takes a ping");
    match next(socket).await {
        Message::Pong(_) => {}
        other => panic!("expected the pong, got {other:?}"),
    }
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
