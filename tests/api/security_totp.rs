//! Attacks on two-factor sign-in, each performed: a code replayed, a
//! half-finished sign-in taken to another browser or finished too late or
//! after a password change, concurrent wrong codes racing the throttle, a
//! disabled account finishing its sign-in, the secret read from the
//! database.

use data_encoding::BASE32_NOPAD;
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app, spawn_app_with},
    people::{PASSWORD, member},
    two_factor::{code_step, enable, member_with_totp, password_step, pyotp_code},
};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_code_is_accepted_once(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, secret, _) = member_with_totp(&app, "ada").await;
    let code = pyotp_code(&secret, 0);
    password_step(&phone, "ada").await;
    assert_eq!(code_step(&phone, &code, false).await.status(), 200);

    // Someone who watched the code typed, with the password, tries it too.
    let thief = app.browser();
    password_step(&thief, "ada").await;
    let res = code_step(&thief, &code, false).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "invalid_code");
    // An older step than one accepted is no better.
    let res = code_step(&thief, &pyotp_code(&secret, -1), false).await;
    assert_eq!(res.status(), 401);
    assert_eq!(thief.me().await.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_half_finished_sign_in_belongs_to_its_browser(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, secret, _) = member_with_totp(&app, "ada").await;
    password_step(&phone, "ada").await;
    // Another browser with a right code but no challenge of its own.
    let other = app.browser();
    other.session().await;
    let res = code_step(&other, &pyotp_code(&secret, 0), false).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "sign_in_expired");
    assert_eq!(other.me().await.status(), 401);
    // A forged challenge cookie is none either.
    other.set_cookie("signin", "forged-challenge-value");
    let res = code_step(&other, &pyotp_code(&secret, 0), false).await;
    assert_eq!(error_code(res).await, "sign_in_expired");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_half_finished_sign_in_expires(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, secret, _) = member_with_totp(&app, "ada").await;
    password_step(&phone, "ada").await;
    sqlx::query("UPDATE sign_in_challenges SET expires_at = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    let res = code_step(&phone, &pyotp_code(&secret, 0), false).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "sign_in_expired");
    assert_eq!(phone.me().await.status(), 401);
    // The purge clears it.
    assert_eq!(app.purge().await.sign_in_leftovers, 1);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM sign_in_challenges")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_password_change_ends_a_half_finished_sign_in(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = member(&app, "ada").await;
    let (secret, _) = enable(&owner).await;
    let thief = app.browser();
    password_step(&thief, "ada").await;
    let new = "a brand new passphrase";
    assert_eq!(owner.change_password(PASSWORD, new).await.status(), 204);
    let res = code_step(&thief, &pyotp_code(&secret, 0), false).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "sign_in_expired");
    assert_eq!(thief.me().await.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn concurrent_wrong_codes_do_not_pass_the_limit(db: PgPool) {
    let app = spawn_app_with(db, |s| s.auth.max_failed_codes_per_hour = 3).await;
    let (phone, secret, _) = member_with_totp(&app, "ada").await;
    password_step(&phone, "ada").await;
    let right = pyotp_code(&secret, 0);
    // Ten guesses at once, none of them the code.
    let wrong: Vec<String> = (0..10)
        .map(|i| format!("{:06}", (right.parse::<u32>().unwrap() + 1 + i) % 1_000_000))
        .collect();
    let answers =
        futures::future::join_all(wrong.iter().map(|c| code_step(&phone, c, false))).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        7,
        "{statuses:?}"
    );
    // Past the limit even the right code waits.
    let res = code_step(&phone, &right, false).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(phone.me().await.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_disabled_account_cannot_finish_its_sign_in(db: PgPool) {
    let app = spawn_app(db).await;
    let (phone, secret, _) = member_with_totp(&app, "ada").await;
    password_step(&phone, "ada").await;
    sqlx::query("UPDATE users SET disabled_at = now() WHERE username = 'ada'")
        .execute(&app.db)
        .await
        .unwrap();
    let res = code_step(&phone, &pyotp_code(&secret, 0), false).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "account_disabled");
    assert_eq!(phone.me().await.status(), 401);
    let series: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM session_series s JOIN users u ON u.id = s.user_id
         WHERE u.username = 'ada'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(series, 1, "only the series of the registration");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_secret_is_stored_sealed(db: PgPool) {
    let app = spawn_app(db).await;
    let ada = member(&app, "ada").await;
    let (secret, _) = enable(&ada).await;
    let raw = BASE32_NOPAD.decode(secret.as_bytes()).unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT secret_sealed FROM totp_secrets")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(stored.len() > raw.len());
    assert!(!stored.windows(raw.len()).any(|w| w == raw.as_slice()));
    assert!(!String::from_utf8_lossy(&stored).contains(&secret));
}
