use minutes::auth::{NewAccount, create_user};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app, spawn_app_with};

const PASSWORD: &str = "correct horse battery";

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn register_logs_the_browser_in_and_me_returns_the_user(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let res = browser.register("ada", PASSWORD).await;
    assert_eq!(res.status(), 201);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["username"], "ada");
    assert_eq!(user["email"], Value::Null);
    assert_eq!(user["roles"], json!(["member"]));
    let created = user["created_at"].as_str().unwrap();
    time::OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339)
        .expect("created_at is RFC 3339");

    let me = browser.me().await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>().await.unwrap(), user);
    let session = browser.session().await;
    assert_eq!(session["authenticated"], true);
    assert_eq!(session["user"], user);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'user_registered'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_taken_username_or_email_is_409_whatever_the_email_case(db: PgPool) {
    let app = spawn_app(db).await;
    assert_eq!(app.browser().register("ada", PASSWORD).await.status(), 201);
    let res = app.browser().register("ada", PASSWORD).await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_code(res).await, "username_taken");

    let with_email =
        |name: &str, email: &str| json!({"username": name, "email": email, "password": PASSWORD});
    let res = app
        .browser()
        .post_json("/api/auth/register", &with_email("bob", "Bob@Example.com"))
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .browser()
        .post_json("/api/auth/register", &with_email("rob", "bob@example.COM"))
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_code(res).await, "email_taken");
    assert_eq!(app.count("SELECT count(*) FROM users").await, 2);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn registration_closed_is_403_and_creates_nothing(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.auth.registration = minutes::config::Registration::Closed;
    })
    .await;
    let res = app.browser().register("ada", PASSWORD).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "registration_closed");
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn every_invalid_field_is_named_in_one_422(db: PgPool) {
    let app = spawn_app(db).await;
    let body = json!({"username": "Ada", "email": "not-an-email", "password": "short"});
    let res = app.browser().post_json("/api/auth/register", &body).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(
        body["error"]["fields"],
        json!({
            "username": ["invalid_characters"],
            "email": ["invalid_email"],
            "password": ["too_short"],
        }),
        "uppercase is refused, not folded"
    );

    let res = app.browser().register("ad", PASSWORD).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"], json!({"username": ["too_short"]}));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_password_just_under_the_body_limit_is_refused_with_422_not_413(db: PgPool) {
    let app = spawn_app(db).await;
    // 60,000 characters: under the 64 KiB JSON limit, far over the policy.
    let huge = "x".repeat(60_000);
    let res = app.browser().register("ada", &huge).await;
    assert_eq!(res.status(), 422, "under the body limit, over the policy");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"], json!({"password": ["too_long"]}));
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM session_series").await,
        0,
        "nothing started either"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn user_create_makes_an_admin_who_can_log_in(db: PgPool) {
    let app = spawn_app(db).await;
    let new = NewAccount {
        username: "root".into(),
        email: Some("root@example.com".into()),
        password: PASSWORD.into(),
        admin: true,
    };
    let user = create_user(&app.db, &app.settings.auth, new).await.unwrap();
    assert_eq!(
        user.roles,
        [minutes::auth::Role::Admin, minutes::auth::Role::Member]
    );
    assert_eq!(user.email.as_deref(), Some("root@example.com"));

    let browser = app.browser();
    let res = browser.login("root", PASSWORD).await;
    assert_eq!(res.status(), 200);
    let me: Value = browser.me().await.json().await.unwrap();
    assert_eq!(me["roles"], json!(["admin", "member"]));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn user_create_applies_the_api_rules(db: PgPool) {
    let app = spawn_app(db).await;
    let new = NewAccount {
        username: "Root".into(),
        email: None,
        password: "short".into(),
        admin: true,
    };
    let err = create_user(&app.db, &app.settings.auth, new)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "invalid password: too_short; username: invalid_characters"
    );
    app.create_user("root", PASSWORD).await;
    let again = NewAccount {
        username: "root".into(),
        email: None,
        password: PASSWORD.into(),
        admin: false,
    };
    let err = create_user(&app.db, &app.settings.auth, again)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "this username is taken");
}
