//! `GET /ws` and the session: it ends with the session (4001), refuses a
//! foreign Origin, and is documented with its messages.

use std::time::Duration;

use futures::StreamExt;
use sqlx::PgPool;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::helpers::{spawn_app, spawn_app_with};
use crate::tasks_events::{PASSWORD, events, expect_silence, user};
use crate::tasks_ws::{expect_close, open};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revoking_the_session_closes_the_event_socket_4001(db: PgPool) {
    let app = spawn_app(db).await;
    let (laptop, _) = user(&app, "ann").await;
    let phone = app.browser();
    assert_eq!(phone.login("ann", PASSWORD).await.status(), 200);
    let mut laptops = events(&app, &laptop).await;
    let mut phones = events(&app, &phone).await;

    let sessions = phone.sessions().await;
    let laptop_series = sessions["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = phone
        .delete(&format!("/api/sessions/{laptop_series}"))
        .await;
    assert_eq!(res.status(), 204);
    expect_close(&mut laptops, 4001, "Session revoked").await;

    assert_eq!(phone.logout().await.status(), 204);
    expect_close(&mut phones, 4001, "Session revoked").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_event_socket_closes_4001_when_the_series_expires(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.anonymous_idle_ttl_secs = 2).await;
    let me = app.browser();
    me.session().await;
    let mut socket = events(&app, &me).await;
    expect_close(&mut socket, 4001, "Session expired").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_caller_without_a_session_is_closed_4001_at_once(db: PgPool) {
    let app = spawn_app(db).await;
    let nobody = app.browser();
    let mut socket = events(&app, &nobody).await;
    expect_close(&mut socket, 4001, "No session").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_event_socket_refuses_a_foreign_origin_before_upgrade(db: PgPool) {
    let app = spawn_app(db).await;
    let me = app.browser();
    me.session().await;
    match open(&app, &me, "/ws", Some("https://evil.example")).await {
        Err(tungstenite::Error::Http(res)) => assert_eq!(res.status(), 403),
        other => panic!("expected an HTTP refusal, got {other:?}"),
    }
    let own = app.base.as_str().trim_end_matches('/').to_owned();
    assert!(open(&app, &me, "/ws", Some(&own)).await.is_ok());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_large_client_message_closes_the_event_socket(db: PgPool) {
    let app = spawn_app(db).await;
    let me = app.browser();
    me.session().await;
    let mut socket = events(&app, &me).await;
    futures::SinkExt::send(&mut socket, Message::text("x".repeat(64 * 1024)))
        .await
        .unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("the server ends the socket");
    assert!(!matches!(closed, Some(Ok(Message::Text(_)))), "{closed:?}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_series_kept_alive_by_the_browser_keeps_its_event_socket_open(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.anonymous_idle_ttl_secs = 4).await;
    let me = app.browser();
    me.session().await;
    let mut socket = events(&app, &me).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(me.refresh().await.status(), 200);

    // Past the deadline known at connect, the socket is still open…
    tokio::time::sleep(Duration::from_millis(2800)).await;
    expect_silence(&mut socket).await;
    // …until the slid deadline passes too.
    expect_close(&mut socket, 4001, "Session expired").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_event_messages_are_documented_with_their_types_as_enums(db: PgPool) {
    let app = spawn_app(db).await;
    let doc = app.openapi().await;
    let schemas = &doc["components"]["schemas"];
    for name in ["ProgressEvent", "MinutesUpdatedEvent", "VisibilityEvent"] {
        assert!(schemas[name].is_object(), "{name} is a component");
    }
    let kinds: Vec<&str> = schemas["Visibility"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["task_shared", "access_lost", "task_deleted"]);
    assert!(doc["paths"]["/ws"]["get"].is_object());
}
