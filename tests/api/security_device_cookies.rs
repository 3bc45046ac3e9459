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

/// Security round 3, finding 2: six saved device cookies, an account limit
/// of 5, a per-device limit of 5 and one ceiling of 8 for all the
/// account's devices; addresses are not what is being tested.
async fn hoarded(db: PgPool) -> (TestApp, Vec<String>) {
    let app = spawn_app_with(db, |s| {
        s.auth.max_failed_logins_per_hour = 5;
        s.auth.max_failed_logins_per_ip_per_hour = 1000;
        s.auth.max_failed_logins_per_device_per_hour = 5;
        s.auth.max_failed_device_logins_per_account_per_hour = 8;
    })
    .await;
    app.create_user("ada", PASSWORD).await;
    let mut devices = Vec::new();
    for _ in 0..6 {
        devices.push(known_browser(&app, "ada").await.1);
    }
    (app, devices)
}

/// Guesses through each cookie in turn, up to 5 each, until a 429: the
/// number of guesses whose password was checked.
async fn guess_through(app: &TestApp, devices: &[String], password: &str) -> usize {
    let mut checked = 0;
    for device in devices {
        let thief = app.browser();
        thief.set_cookie("device", device);
        for _ in 0..5 {
            let res = thief.login("ada", password).await;
            match res.status().as_u16() {
                401 => checked += 1,
                429 => return checked,
                other => panic!("unexpected {other}"),
            }
        }
    }
    panic!("{checked} guesses and never throttled");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn device_cookies_saved_before_a_password_change_get_no_more_than_the_account_limit(
    db: PgPool,
) {
    let (app, devices) = hoarded(db).await;
    let owner = app.browser();
    assert_eq!(owner.login("ada", PASSWORD).await.status(), 200);
    let res = owner.change_password(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), 204);
    assert!(
        res.headers()
            .get_all(SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("device=")),
        "the browser that changed it gets a device cookie for the new password"
    );

    let checked = guess_through(&app, &devices, "wrong password!").await;
    assert_eq!(checked, 5, "the cookies are strangers now: the account's 5");
    let res = owner.login("ada", NEW_PASSWORD).await;
    assert_eq!(res.status(), 200, "the owner's new cookie still lets it in");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn all_of_an_accounts_device_cookies_share_one_ceiling(db: PgPool) {
    let (app, devices) = hoarded(db).await;
    // The account's own counter is full, as an attacker would leave it.
    for _ in 0..5 {
        let res = app.browser().login("ada", "wrong password!").await;
        assert_eq!(res.status(), 401);
    }
    let checked = guess_through(&app, &devices, "wrong password!").await;
    assert_eq!(checked, 8, "six cookies, one ceiling of 8, not 6 × 5");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn signing_out_everywhere_or_disabling_retires_the_accounts_device_cookies(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.auth.max_failed_logins_per_hour = 3;
        s.auth.max_failed_logins_per_ip_per_hour = 1000;
    })
    .await;
    let root = crate::people::admin(&app, "root").await;
    for (name, retire) in [
        ("ada", serde_json::Value::Null),
        ("bob", serde_json::json!({"disabled": true})),
    ] {
        let user = app.create_user(name, PASSWORD).await;
        let (owner, _) = known_browser(&app, name).await;
        lock_out(&app, name).await;
        if retire.is_null() {
            let res = root
                .delete(&format!("/api/admin/users/{}/sessions", user.id))
                .await;
            assert_eq!(res.status(), 204);
        } else {
            let path = user.id.to_string();
            assert_eq!(
                crate::people::patch_user(&root, &path, retire)
                    .await
                    .status(),
                200
            );
            let enable = serde_json::json!({"disabled": false});
            assert_eq!(
                crate::people::patch_user(&root, &path, enable)
                    .await
                    .status(),
                200
            );
        }
        let res = owner.login(name, PASSWORD).await;
        assert_eq!(
            res.status(),
            429,
            "{name}: the known browser is a stranger now"
        );
    }
}
