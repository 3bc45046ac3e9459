//! Security round 3, finding 1: a login in flight when an admin disables
//! the account must not outrun the disable, and a session that somehow
//! outlived it must not renew itself through a password change.

use serde_json::json;
use sqlx::PgPool;
use std::time::Duration;

use crate::{
    helpers::{TestApp, error_code, spawn_app_with},
    people::{PASSWORD, admin, patch_user},
};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Hashes slow enough that a disable lands while logins are still hashing;
/// the logins refused as disabled count as failures, so no throttle may get
/// in the way.
async fn app(db: PgPool) -> TestApp {
    spawn_app_with(db, |s| {
        (s.auth.argon2_m_kib, s.auth.argon2_t) = (19456, 2);
        s.auth.max_failed_logins_per_hour = 1000;
        s.auth.max_failed_logins_per_ip_per_hour = 1000;
        s.auth.max_logins_per_account_per_hour = 1000;
    })
    .await
}

async fn live_series(app: &TestApp, user_id: uuid::Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM session_series WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn logins_racing_a_disable_leave_no_live_session_after_it(db: PgPool) {
    let app = app(db).await;
    let root = admin(&app, "root").await;
    let ada = app.create_user("ada", PASSWORD).await;
    let ada_id = ada.id.to_string();

    for round in 0..5 {
        let browsers: Vec<_> = (0..6).map(|_| app.browser()).collect();
        let runs = app.state.accounts.argon2_runs();
        let logins = futures::future::join_all(browsers.iter().map(|b| b.login("ada", PASSWORD)));
        let disable = async {
            // Once a hash runs, its login has read the account as enabled.
            while app.state.accounts.argon2_runs() == runs {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            patch_user(&root, &ada_id, json!({"disabled": true})).await
        };
        let (answers, disabled) = tokio::join!(logins, disable);
        assert_eq!(disabled.status(), 200, "round {round}");

        for (browser, answer) in browsers.iter().zip(&answers) {
            // Logged in before the disable, or told the account is disabled.
            assert!(
                [200, 403].contains(&answer.status().as_u16()),
                "round {round}: {answer:?}"
            );
            let me = browser.me().await;
            assert_eq!(
                me.status(),
                401,
                "round {round}: a session of a login that answered {} outlived the disable",
                answer.status()
            );
        }
        assert_eq!(live_series(&app, ada.id).await, 0, "round {round}");

        let res = patch_user(&root, &ada_id, json!({"disabled": false})).await;
        assert_eq!(res.status(), 200);
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_disabled_users_surviving_session_cannot_change_the_password_or_get_a_series(db: PgPool) {
    let app = app(db).await;
    let ada = app.create_user("ada", PASSWORD).await;
    let browser = app.browser();
    assert_eq!(browser.login("ada", PASSWORD).await.status(), 200);
    // The state the race used to leave: the account disabled, one of its
    // series not revoked.
    sqlx::query("UPDATE users SET disabled_at = now() WHERE id = $1")
        .bind(ada.id)
        .execute(&app.db)
        .await
        .unwrap();
    let hash = || {
        sqlx::query_scalar::<_, String>("SELECT password_hash FROM users WHERE id = $1")
            .bind(ada.id)
            .fetch_one(&app.db)
    };
    let before = hash().await.unwrap();
    let series = app.count("SELECT count(*) FROM session_series").await;

    for _ in 0..3 {
        let res = browser.change_password(PASSWORD, NEW_PASSWORD).await;
        assert_eq!(res.status(), 401);
        assert_eq!(error_code(res).await, "not_authenticated");
    }
    assert_eq!(hash().await.unwrap(), before, "the password did not change");
    assert_eq!(
        app.count("SELECT count(*) FROM session_series").await,
        series,
        "no new series"
    );
    assert_eq!(live_series(&app, ada.id).await, 1, "only the survivor");
}

/// What the race above relies on: concurrent right-password logins of one
/// account all succeed (their throttle bookkeeping used to deadlock, each
/// waiting for a failure row the other had forgotten).
#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn concurrent_logins_to_one_account_all_succeed(db: PgPool) {
    let app = spawn_app_with(db, |s| s.auth.max_logins_per_account_per_hour = 1000).await;
    app.create_user("ada", PASSWORD).await;
    for round in 0..3 {
        // Failures on the account's counter for the logins to forget.
        for _ in 0..3 {
            let res = app.browser().login("ada", "wrong password!").await;
            assert_eq!(res.status(), 401);
        }
        let browsers: Vec<_> = (0..10).map(|_| app.browser()).collect();
        let answers =
            futures::future::join_all(browsers.iter().map(|b| b.login("ada", PASSWORD))).await;
        for answer in answers {
            assert_eq!(answer.status(), 200, "round {round}");
        }
    }
}
