//! WebSocket floods: sockets are capped per session series and per
//! instance, and a socket ends with its series.

use futures::SinkExt;
use sqlx::PgPool;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::spawn_app_with;
use crate::tasks_ws::{Socket, connect, expect_close, next_event, open};

async fn events(app: &crate::helpers::TestApp, b: &crate::helpers::Browser) -> Socket {
    open(app, b, "/ws", None).await.unwrap()
}

/// An open event socket says nothing until something happens; a ping
/// proves it is still being served.
async fn assert_open(socket: &mut Socket) {
    socket.send(Message::Ping(vec![1].into())).await.unwrap();
    let reply = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match futures::StreamExt::next(socket).await {
                Some(Ok(Message::Pong(_))) => return true,
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return false,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert_eq!(reply, Ok(true), "the socket is open");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn one_session_cannot_hold_more_sockets_than_its_share(db: PgPool) {
    let app = spawn_app_with(db, |s| s.server.max_sockets_per_session = 2).await;
    let flooder = app.browser();
    flooder.session().await;
    let task = flooder.upload_ok("a.txt", "hello").await["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut first = events(&app, &flooder).await;
    let mut second = connect(&app, &flooder, &task, None).await.unwrap();
    assert_eq!(next_event(&mut second).await["status"], "queued");
    let mut third = events(&app, &flooder).await;
    expect_close(&mut third, 4008, "Too many sockets for session").await;

    // Someone else is not affected, and a closed socket frees its slot.
    let other = app.browser();
    other.session().await;
    let mut theirs = events(&app, &other).await;
    assert_open(&mut theirs).await;
    first.close(None).await.unwrap();
    drop(first);
    let mut again = None;
    for _ in 0..50 {
        let mut s = events(&app, &flooder).await;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        s.send(Message::Ping(vec![2].into())).await.unwrap();
        if let Some(Ok(Message::Pong(_))) = futures::StreamExt::next(&mut s).await {
            again = Some(s);
            break;
        }
    }
    assert!(again.is_some(), "the freed slot is usable again");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_instance_holds_no_more_sockets_than_its_total(db: PgPool) {
    let app = spawn_app_with(db, |s| s.server.max_sockets = 2).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let b = app.browser();
        b.session().await;
        let mut s = events(&app, &b).await;
        assert_open(&mut s).await;
        held.push(s);
    }
    let late = app.browser();
    late.session().await;
    let mut refused = events(&app, &late).await;
    expect_close(&mut refused, 1013, "Too many sockets; try again later").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_task_socket_closes_when_its_series_expires(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.anonymous_idle_ttl_secs = 2).await;
    let me = app.browser();
    me.session().await;
    let task = me.upload_ok("a.txt", "hello").await["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut socket = connect(&app, &me, &task, None).await.unwrap();
    assert_eq!(next_event(&mut socket).await["status"], "queued");
    expect_close(&mut socket, 4001, "Session expired").await;
}
