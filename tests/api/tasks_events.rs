//! `GET /ws`, the event socket, and losing access on task sockets. Shares
//! are granted and revoked through the sharing endpoints.

use std::time::Duration;

use futures::StreamExt;
use minutes::jobs::progress::{self, Progress};
use minutes::tasks::{Stage, Status};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{Browser, TestApp, spawn_app};
use crate::people;
use crate::tasks_ws::{Socket, connect, expect_close, next_event, open, ready};

pub const PASSWORD: &str = "correct horse battery";

pub async fn events(app: &TestApp, browser: &Browser) -> Socket {
    open(app, browser, "/ws", None).await.unwrap()
}

/// `events`, once the server has subscribed it: for a test that acts next,
/// whose event would otherwise race the subscription.
async fn watching(app: &TestApp, browser: &Browser) -> Socket {
    let mut socket = events(app, browser).await;
    ready(&mut socket).await;
    socket
}

/// A logged-in browser of a new user, and the user's id.
pub async fn user(app: &TestApp, name: &str) -> (Browser, Uuid) {
    let id = app.create_user(name, PASSWORD).await.id;
    let browser = app.browser();
    assert_eq!(browser.login(name, PASSWORD).await.status(), 200);
    (browser, id)
}

async fn upload(browser: &Browser, name: &str) -> Uuid {
    let task = browser
        .upload_ok(name, "Ann: hello.\nBob: we agreed.\n")
        .await;
    task["task_id"].as_str().unwrap().parse().unwrap()
}

/// The owner shares `task` through the sharing endpoint.
async fn grant_share(owner: &Browser, task: Uuid, grantee: &str, permission: &str) {
    let res = people::share(owner, &task.to_string(), grantee, permission).await;
    assert_eq!(res.status(), 200);
}

/// The owner revokes the share through the sharing endpoint.
async fn revoke_share(owner: &Browser, task: Uuid, grantee: &str) {
    let res = people::unshare(owner, &task.to_string(), grantee).await;
    assert_eq!(res.status(), 204);
}

async fn minutes_saved(db: &PgPool, task: Uuid, version: i32, author: &str) {
    let mut tx = db.begin().await.unwrap();
    minutes::tasks::notify_minutes_updated(&mut tx, task, version, Some(author))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn set_progress(db: &PgPool, task: Uuid, pct: u8) {
    let p = Progress {
        status: Status::Processing,
        stage: Some(Stage::Transcribing),
        progress: pct,
    };
    assert!(progress::update(db, task, &p).await.unwrap());
}

/// The next event, which must be `kind` about `task`.
async fn expect_event(socket: &mut Socket, kind: &str, task: Uuid) -> Value {
    let event = next_event(socket).await;
    assert_eq!(event["type"], kind, "{event}");
    assert_eq!(event["task_id"], task.to_string(), "{event}");
    event
}

/// Asserts the socket stays silent for a moment.
pub async fn expect_silence(socket: &mut Socket) {
    if let Ok(frame) = tokio::time::timeout(Duration::from_millis(300), socket.next()).await {
        panic!("expected silence, got {frame:?}");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_event_socket_follows_my_own_upload_through_completion(db: PgPool) {
    let app = spawn_app(db).await;
    let _workers = app.start_workers(1);
    let me = app.browser();
    me.session().await;
    let mut socket = watching(&app, &me).await;

    let task = upload(&me, "standup.txt").await;
    let first = expect_event(&mut socket, "progress", task).await;
    assert_eq!(first["status"], "queued");
    let mut statuses = vec![];
    loop {
        let event = expect_event(&mut socket, "progress", task).await;
        statuses.push(event["status"].as_str().unwrap().to_owned());
        if event["status"] == "completed" {
            assert_eq!(event["progress"], 100);
            break;
        }
        assert_eq!(event["status"], "processing", "{event}");
    }
    assert!(
        statuses.len() >= 2,
        "processing stages came first: {statuses:?}"
    );
    expect_silence(&mut socket).await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_share_brings_task_shared_then_progress_minutes_and_access_changes(db: PgPool) {
    let app = spawn_app(db).await;
    let (ann, _) = user(&app, "ann").await;
    let (bob, _) = user(&app, "bob").await;
    let (carol, _) = user(&app, "carol").await;
    let task = upload(&ann, "plan.txt").await;
    let mut bobs = watching(&app, &bob).await;
    let mut carols = watching(&app, &carol).await;

    grant_share(&ann, task, "bob", "view").await;
    expect_event(&mut bobs, "task_shared", task).await;

    set_progress(&app.db, task, 30).await;
    let event = expect_event(&mut bobs, "progress", task).await;
    assert_eq!(event["progress"], 30);
    minutes_saved(&app.db, task, 2, "ann").await;
    let event = expect_event(&mut bobs, "minutes_updated", task).await;
    assert_eq!(event["version"], 2);
    assert_eq!(event["author"], "ann");

    // The same share with other rights: said once, with the new access.
    grant_share(&ann, task, "bob", "edit").await;
    let event = expect_event(&mut bobs, "access_changed", task).await;
    assert_eq!(event["access"], "edit");
    grant_share(&ann, task, "bob", "edit").await;
    expect_silence(&mut bobs).await;
    grant_share(&ann, task, "bob", "view").await;
    let event = expect_event(&mut bobs, "access_changed", task).await;
    assert_eq!(event["access"], "view");
    expect_silence(&mut carols).await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn every_state_carries_a_state_version_that_grows_in_events_and_answers_alike(db: PgPool) {
    let app = spawn_app(db).await;
    let me = app.browser();
    me.session().await;
    let mut socket = watching(&app, &me).await;
    let uploaded = me.upload_ok("standup.txt", "Ann: hello.\n").await;
    let task: Uuid = uploaded["task_id"].as_str().unwrap().parse().unwrap();
    let mut last = uploaded["state_version"].as_i64().unwrap();
    let first = expect_event(&mut socket, "progress", task).await;
    assert_eq!(first["state_version"], last, "the upload's own state");
    for pct in [10, 40, 90] {
        set_progress(&app.db, task, pct).await;
        let event = expect_event(&mut socket, "progress", task).await;
        let version = event["state_version"].as_i64().unwrap();
        assert!(version > last, "{version} after {last}");
        last = version;
    }
    let read: Value = me
        .get(&format!("/api/tasks/{task}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["state_version"], last);
    assert_eq!(read["progress"], 90);
    let list: Value = me.get("/api/tasks").await.json().await.unwrap();
    assert_eq!(list["tasks"][0]["state_version"], last);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn after_revocation_access_lost_comes_once_and_nothing_more_about_that_task(db: PgPool) {
    let app = spawn_app(db).await;
    let (ann, _) = user(&app, "ann").await;
    let (bob, _) = user(&app, "bob").await;
    let revoked = upload(&ann, "revoked.txt").await;
    let kept = upload(&ann, "kept.txt").await;
    grant_share(&ann, revoked, "bob", "edit").await;
    grant_share(&ann, kept, "bob", "view").await;
    let mut bobs = watching(&app, &bob).await;
    let mut anns = watching(&app, &ann).await;

    revoke_share(&ann, revoked, "bob").await;
    expect_event(&mut bobs, "access_lost", revoked).await;
    assert_eq!(bob.task(&revoked.to_string()).await.status(), 404);

    set_progress(&app.db, revoked, 50).await;
    minutes_saved(&app.db, revoked, 2, "ann").await;
    // Another change of who may see it: still nothing for Bob.
    user(&app, "carol").await;
    grant_share(&ann, revoked, "carol", "view").await;
    set_progress(&app.db, kept, 60).await;
    let event = expect_event(&mut bobs, "progress", kept).await;
    assert_eq!(event["progress"], 60);
    expect_silence(&mut bobs).await;

    // The owner's socket heard all of it.
    assert_eq!(
        expect_event(&mut anns, "progress", revoked).await["progress"],
        50
    );
    expect_event(&mut anns, "minutes_updated", revoked).await;
    expect_event(&mut anns, "progress", kept).await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_revocation_on_another_instance_reaches_both_sockets_on_this_one(db: PgPool) {
    // Instance two writes through its own pool; instance one holds the sockets.
    let other_pool = PgPool::connect_with((*db.connect_options()).clone())
        .await
        .unwrap();
    let one = spawn_app(db).await;
    let two = spawn_app(other_pool).await;
    let (ann, _) = user(&one, "ann").await;
    let (bob, _) = user(&one, "bob").await;
    let task = upload(&ann, "plan.txt").await;
    grant_share(&ann, task, "bob", "view").await;
    let mut bobs = events(&one, &bob).await;
    let mut watching = connect(&one, &bob, &task.to_string(), None).await.unwrap();
    assert_eq!(next_event(&mut watching).await["status"], "queued");

    // Ann revokes through instance two, with the same cookies.
    let cookies = ann.cookies();
    let csrf = ann.session().await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let ann_on_two = two.replay(cookies.sid.as_deref(), cookies.rt.as_deref(), Some(&csrf));
    revoke_share(&ann_on_two, task, "bob").await;
    expect_event(&mut bobs, "access_lost", task).await;
    expect_close(&mut watching, 4004, "Task not found for session").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_task_socket_of_a_grantee_closes_4004_when_the_share_is_revoked(db: PgPool) {
    let app = spawn_app(db).await;
    let (ann, _) = user(&app, "ann").await;
    let (bob, _) = user(&app, "bob").await;
    let task = upload(&ann, "plan.txt").await;
    grant_share(&ann, task, "bob", "edit").await;
    let mut watching = connect(&app, &bob, &task.to_string(), None).await.unwrap();
    assert_eq!(next_event(&mut watching).await["status"], "queued");

    // A change of permission keeps it open; losing access closes it.
    grant_share(&ann, task, "bob", "view").await;
    set_progress(&app.db, task, 20).await;
    assert_eq!(next_event(&mut watching).await["progress"], 20);
    revoke_share(&ann, task, "bob").await;
    expect_close(&mut watching, 4004, "Task not found for session").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn deleting_a_task_sends_task_deleted_to_owner_and_grantee(db: PgPool) {
    let app = spawn_app(db).await;
    let (ann, _) = user(&app, "ann").await;
    let (bob, _) = user(&app, "bob").await;
    let mut anns = watching(&app, &ann).await;
    let task = upload(&ann, "plan.txt").await;
    expect_event(&mut anns, "progress", task).await;
    grant_share(&ann, task, "bob", "view").await;
    let mut bobs = watching(&app, &bob).await;

    assert_eq!(ann.delete_task(&task.to_string()).await.status(), 204);
    expect_event(&mut anns, "task_deleted", task).await;
    expect_event(&mut bobs, "task_deleted", task).await;
    expect_silence(&mut bobs).await;
}
