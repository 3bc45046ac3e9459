//! Attacks on webhooks, each performed: the SSRF guard with
//! `webhooks.allow_private` off (a name resolving to 127.0.0.1, address
//! literals, plain http), a redirect towards another receiver, another
//! user's endpoints and deliveries (IDOR), and events of tasks the
//! endpoint's owner cannot open.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app, spawn_app_with},
    people::{self, admin, member, patch_user, send_json, user_id},
    webhooks::{Receiver, deliveries, id_of, register, send_test, settled},
};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_guard_refuses_a_name_resolving_to_loopback(db: PgPool) {
    let app = spawn_app_with(db, |s| s.webhooks.allow_private = false).await;
    let alice = member(&app, "alice").await;
    let receiver = Receiver::start(&[]).await;
    // The receiver's own port, under a name: only the resolved address
    // tells it apart from a public host.
    let url = receiver
        .url
        .replace("http://127.0.0.1", "https://localhost");
    let id = id_of(&register(&alice, &url, &["task.completed"]).await);
    let _deliverers = app.start_deliverers();

    send_test(&alice, &id).await;

    let d = settled(&alice, &id, "failed").await;
    let error = d["attempts"][0]["error"].as_str().unwrap();
    assert!(error.contains("is internal"), "{error}");
    assert!(d["attempts"][0]["status_code"].is_null());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        receiver.received().is_empty(),
        "nothing reached the receiver"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn internal_addresses_and_plain_http_are_refused_at_registration(db: PgPool) {
    let app = spawn_app_with(db, |s| s.webhooks.allow_private = false).await;
    let alice = member(&app, "alice").await;
    for (url, problem) in [
        ("https://127.0.0.1/hook", "private_address"),
        (
            "https://169.254.169.254/latest/meta-data",
            "private_address",
        ),
        ("https://10.0.0.7/hook", "private_address"),
        ("https://100.64.0.1/hook", "private_address"),
        ("http://hooks.example.com/in", "https_required"),
        ("https://user:secret@hooks.example.com/", "invalid"),
        ("file:///etc/passwd", "invalid"),
    ] {
        let res = alice
            .post_json(
                "/api/webhooks",
                &json!({ "url": url, "events": ["task.completed"] }),
            )
            .await;
        assert_eq!(res.status(), 422, "{url}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["fields"]["url"][0], problem, "{url}");
    }
    assert_eq!(app.count("SELECT count(*) FROM webhooks").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_redirect_is_not_followed(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let inside = Receiver::start(&[]).await;
    let redirector = Receiver::answering(vec![(302, Some(inside.url.clone()))]).await;
    let id = id_of(&register(&alice, &redirector.url, &["task.completed"]).await);
    let _deliverers = app.start_deliverers();

    send_test(&alice, &id).await;

    let d = settled(&alice, &id, "failed").await;
    assert_eq!(d["attempts"][0]["status_code"], 302);
    assert_eq!(d["attempts"][0]["error"], "redirect not followed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(redirector.received().len(), 1);
    assert!(
        inside.received().is_empty(),
        "the redirect's target got nothing"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn another_users_endpoint_and_deliveries_are_out_of_reach(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let mallory = member(&app, "mallory").await;
    let receiver = Receiver::start(&[]).await;
    let id = id_of(&register(&alice, &receiver.url, &["task.completed"]).await);
    let _deliverers = app.start_deliverers();
    send_test(&alice, &id).await;
    let delivery = settled(&alice, &id, "delivered").await;
    let delivery_id = delivery["id"].as_str().unwrap();

    let list: Value = mallory.get("/api/webhooks").await.json().await.unwrap();
    assert_eq!(list["webhooks"], json!([]));
    for (method, path, code) in [
        (
            Method::GET,
            format!("/api/webhooks/{id}/deliveries"),
            "webhook_not_found",
        ),
        (
            Method::POST,
            format!("/api/webhooks/{id}/test"),
            "webhook_not_found",
        ),
        (
            Method::POST,
            format!("/api/webhooks/{id}/rotate"),
            "webhook_not_found",
        ),
        (
            Method::DELETE,
            format!("/api/webhooks/{id}"),
            "webhook_not_found",
        ),
        (
            Method::PATCH,
            format!("/api/webhooks/{id}"),
            "webhook_not_found",
        ),
        (
            Method::POST,
            format!("/api/webhooks/deliveries/{delivery_id}/redeliver"),
            "delivery_not_found",
        ),
    ] {
        let res = send_json(
            &mallory,
            method.clone(),
            &path,
            &json!({"url": "https://evil.example/"}),
        )
        .await;
        assert_eq!(res.status(), 404, "{method} {path}");
        assert_eq!(error_code(res).await, code, "{method} {path}");
    }
    // Nothing changed: the URL, the secret's state, one delivery, one request.
    let hook: Value = alice.get("/api/webhooks").await.json().await.unwrap();
    assert_eq!(hook["webhooks"][0]["url"], receiver.url.as_str());
    assert!(hook["webhooks"][0]["previous_secret_until"].is_null());
    assert_eq!(deliveries(&alice, &id).await.len(), 1);
    assert_eq!(receiver.received().len(), 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn events_of_tasks_the_owner_cannot_open_are_never_delivered(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let receiver = Receiver::start(&[]).await;
    let events = [
        "task.completed",
        "task.failed",
        "minutes.updated",
        "task.shared",
    ];
    let alices = id_of(&register(&alice, &receiver.url, &events).await);
    // An admin's endpoint for all tasks hears bob's task.
    let boss = admin(&app, "boss").await;
    let all = boss
        .post_json(
            "/api/webhooks",
            &json!({ "url": receiver.url, "events": ["task.completed"], "all_tasks": true }),
        )
        .await;
    assert_eq!(all.status(), 201);
    let _deliverers = app.start_deliverers();

    let task = people::completed(&app, &bob).await;
    // Even shared with alice, bob's task is not hers: her endpoint hears
    // nothing of it (nor of the share).
    assert_eq!(
        people::share(&bob, &task, "alice", "edit").await.status(),
        200
    );

    let got = receiver.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1, "{got:?}");
    assert!(deliveries(&alice, &alices).await.is_empty());
    assert_eq!(
        app.count("SELECT count(*) FROM webhook_deliveries").await,
        1,
        "only the admin's endpoint queued one"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_demoted_admins_all_tasks_endpoint_stops_hearing_other_peoples_tasks(db: PgPool) {
    let app = spawn_app(db).await;
    let boss = admin(&app, "boss").await;
    let chief = admin(&app, "chief").await;
    let bob = member(&app, "bob").await;
    let receiver = Receiver::start(&[]).await;
    let res = boss
        .post_json(
            "/api/webhooks",
            &json!({ "url": receiver.url, "events": ["task.completed"], "all_tasks": true }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let id = id_of(&res.json().await.unwrap());
    // One set of workers for both uploads: each set holds a `LISTEN`
    // connection of the test's small pool for a while.
    let _workers = app.start_workers(1);
    let upload = async || {
        let task = bob
            .upload_ok("standup.txt", "We decided to ship on Friday.")
            .await;
        bob.finished_task(task["task_id"].as_str().unwrap()).await;
    };
    // Queued while boss is an admin, before any deliverer runs …
    upload().await;
    assert_eq!(deliveries(&boss, &id).await.len(), 1);
    // … then boss loses the role: the attempt checks again and sends nothing.
    let boss_id = user_id(&boss).await;
    let res = patch_user(&chief, &boss_id, json!({ "roles": [] })).await;
    assert_eq!(res.status(), 200);
    let _deliverers = app.start_deliverers();

    let d = settled(&boss, &id, "dropped").await;
    assert!(d["attempts"][0]["status_code"].is_null());
    upload().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        receiver.received().is_empty(),
        "nothing of bob's reached boss's endpoint"
    );
    assert_eq!(
        deliveries(&boss, &id).await.len(),
        1,
        "and nothing more is queued"
    );
}
