//! Attacks on the per-IP login throttle through forwarding headers.

use serde_json::json;
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app_with};

const PASSWORD: &str = "correct horse battery";

/// Wrong logins from one client, as seen through a proxy on loopback.
async fn guess_from(app: &crate::helpers::TestApp, forwarded_for: &str, times: usize) -> u16 {
    let browser = app.browser();
    let mut last = 0;
    for _ in 0..times {
        last = browser
            .request(reqwest::Method::POST, "/api/auth/login")
            .header("x-forwarded-for", forwarded_for)
            .json(&json!({"username": "ada", "password": "wrong password!!"}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
    }
    last
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn behind_a_trusted_proxy_one_guessing_client_does_not_lock_out_the_others(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.server.trusted_proxies = vec!["127.0.0.1".to_owned().try_into().unwrap()];
        s.auth.max_failed_logins_per_ip_per_hour = 3;
        s.auth.max_failed_logins_per_hour = 100;
    })
    .await;
    app.create_user("ada", PASSWORD).await;

    assert_eq!(guess_from(&app, "203.0.113.9", 3).await, 401);
    assert_eq!(
        guess_from(&app, "203.0.113.9", 1).await,
        429,
        "the guesser is throttled"
    );

    // Everyone else reaches the service through the same proxy address.
    let res = app
        .browser()
        .request(reqwest::Method::POST, "/api/auth/login")
        .header("x-forwarded-for", "198.51.100.7")
        .json(&json!({"username": "ada", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "another client logs in");
    let recorded: Vec<String> =
        sqlx::query_scalar("SELECT host(ip) FROM session_series WHERE user_id IS NOT NULL")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        recorded,
        ["198.51.100.7"],
        "the series records the client, not the proxy"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn forwarding_headers_from_an_untrusted_peer_are_ignored(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.auth.max_failed_logins_per_ip_per_hour = 3;
        s.auth.max_failed_logins_per_hour = 100;
    })
    .await;
    app.create_user("ada", PASSWORD).await;
    // A fresh made-up address on every guess does not escape the throttle.
    for i in 0..3 {
        assert_eq!(guess_from(&app, &format!("203.0.113.{i}"), 1).await, 401);
    }
    let browser = app.browser();
    let res = browser
        .request(reqwest::Method::POST, "/api/auth/login")
        .header("x-forwarded-for", "203.0.113.99")
        .json(&json!({"username": "ada", "password": "wrong password!!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(error_code(res).await, "too_many_attempts");
}
