//! Issue 11, item 2: guessing at an account, or from an address, locks out
//! fresh browsers but not the owner's browser that logged in before (its
//! device cookie); a device cookie of another account, or a forged one,
//! exempts nothing; and a known browser has a small limit of its own.

use reqwest::header::SET_COOKIE;
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp, error_code, spawn_app_with};

const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "a brand new passphrase";

async fn app(db: PgPool) -> TestApp {
    spawn_app_with(db, |s| {
        s.auth.max_failed_logins_per_hour = 3;
        s.auth.max_failed_logins_per_ip_per_hour = 4;
        s.auth.max_failed_logins_per_device_per_hour = 2;
    })
    .await
}

/// Logs in and out: the browser keeps only its device cookie, whose value
/// is returned.
async fn known_browser(app: &TestApp, username: &str) -> (Browser, String) {
    let browser = app.browser();
    let res = browser.login(username, PASSWORD).await;
    assert_eq!(res.status(), 200);
    let device = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find_map(|v| v.strip_prefix("device="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a device cookie at login");
    assert_eq!(browser.logout().await.status(), 204);
    browser.session().await;
    (browser, device)
}

/// Guesses from fresh browsers until the account (and the IP) are locked.
async fn lock_out(app: &TestApp, username: &str) {
    for _ in 0..3 {
        let res = app.browser().login(username, "wrong password!").await;
        assert_eq!(res.status(), 401);
    }
    let res = app.browser().login(username, PASSWORD).await;
    assert_eq!(res.status(), 429, "a fresh browser is throttled");
    assert!(res.headers().contains_key("retry-after"));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_attacked_account_still_lets_its_owners_known_browser_log_in(db: PgPool) {
    let app = app(db).await;
    app.create_user("ada", PASSWORD).await;
    let (owner, _) = known_browser(&app, "ada").await;
    lock_out(&app, "ada").await;
    // The IP's counter is full too: one more failure from anyone reaches it.
    let res = app.browser().login("nobody", "wrong password!").await;
    assert_eq!(res.status(), 401);
    let res = app.browser().login("nobody", "wrong password!").await;
    assert_eq!(res.status(), 429, "the address is throttled");

    let res = owner.login("ada", PASSWORD).await;
    assert_eq!(res.status(), 200, "the owner's known browser gets in");
    let res = owner.change_password(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), 204, "and may change the password");
    let res = app.browser().login("ada", NEW_PASSWORD).await;
    assert_eq!(res.status(), 429, "fresh browsers stay throttled");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_device_cookie_of_another_account_or_a_forged_one_does_not_bypass_the_throttle(
    db: PgPool,
) {
    let app = app(db).await;
    let ada = app.create_user("ada", PASSWORD).await;
    app.create_user("mallory", PASSWORD).await;
    let (mallory, mallorys_device) = known_browser(&app, "mallory").await;
    lock_out(&app, "ada").await;

    let res = mallory.login("ada", PASSWORD).await;
    assert_eq!(
        error_code(res).await,
        "too_many_attempts",
        "another account's cookie"
    );

    // Mallory's cookie rewritten to name ada: the MAC no longer checks out.
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let mut raw = URL_SAFE_NO_PAD.decode(&mallorys_device).unwrap();
    raw[..16].copy_from_slice(ada.id.as_bytes());
    for forged in [URL_SAFE_NO_PAD.encode(&raw), "garbage".to_owned()] {
        let thief = app.browser();
        thief.set_cookie("device", &forged);
        let res = thief.login("ada", PASSWORD).await;
        assert_eq!(res.status(), 429, "forged cookie {forged}");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_known_browser_has_its_own_small_limit(db: PgPool) {
    let app = app(db).await;
    app.create_user("ada", PASSWORD).await;
    let (owner, _) = known_browser(&app, "ada").await;
    lock_out(&app, "ada").await;

    for _ in 0..2 {
        let res = owner.login("ada", "wrong password!").await;
        assert_eq!(res.status(), 401, "within the device's own limit");
    }
    let res = owner.login("ada", PASSWORD).await;
    assert_eq!(
        res.status(),
        429,
        "past its limit the browser is untrusted, and the account is locked"
    );
}
