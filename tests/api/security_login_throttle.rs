//! Issue 11, items 3 and 5: concurrent guesses cannot outrun the throttle,
//! the hashing queue is bounded (503 `busy`), registration is throttled per
//! address and a taken name costs no hash.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app_with};

const PASSWORD: &str = "correct horse battery";

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn forty_concurrent_guesses_get_at_most_the_limit_through(db: PgPool) {
    let app = spawn_app_with(db, |s| s.auth.max_failed_logins_per_hour = 5).await;
    app.create_user("ada", PASSWORD).await;
    let browsers: Vec<_> = (0..40).map(|_| app.browser()).collect();
    let answers = join_all(
        browsers
            .iter()
            .map(|b| async { b.login("ada", "wrong password!").await.status() }),
    )
    .await;

    let wrong = answers
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(wrong + throttled, 40, "{answers:?}");
    assert!(wrong <= 5, "{wrong} guesses were checked");
    let checked = app
        .count(
            "SELECT count(*) FROM audit_events
             WHERE kind = 'login_failed' AND detail->>'reason' = 'wrong_password'",
        )
        .await;
    assert!(checked <= 5, "{checked} passwords were verified");
    assert!(
        app.state.accounts.argon2_runs() <= 6,
        "one hash for the account, <= 5 checks"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_full_hashing_queue_answers_busy_with_retry_after(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.auth.max_hash_queue = Some(0);
        // Slow enough that a burst finds every hashing thread busy.
        s.auth.argon2_m_kib = 64 * 1024;
        s.auth.argon2_t = 3;
    })
    .await;
    let browsers: Vec<_> = (0..24).map(|_| app.browser()).collect();
    let answers = join_all(
        browsers
            .iter()
            .enumerate()
            .map(|(i, b)| async move { b.login(&format!("ghost{i}"), "wrong password!").await }),
    )
    .await;

    let mut busy = 0;
    for res in answers {
        match res.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(res.headers().contains_key("retry-after"));
                assert_eq!(error_code(res).await, "busy");
                busy += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(busy > 0, "no request was refused");
    // A refused attempt checked no password, so it is not counted.
    let counted = app
        .count("SELECT count(*) FROM login_attempts WHERE scope = 'ip'")
        .await;
    assert_eq!(counted, 24 - busy);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_eleventh_registration_from_one_address_is_throttled(db: PgPool) {
    let app = spawn_app_with(db, |s| s.auth.max_registrations_per_ip_per_hour = 10).await;
    for i in 0..10 {
        let res = app.browser().register(&format!("user{i}"), PASSWORD).await;
        assert_eq!(res.status(), 201, "registration {i}");
    }
    let res = app.browser().register("user10", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(app.count("SELECT count(*) FROM users").await, 10);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn registering_a_taken_name_or_email_spends_no_hash(db: PgPool) {
    let app = spawn_app_with(db, |_| {}).await;
    let body = json!({ "username": "ada", "email": "ada@example.org", "password": PASSWORD });
    let res = app.browser().post_json("/api/auth/register", &body).await;
    assert_eq!(res.status(), 201);
    let runs = app.state.accounts.argon2_runs();

    let browser = app.browser();
    let res = browser.register("ada", PASSWORD).await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_code(res).await, "username_taken");
    let body = json!({ "username": "bob", "email": "ADA@example.org", "password": PASSWORD });
    let res = browser.post_json("/api/auth/register", &body).await;
    assert_eq!(error_code(res).await, "email_taken");
    assert_eq!(
        app.state.accounts.argon2_runs(),
        runs,
        "no hash was computed"
    );
}
