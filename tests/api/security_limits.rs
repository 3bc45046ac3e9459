//! Headers on every response, and the limits that keep slow or oversized
//! clients from holding the service: each test performs the attack.

use std::time::Duration;

use serde_json::json;
use sqlx::PgPool;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{TestApp, error_code, spawn_app, spawn_app_with};

/// Long enough that only a server that never answers trips it.
const GUARD: Duration = Duration::from_secs(20);

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn every_response_carries_the_security_headers(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    for path in [
        "/api/session",
        "/healthz",
        "/api/no-such-thing",
        "/",
        "/docs/",
    ] {
        let res = browser.get(path).await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "{path}: plain http"
        );
        if path.starts_with("/api") {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
        if h["content-type"].to_str().unwrap().starts_with("text/html") {
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("default-src"), "{path}: {csp}");
        }
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn secure_cookies_come_with_hsts(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.cookie_secure = true).await;
    let res = app.browser().get("/healthz").await;
    let hsts = res.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age="), "{hsts}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn json_bodies_over_64_kib_are_refused(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let padding = "x".repeat(65 * 1024);
    let res = browser
        .post_json(
            "/api/auth/login",
            &json!({"username": "ada", "password": padding}),
        )
        .await;
    assert_eq!(res.status(), 413);
    assert_eq!(error_code(res).await, "too_large");
    let padding = "x".repeat(60 * 1024);
    let res = browser
        .post_json(
            "/api/auth/login",
            &json!({"username": "ada", "password": padding}),
        )
        .await;
    assert_ne!(res.status(), 413, "under the limit the body is read");
}

/// Reads until the server answers or closes; what it said, if anything.
async fn answer(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    tokio::time::timeout(GUARD, stream.read_to_end(&mut buf))
        .await
        .expect("the server lets the connection go")
        .ok();
    String::from_utf8_lossy(&buf).into_owned()
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.socket_addrs(|| None).unwrap()[0])
        .await
        .unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_client_that_never_finishes_its_headers_is_cut_off(db: PgPool) {
    let app = spawn_app_with(db, |s| s.server.header_read_timeout_secs = 1).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    // ... and never sends the rest.
    let said = answer(&mut stream).await;
    assert!(!said.contains("200 OK"), "{said}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn oversized_headers_are_refused(db: PgPool) {
    let app = spawn_app(db).await;
    let mut stream = connect(&app).await;
    let huge = "a".repeat(128 * 1024);
    let request = format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: {huge}\r\n\r\n");
    // The server may stop reading before all of it is written.
    let _ = stream.write_all(request.as_bytes()).await;
    let said = answer(&mut stream).await;
    assert!(!said.contains("200 OK"), "{}", &said[..said.len().min(200)]);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_body_that_stalls_fails_instead_of_holding_the_request(db: PgPool) {
    let app = spawn_app_with(db, |s| s.server.body_idle_timeout_secs = 1).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(
            b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 1000\r\nConnection: close\r\n\r\n{\"username\": ",
        )
        .await
        .unwrap();
    // ... and the other 987 bytes never come.
    let said = answer(&mut stream).await;
    let status = said.lines().next().unwrap_or_default();
    assert!(
        status.starts_with("HTTP/1.1 4"),
        "a client error once the body stalls: {status}"
    );
}
