use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::helpers::{error_code, spawn_app};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn healthz_answers_ok(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/healthz").await;
    assert_eq!(res.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn readyz_is_200_with_a_migrated_database(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/readyz").await;
    assert_eq!(res.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn readyz_is_503_when_the_database_is_gone(db: PgPool) {
    let name = format!("gone_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&db)
        .await
        .unwrap();
    sqlx::query(&format!("DROP DATABASE {name}"))
        .execute(&db)
        .await
        .unwrap();
    let options: PgConnectOptions = (*db.connect_options()).clone().database(&name);
    let app = spawn_app(minutes::db::pool_with(options, 2)).await;
    let res = app.browser().get("/readyz").await;
    assert_eq!(res.status(), 503);
    assert_eq!(error_code(res).await, "database_unreachable");
}

#[sqlx::test(migrations = false)]
async fn readyz_is_503_while_migrations_are_pending(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/readyz").await;
    assert_eq!(res.status(), 503);
    assert_eq!(error_code(res).await, "migrations_pending");
}

#[sqlx::test(migrations = false)]
async fn migrate_is_idempotent(db: PgPool) {
    minutes::db::migrate(&db).await.unwrap();
    minutes::db::migrate(&db).await.unwrap();
    minutes::db::ready(&db).await.unwrap();
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn unknown_route_is_404_in_the_json_error_shape(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/no/such/thing").await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "not_found");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn wrong_method_is_405_in_the_json_error_shape(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().delete("/healthz").await;
    assert_eq!(res.status(), 405);
    assert_eq!(error_code(res).await, "method_not_allowed");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn oversized_json_body_is_413_in_the_json_error_shape(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app
        .browser()
        .client
        .post(app.url("/api/session/refresh"))
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(error_code(res).await, "too_large");
}

/// Metrics are served on their own listener (`ops.metrics_addr`), not the
/// public one.
#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn metrics_count_requests_by_matched_route_on_their_own_listener(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.get("/healthz").await;
    let public = browser.get("/metrics").await;
    assert_eq!(public.status(), 404, "not on the public listener");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let metrics = minutes::ops::Metrics::install().unwrap();
    tokio::spawn(minutes::ops::serve_metrics(listener, metrics));
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("http_requests_total") && l.contains("path=\"/healthz\"")),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn responses_carry_a_request_id(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/healthz").await;
    assert!(res.headers().contains_key("x-request-id"));
}

/// A database outage is the service being unavailable, not a fault: 503
/// with `Retry-After`, also on the session lookup every request starts with.
#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn with_the_database_gone_requests_with_a_session_answer_503(db: PgPool) {
    let app = crate::helpers::spawn_app_with(db, |s| s.session.cache = false).await;
    let browser = app.browser();
    browser.session().await;
    app.db.close().await;
    for path in ["/api/tasks", "/api/session"] {
        let res = browser.get(path).await;
        assert_eq!(res.status(), 503, "{path}");
        assert!(res.headers().contains_key("retry-after"), "{path}");
        assert_eq!(error_code(res).await, "database_unavailable", "{path}");
    }
}
