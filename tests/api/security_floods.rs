//! Anonymous resource creation has bounds: session starts and anonymous
//! uploads per client, the bytes an anonymous session may store, the
//! queue's fairness counting anonymous owners by address, and audit rows
//! that do not pile up forever. Each test floods and shows the bound hold.

use std::time::Duration;

use reqwest::{
    Method, Response,
    multipart::{Form, Part},
};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{Browser, TestApp, error_code, spawn_app_with};

/// A request as the client at `ip` sends it through our trusted proxy.
fn from(b: &Browser, ip: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
    b.request(method, path).header("x-forwarded-for", ip)
}

async fn upload_from(b: &Browser, ip: &str, bytes: usize) -> Response {
    let part = Part::bytes(vec![b'a'; bytes])
        .file_name("notes.txt")
        .mime_str("text/plain")
        .unwrap();
    from(b, ip, Method::POST, "/api/upload")
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

fn behind_proxy(s: &mut minutes::config::Settings) {
    s.server.trusted_proxies = vec!["127.0.0.1".to_owned().try_into().unwrap()];
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_client_cannot_start_sessions_without_bound(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        behind_proxy(s);
        s.session.max_starts_per_ip_per_minute = 3;
    })
    .await;
    for _ in 0..3 {
        let res = from(&app.browser(), "203.0.113.9", Method::GET, "/api/session")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let res = from(&app.browser(), "203.0.113.9", Method::GET, "/api/session")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(app.count("SELECT count(*) FROM session_series").await, 3);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events").await,
        3,
        "nothing written for the refused start"
    );

    let res = from(&app.browser(), "198.51.100.7", Method::GET, "/api/session")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "another client starts one");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn cookieless_uploads_from_one_client_are_limited_and_users_are_not(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        behind_proxy(s);
        s.storage.max_anonymous_uploads_per_ip_per_hour = 2;
    })
    .await;
    for _ in 0..2 {
        let res = upload_from(&app.browser(), "203.0.113.9", 10).await;
        assert_eq!(res.status(), 201);
    }
    let res = upload_from(&app.browser(), "203.0.113.9", 10).await;
    assert_eq!(res.status(), 429);
    assert_eq!(error_code(res).await, "too_many_attempts");
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 2);

    app.create_user("ada", "correct horse battery").await;
    let ada = app.browser();
    assert_eq!(
        from(&ada, "203.0.113.9", Method::POST, "/api/auth/login")
            .json(&serde_json::json!({"username": "ada", "password": "correct horse battery"}))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    ada.session().await;
    let res = upload_from(&ada, "203.0.113.9", 10).await;
    assert_eq!(
        res.status(),
        201,
        "a logged-in user is not limited as anonymous"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_anonymous_session_cannot_store_more_than_its_share(db: PgPool) {
    let app = spawn_app_with(db, |s| s.storage.max_anonymous_bytes = 100).await;
    let browser = app.browser();
    browser.session().await;
    assert_eq!(upload_from(&browser, "unused", 60).await.status(), 201);
    let res = upload_from(&browser, "unused", 60).await;
    assert_eq!(res.status(), 413);
    assert_eq!(error_code(res).await, "anonymous_quota_exceeded");
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 1);
    assert_eq!(app.stored_files().len(), 1, "the refused file is not kept");

    assert_eq!(
        browser
            .register("ada", "correct horse battery")
            .await
            .status(),
        201
    );
    browser.session().await;
    assert_eq!(
        upload_from(&browser, "unused", 60).await.status(),
        201,
        "an account lifts the cap"
    );
}

/// Jobs of `count` cookieless uploads from `ip`, each its own series.
async fn anonymous_jobs(app: &TestApp, ip: &str, count: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for _ in 0..count {
        let task: Value = upload_from(&app.browser(), ip, 10)
            .await
            .json()
            .await
            .unwrap();
        ids.push(task["task_id"].as_str().unwrap().parse().unwrap());
    }
    ids
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn one_address_with_many_sessions_is_one_owner_for_the_queue(db: PgPool) {
    let app = spawn_app_with(db, behind_proxy).await;
    let flood = anonymous_jobs(&app, "203.0.113.9", 3).await;
    let other = anonymous_jobs(&app, "198.51.100.7", 1).await;
    let lease = Duration::from_secs(60);

    let first = minutes::queue::claim(&app.db, "w1", lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.task_id, flood[0], "the oldest job first");
    let second = minutes::queue::claim(&app.db, "w2", lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        second.task_id, other[0],
        "the flooding address already has a job running, so the other client goes next"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn audit_events_older_than_the_retention_are_purged(db: PgPool) {
    let app = spawn_app_with(db, |s| s.audit.retention_days = 30).await;
    sqlx::query(
        "INSERT INTO audit_events (kind, created_at, detail)
         VALUES ('logout', now() - interval '31 days', '{}'),
                ('logout', now() - interval '29 days', '{}')",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let report = app.purge().await;
    assert_eq!(report.audit_events, 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_events").await, 1);
}
