use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app, spawn_app_with};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn unsafe_request_with_a_session_but_no_csrf_token_is_403(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    browser.set_csrf(None);
    let res = browser.post("/api/sessions/revoke-others").await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "csrf_failed");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn unsafe_request_with_a_wrong_csrf_token_is_403_and_changes_nothing(db: PgPool) {
    let app = spawn_app(db).await;
    let victim = app.browser();
    victim.session().await;
    let series: String = sqlx::query_scalar("SELECT id::text FROM session_series")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // Another series' token is as wrong as a made-up one.
    let other = app.browser();
    let other_token = other.session().await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    victim.set_csrf(Some(&other_token));
    let res = victim.delete(&format!("/api/sessions/{series}")).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "csrf_failed");
    assert_eq!(
        app.count("SELECT count(*) FROM session_series WHERE revoked_at IS NULL")
            .await,
        2
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_right_csrf_token_passes_and_survives_rotation(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    assert_eq!(browser.refresh().await.status(), 200);
    let res = browser.post("/api/sessions/revoke-others").await;
    assert_eq!(res.status(), 204);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_request_without_session_cookies_needs_no_csrf_token(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().refresh().await;
    assert_eq!(
        res.status(),
        401,
        "refused for having no session, not for CSRF"
    );
    assert_eq!(error_code(res).await, "no_session");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_foreign_origin_is_refused_even_with_the_right_token(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let res = browser
        .request(reqwest::Method::POST, "/api/sessions/revoke-others")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "origin_not_allowed");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_own_origin_and_configured_origins_are_allowed(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.server.allowed_origins = vec!["https://app.example".into()];
    })
    .await;
    let browser = app.browser();
    browser.session().await;
    let own = app.base.as_str().trim_end_matches('/').to_owned();
    for origin in [own.as_str(), "https://app.example"] {
        let res = browser
            .request(reqwest::Method::POST, "/api/sessions/revoke-others")
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204, "{origin}");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn cors_is_credentialed_for_configured_origins_only(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.server.allowed_origins = vec!["https://app.example".into()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.browser()
            .client
            .request(reqwest::Method::OPTIONS, app.url("/api/session/refresh"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "x-csrf-token")
            .send()
    };
    let ok = preflight("https://app.example").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    assert_eq!(ok.headers()["access-control-allow-credentials"], "true");
    let evil = preflight("https://evil.example").await.unwrap();
    assert!(!evil.headers().contains_key("access-control-allow-origin"));
}
