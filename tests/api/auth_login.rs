use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app, spawn_app_with};

const PASSWORD: &str = "correct horse battery";

fn task_ids(list: &Value) -> Vec<&str> {
    list["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["task_id"].as_str().unwrap())
        .collect()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn login_rotates_both_cookies_and_the_pre_login_pair_is_dead(db: PgPool) {
    let app = spawn_app(db).await;
    app.create_user("ada", PASSWORD).await;
    let browser = app.browser();
    let anonymous = browser.session().await;
    let before = browser.cookies();

    let res = browser.login("ada", PASSWORD).await;
    assert_eq!(res.status(), 200);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["username"], "ada");
    let after = browser.cookies();
    assert_ne!(after.sid, before.sid);
    assert_ne!(after.rt, before.rt);
    let session = browser.session().await;
    assert_eq!(session["authenticated"], true);
    assert_ne!(
        session["csrf_token"], anonymous["csrf_token"],
        "a new series, a new CSRF token"
    );

    let old_sid = app.replay(before.sid.as_deref(), None, None);
    assert_eq!(old_sid.sessions().await, json!({"sessions": []}));
    let old_rt = app.replay(None, before.rt.as_deref(), None);
    let res = old_rt.refresh().await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        app.count("SELECT count(*) FROM session_series WHERE revoke_reason = 'login'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn anonymous_tasks_are_adopted_at_login_and_outlive_the_old_series(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.revoked_retention_secs = 0).await;
    app.create_user("ada", PASSWORD).await;
    let browser = app.browser();
    browser.session().await;
    let task = browser.upload_ok("notes.txt", "we agreed").await;
    let task_id = task["task_id"].as_str().unwrap();

    assert_eq!(browser.login("ada", PASSWORD).await.status(), 200);
    assert_eq!(task_ids(&browser.tasks().await), [task_id]);
    let stranger = app.browser();
    stranger.session().await;
    assert!(task_ids(&stranger.tasks().await).is_empty());
    assert_eq!(stranger.task(task_id).await.status(), 404);

    // The purge deletes the revoked anonymous series; the adopted task stays.
    assert_eq!(app.purge().await.series, 1);
    assert_eq!(task_ids(&browser.tasks().await), [task_id]);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn two_browsers_of_one_user_share_tasks_and_see_both_series(db: PgPool) {
    let app = spawn_app(db).await;
    app.create_user("ada", PASSWORD).await;
    let (laptop, phone) = (app.browser(), app.browser());
    assert_eq!(laptop.login("ada", PASSWORD).await.status(), 200);
    assert_eq!(phone.login("ada", PASSWORD).await.status(), 200);

    let task = laptop.upload_ok("notes.txt", "we agreed").await;
    let task_id = task["task_id"].as_str().unwrap();
    assert_eq!(task_ids(&phone.tasks().await), [task_id]);

    let sessions = phone.sessions().await;
    let sessions = sessions["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn only_the_right_password_learns_that_an_account_is_disabled(db: PgPool) {
    let app = spawn_app(db).await;
    app.create_user("ada", PASSWORD).await;
    app.create_user("eve", PASSWORD).await;
    sqlx::query("UPDATE users SET disabled_at = now() WHERE username = 'eve'")
        .execute(&app.db)
        .await
        .unwrap();

    // Without the password, an unknown user, a wrong password and a
    // disabled account are byte-identical.
    let mut bodies = vec![];
    for (name, password) in [
        ("nobody", PASSWORD),
        ("ada", "wrong password!"),
        ("eve", "wrong password!"),
    ] {
        let res = app.browser().login(name, password).await;
        assert_eq!(res.status(), 401, "{name}");
        assert!(res.headers().get("set-cookie").is_none(), "{name}");
        bodies.push(res.bytes().await.unwrap());
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[1], bodies[2]);
    let body: Value = serde_json::from_slice(&bodies[0]).unwrap();
    assert_eq!(body["error"]["code"], "invalid_credentials");

    // With it, the owner is told why, and still gets no cookie.
    let res = app.browser().login("eve", PASSWORD).await;
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "account_disabled");

    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT detail->>'reason' FROM audit_events WHERE kind = 'login_failed' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        reasons,
        [
            "unknown_user",
            "wrong_password",
            "wrong_password",
            "disabled"
        ]
    );
    let leaked = app
        .count("SELECT count(*) FROM audit_events WHERE detail::text LIKE '%horse%'")
        .await;
    assert_eq!(leaked, 0, "no password in the audit log");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn login_accepts_any_case_of_the_username(db: PgPool) {
    let app = spawn_app(db).await;
    app.create_user("ada", PASSWORD).await;
    let res = app.browser().login("ADA", PASSWORD).await;
    assert_eq!(res.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_account_is_throttled_with_retry_after_until_its_window_passes(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.auth.throttle_window_secs = 2;
        s.auth.max_failed_logins_per_hour = 2;
    })
    .await;
    app.create_user("ada", PASSWORD).await;
    for _ in 0..2 {
        let res = app.browser().login("ada", "wrong password!").await;
        assert_eq!(res.status(), 401);
    }

    let res = app.browser().login("ada", PASSWORD).await;
    assert_eq!(res.status(), 429, "even the right password waits");
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_eq!(error_code(res).await, "too_many_attempts");
    let res = app.browser().login("bob", PASSWORD).await;
    assert_eq!(res.status(), 401, "other accounts are not affected");

    tokio::time::sleep(std::time::Duration::from_secs(retry_after)).await;
    assert_eq!(app.browser().login("ada", PASSWORD).await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempts WHERE scope = 'account' AND key = 'ada'")
            .await,
        0,
        "a success forgets the account's failures"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'login_throttled'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_ip_is_throttled_across_usernames(db: PgPool) {
    let app = spawn_app_with(db, |s| s.auth.max_failed_logins_per_ip_per_hour = 3).await;
    app.create_user("ada", PASSWORD).await;
    for name in ["x1x", "x2x", "x3x"] {
        assert_eq!(app.browser().login(name, PASSWORD).await.status(), 401);
    }
    let res = app.browser().login("ada", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn login_rehashes_a_password_stored_with_weaker_parameters(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.auth.argon2_m_kib = 1024;
        s.auth.argon2_t = 2;
    })
    .await;
    let user = app.create_user("ada", PASSWORD).await;
    let mut weak = app.settings.auth.clone();
    (weak.argon2_m_kib, weak.argon2_t) = (512, 1);
    let password = minutes::auth::Password::parse(PASSWORD.into()).unwrap();
    let old = minutes::auth::Hasher::new(&weak)
        .unwrap()
        .hash(&password)
        .await
        .unwrap();
    assert!(old.contains("m=512,t=1,p=1"), "{old}");
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(&old)
        .bind(user.id)
        .execute(&app.db)
        .await
        .unwrap();

    assert_eq!(app.browser().login("ada", PASSWORD).await.status(), 200);
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=1024,t=2,p=1$"),
        "{stored}"
    );
    assert_eq!(app.browser().login("ada", PASSWORD).await.status(), 200);
}
