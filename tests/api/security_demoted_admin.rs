//! Security round 3, finding 7: an admin watching someone else's task on
//! `/ws/{task_id}` stops receiving its events the moment the role goes,
//! on every instance, as HTTP answers 404 at once.

use futures::{SinkExt, StreamExt};
use serde_json::json;
use sqlx::PgPool;
use tokio_tungstenite::tungstenite::Message;

use crate::{
    helpers::{Browser, TestApp, spawn_app},
    people::{admin, member, patch_user, user_id},
    tasks_ws::{Socket, connect, expect_close, next_event},
};

/// Alice's queued task (no workers run), and a socket on it for `watcher`.
async fn watched(app: &TestApp, alice: &Browser, watcher: &Browser) -> (String, Socket) {
    let task = alice
        .upload_ok("a.txt", "A meeting that stays queued")
        .await;
    let id = task["task_id"].as_str().unwrap().to_owned();
    let mut socket = connect(app, watcher, &id, None).await.unwrap();
    assert_eq!(next_event(&mut socket).await["status"], "queued");
    (id, socket)
}

async fn still_open(socket: &mut Socket) {
    socket.send(Message::Ping(vec![7].into())).await.unwrap();
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await;
    assert!(
        matches!(answer, Ok(Some(Ok(Message::Pong(_))))),
        "{answer:?}"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_demoted_admins_sockets_on_others_tasks_close_4004_on_every_instance(db: PgPool) {
    let other_pool = PgPool::connect_with((*db.connect_options()).clone())
        .await
        .unwrap();
    let one = spawn_app(db).await;
    let two = spawn_app(other_pool).await;
    let root = admin(&one, "root").await;
    let ann = admin(&one, "ann").await;
    let ann_id = user_id(&ann).await;
    let alice = member(&one, "alice").await;

    let (id, mut on_one) = watched(&one, &alice, &ann).await;
    let mut on_two = connect(&two, &ann, &id, None).await.unwrap();
    assert_eq!(next_event(&mut on_two).await["status"], "queued");
    let own = ann.upload_ok("mine.txt", "Ann's own meeting").await;
    let own_id = own["task_id"].as_str().unwrap();
    let mut on_own = connect(&one, &ann, own_id, None).await.unwrap();
    next_event(&mut on_own).await;

    // Root demotes Ann through instance two.
    let cookies = root.cookies();
    let csrf = root.session().await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let root_on_two = two.replay(cookies.sid.as_deref(), cookies.rt.as_deref(), Some(&csrf));
    let res = patch_user(&root_on_two, &ann_id, json!({"roles": ["member"]})).await;
    assert_eq!(res.status(), 200);

    expect_close(&mut on_one, 4004, "Task not found for session").await;
    expect_close(&mut on_two, 4004, "Task not found for session").await;
    assert_eq!(ann.task(&id).await.status(), 404);
    still_open(&mut on_own).await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn demoting_from_the_command_line_closes_the_socket_too(db: PgPool) {
    let app = spawn_app(db).await;
    let _root = admin(&app, "root").await;
    let ann = admin(&app, "ann").await;
    let alice = member(&app, "alice").await;
    let (_, mut socket) = watched(&app, &alice, &ann).await;

    minutes::admin::set_admin(&app.db, "ann", false)
        .await
        .unwrap();
    expect_close(&mut socket, 4004, "Task not found for session").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_disabled_admins_socket_on_anothers_task_closes(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let ann = admin(&app, "ann").await;
    let ann_id = user_id(&ann).await;
    let alice = member(&app, "alice").await;
    let (_, mut socket) = watched(&app, &alice, &ann).await;

    let res = patch_user(&root, &ann_id, json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    // Every session of a disabled account is revoked: the socket says so.
    expect_close(&mut socket, 4001, "Session revoked").await;
}
