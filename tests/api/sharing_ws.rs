//! Losing access closes the grantee's open task socket at once: a revoked
//! share or a disabled owner with 4004, a disabled grantee with 4001.

use serde_json::json;
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, spawn_app},
    people::{admin, member, patch_user, share, unshare, user_id},
    tasks_ws::{connect, expect_close, next_event},
};

/// Alice's queued task (no workers run), shared with Bob to view.
async fn shared_task(app: &TestApp) -> (Browser, Browser, String) {
    let alice = member(app, "alice").await;
    let bob = member(app, "bob").await;
    let task = alice
        .upload_ok("a.txt", "A meeting that stays queued")
        .await;
    let id = task["task_id"].as_str().unwrap().to_owned();
    assert_eq!(share(&alice, &id, "bob", "view").await.status(), 200);
    (alice, bob, id)
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revoking_a_share_closes_the_grantees_socket_4004(db: PgPool) {
    let app = spawn_app(db).await;
    let (alice, bob, id) = shared_task(&app).await;
    let mut socket = connect(&app, &bob, &id, None).await.unwrap();
    assert_eq!(next_event(&mut socket).await["status"], "queued");

    assert_eq!(unshare(&alice, &id, "bob").await.status(), 204);
    expect_close(&mut socket, 4004, "Task not found for session").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn disabling_the_owner_closes_the_grantees_socket_4004(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let (alice, bob, id) = shared_task(&app).await;
    let alice_id = user_id(&alice).await;
    let mut socket = connect(&app, &bob, &id, None).await.unwrap();
    next_event(&mut socket).await;

    patch_user(&root, &alice_id, json!({"disabled": true})).await;
    expect_close(&mut socket, 4004, "Task not found for session").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn disabling_the_grantee_closes_their_socket_4001(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let (_alice, bob, id) = shared_task(&app).await;
    let bob_id = user_id(&bob).await;
    let mut socket = connect(&app, &bob, &id, None).await.unwrap();
    next_event(&mut socket).await;

    patch_user(&root, &bob_id, json!({"disabled": true})).await;
    expect_close(&mut socket, 4001, "Session revoked").await;
}
