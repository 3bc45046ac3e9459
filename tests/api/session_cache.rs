//! The session cache keeps revocation immediate across instances: two
//! `spawn_app`s on one database are two instances, each with its own cache.

use std::time::Duration;

use serde_json::json;
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, spawn_app},
    people::{admin, member, patch_user, user_id},
};

/// Polls (boundedly) until `done` holds; tests never assert wall-clock times.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..1000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("gave up waiting until {what}");
}

fn cache(app: &TestApp) -> &minutes::session::SessionCache {
    app.state.sessions.cache().expect("session.cache is on")
}

/// `browser`'s session ID replayed on `other`, served from `other`'s cache.
async fn cached_elsewhere(browser: &Browser, other: &TestApp) -> (Browser, String) {
    until("the other instance trusts its cache", || {
        cache(other).trusted()
    })
    .await;
    let sid = browser.cookies().sid.unwrap();
    let elsewhere = other.replay(Some(&sid), None, None);
    assert_eq!(elsewhere.me().await.status(), 200);
    assert!(
        cache(other).holds(&sid),
        "the session is served from memory"
    );
    (elsewhere, sid)
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revocation_on_one_instance_refuses_the_cookie_on_another_once_notified(db: PgPool) {
    let one = spawn_app(db.clone()).await;
    let two = spawn_app(db).await;
    let alice = member(&one, "alice").await;
    let (elsewhere, sid) = cached_elsewhere(&alice, &two).await;

    let seen = cache(&two).notifications();
    assert_eq!(alice.logout().await.status(), 204);
    until("the NOTIFY reaches the other instance", || {
        cache(&two).notifications() > seen
    })
    .await;
    assert_eq!(elsewhere.me().await.status(), 401);
    assert!(!cache(&two).holds(&sid));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_revoking_instance_refuses_its_cached_session_before_answering(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let (same, _) = cached_elsewhere(&alice, &app).await;
    let other = alice.cookies();
    // Another of alice's browsers changes the password: every other series goes.
    let phone = app.browser();
    phone.session().await;
    assert_eq!(
        phone.login("alice", crate::people::PASSWORD).await.status(),
        200
    );
    let res = phone
        .change_password(crate::people::PASSWORD, "a brand new passphrase")
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(same.me().await.status(), 401, "no waiting for a NOTIFY");
    assert_eq!(
        app.replay(other.sid.as_deref(), None, None)
            .me()
            .await
            .status(),
        401
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn disabling_a_user_refuses_their_cached_session_on_every_instance(db: PgPool) {
    let one = spawn_app(db.clone()).await;
    let two = spawn_app(db).await;
    let root = admin(&one, "root").await;
    let bob = member(&one, "bob").await;
    let bob_id = user_id(&bob).await;
    let (on_one, _) = cached_elsewhere(&bob, &one).await;
    let (on_two, _) = cached_elsewhere(&bob, &two).await;

    let seen = cache(&two).notifications();
    let res = patch_user(&root, &bob_id, json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        on_one.me().await.status(),
        401,
        "at once where it was disabled"
    );
    until("the NOTIFY reaches the other instance", || {
        cache(&two).notifications() > seen
    })
    .await;
    assert_eq!(on_two.me().await.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn with_its_listen_connection_killed_an_instance_refuses_revoked_sessions_at_once(
    db: PgPool,
) {
    let one = spawn_app(db.clone()).await;
    let two = spawn_app(db.clone()).await;
    let alice = member(&one, "alice").await;
    let (elsewhere, sid) = cached_elsewhere(&alice, &two).await;
    let resyncs = cache(&two).resyncs();

    // Every cache listener of this database (both instances') goes down; the
    // revocation's NOTIFY is sent while the other instance cannot hear it.
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN%session_cache_heartbeat%'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(!killed.is_empty(), "found the LISTEN connections");
    assert_eq!(alice.logout().await.status(), 204);

    until("the other instance notices the lost connection", || {
        cache(&two).resyncs() > resyncs
    })
    .await;
    assert!(!cache(&two).holds(&sid), "its cache was cleared");
    assert_eq!(elsewhere.me().await.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_rotation_drops_only_the_superseded_id_and_its_instance_serves_the_new_one_from_memory(
    db: PgPool,
) {
    let one = spawn_app(db.clone()).await;
    let two = spawn_app(db).await;
    let alice = member(&one, "alice").await;
    until("the rotating instance trusts its cache", || {
        cache(&one).trusted()
    })
    .await;
    let (_, old) = cached_elsewhere(&alice, &two).await;
    let (seen_one, seen_two) = (cache(&one).notifications(), cache(&two).notifications());

    assert_eq!(alice.refresh().await.status(), 200);
    let new = alice.cookies().sid.unwrap();
    assert_ne!(new, old);
    assert!(
        cache(&one).holds(&new),
        "the rotating instance cached the new session ID"
    );
    until("the rotation's NOTIFY reaches both instances", || {
        cache(&one).notifications() > seen_one && cache(&two).notifications() > seen_two
    })
    .await;
    assert!(
        !cache(&two).holds(&old),
        "the superseded ID left the other cache"
    );
    assert!(
        cache(&one).holds(&new),
        "the notification names the superseded ID, not the series: the new one stays"
    );
    assert_eq!(alice.me().await.status(), 200);
}
