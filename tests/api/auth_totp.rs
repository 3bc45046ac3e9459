//! Two-factor sign-in as its owner uses it: set up with a secret, its QR
//! code and a confirming code, recovery codes shown once; a password that
//! stops half-way; a code or a recovery code that finishes the sign-in as
//! a password login does; trusting a browser; turning it off. Every code
//! comes from pyotp.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app},
    people::{PASSWORD, member},
    two_factor::{code_step, enable, member_with_totp, password_step, pyotp_code},
};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn setting_up_shows_the_secret_its_qr_code_and_recovery_codes_once(db: PgPool) {
    let app = spawn_app(db).await;
    let ada = member(&app, "ada").await;
    let status: Value = ada.get("/api/auth/two-factor").await.json().await.unwrap();
    assert_eq!(status["enabled"], false);

    let setup: Value = ada
        .post("/api/auth/two-factor/setup")
        .await
        .json()
        .await
        .unwrap();
    let secret = setup["secret"].as_str().unwrap();
    let uri = setup["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/minutes:ada?secret="),
        "{uri}"
    );
    assert!(uri.contains(&format!("secret={secret}&")), "{uri}");
    let qr = ada.get("/api/auth/two-factor/setup/qr.svg").await;
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));

    let wrong = ada
        .post_json("/api/auth/two-factor/confirm", &json!({ "code": "000000" }))
        .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(error_code(wrong).await, "invalid_code");
    let res = ada
        .post_json(
            "/api/auth/two-factor/confirm",
            &json!({ "code": pyotp_code(secret, 0) }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let codes: Value = res.json().await.unwrap();
    assert_eq!(codes["recovery_codes"].as_array().unwrap().len(), 10);

    let status: Value = ada.get("/api/auth/two-factor").await.json().await.unwrap();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 10);
    // Shown once: nothing answers them again, and a second setup is refused.
    let again = ada.post("/api/auth/two-factor/setup").await;
    assert_eq!(again.status(), 409);
    assert_eq!(error_code(again).await, "two_factor_enabled");
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM totp_recovery_codes WHERE length(code_hash) = 32")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, 10, "only SHA-256 hashes are stored");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_password_alone_stops_half_way_without_a_session(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, _, _) = member_with_totp(&app, "ada").await;
    let res = phone.login("ada", PASSWORD).await;
    assert_eq!(res.status(), 202);
    let due: Value = res.json().await.unwrap();
    assert_eq!(due["second_factor"], "totp");
    assert_eq!(phone.me().await.status(), 401);
    let series: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM session_series s JOIN users u ON u.id = s.user_id
         WHERE u.username = 'ada' AND s.revoked_at IS NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(series, 1, "only the browser that set it up");
    let expires: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM expires_at - created_at)::float8 FROM sign_in_challenges",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(expires <= 300.0, "{expires}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_code_from_the_app_finishes_the_sign_in_as_a_password_login_does(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, secret, _) = member_with_totp(&app, "ada").await;
    let task = phone.upload_ok("notes.txt", "anonymous notes").await;
    password_step(&phone, "ada").await;

    let res = code_step(&phone, &pyotp_code(&secret, 0), false).await;
    assert_eq!(res.status(), 200);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["username"], "ada");
    assert_eq!(phone.me().await.status(), 200);
    let tasks = phone.tasks().await;
    assert_eq!(tasks["tasks"][0]["task_id"], task["task_id"], "adopted");
    let method: String = sqlx::query_scalar(
        "SELECT detail->>'method' FROM audit_events WHERE kind = 'login_succeeded'
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(method, "totp");
    // The challenge is used up with it.
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM sign_in_challenges")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_recovery_code_signs_in_once(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, _, codes) = member_with_totp(&app, "ada").await;
    password_step(&phone, "ada").await;
    let typed = codes[3].to_lowercase();
    assert_eq!(code_step(&phone, &typed, false).await.status(), 200);
    phone.logout().await;

    password_step(&phone, "ada").await;
    let res = code_step(&phone, &codes[3], false).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "invalid_code");
    assert_eq!(code_step(&phone, &codes[4], false).await.status(), 200);
    let status: Value = phone
        .get("/api/auth/two-factor")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["recovery_codes_left"], 8);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_trusted_browser_skips_the_code_until_it_is_revoked(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, secret, _) = member_with_totp(&app, "ada").await;
    password_step(&phone, "ada").await;
    assert_eq!(
        code_step(&phone, &pyotp_code(&secret, 0), true)
            .await
            .status(),
        200
    );
    phone.logout().await;

    assert_eq!(phone.login("ada", PASSWORD).await.status(), 200, "trusted");
    phone.logout().await;
    assert_eq!(
        phone.login("ada", PASSWORD).await.status(),
        200,
        "still, on its new device id"
    );
    let list: Value = phone
        .get("/api/auth/trusted-browsers")
        .await
        .json()
        .await
        .unwrap();
    let trusted = list["trusted_browsers"].as_array().unwrap();
    assert_eq!(trusted.len(), 1);
    // Another browser is not trusted.
    let laptop = app.browser();
    password_step(&laptop, "ada").await;

    let id = trusted[0]["id"].as_str().unwrap();
    let res = phone
        .delete(&format!("/api/auth/trusted-browsers/{id}"))
        .await;
    assert_eq!(res.status(), 204);
    phone.logout().await;
    password_step(&phone, "ada").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn turning_it_off_needs_a_code(db: PgPool) {
    let app = spawn_app(db).await;
    let ada = member(&app, "ada").await;
    let (secret, _) = enable(&ada).await;
    let wrong = ada
        .post_json("/api/auth/two-factor/disable", &json!({ "code": "123456" }))
        .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(error_code(wrong).await, "invalid_code");
    let res = ada
        .post_json(
            "/api/auth/two-factor/disable",
            &json!({ "code": pyotp_code(&secret, 0) }),
        )
        .await;
    assert_eq!(res.status(), 204);
    let status: Value = ada.get("/api/auth/two-factor").await.json().await.unwrap();
    assert_eq!(status["enabled"], false);
    assert_eq!(status["recovery_codes_left"], 0);
    let other = app.browser();
    assert_eq!(other.login("ada", PASSWORD).await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_password_change_ends_every_browsers_trust(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, secret, _) = member_with_totp(&app, "ada").await;
    password_step(&phone, "ada").await;
    assert_eq!(
        code_step(&phone, &pyotp_code(&secret, 0), true)
            .await
            .status(),
        200
    );
    phone.logout().await;
    // Another browser changes the password.
    let desk = app.browser();
    password_step(&desk, "ada").await;
    assert_eq!(
        code_step(&desk, &pyotp_code(&secret, 1), false)
            .await
            .status(),
        200
    );
    let new = "a brand new passphrase";
    assert_eq!(desk.change_password(PASSWORD, new).await.status(), 204);

    let res = phone.login("ada", new).await;
    assert_eq!(
        res.status(),
        202,
        "the trust was given under the old password"
    );
}
