//! Issue 11, item 4, stepped through deterministically: a login verifies
//! the old password, a password change commits, and only then does the
//! login try to commit. It must be refused, leave no live series for the
//! old password, and its rehash must not write the old password back.
//! Likewise a login that verified the password before the account was
//! disabled (security round 3, finding 1) must not commit after it.

use std::sync::Arc;

use sqlx::PgPool;
use uuid::Uuid;

use super::{AccountError, Accounts, NewAccount, create_user, password::Verdict};
use crate::{
    config::Settings,
    session::{ClientMeta, Sessions},
};

const OLD: &str = "correct horse battery";
const NEW: &str = "a brand new passphrase";

// `Jail::expect_with` fixes its closure's error type to figment's own.
#[allow(clippy::result_large_err)]
fn settings(tweak: impl FnOnce(&mut Settings)) -> Settings {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/config");
    // Read inside a jail: the config tests set environment variables in
    // jails of their own, and a jail at a time holds figment's lock, so
    // none of theirs leaks into these settings.
    let mut loaded = None;
    figment::Jail::expect_with(|_| {
        loaded = Some(Settings::from_figment(Settings::figment(dir, "test")).unwrap());
        Ok(())
    });
    let mut settings = loaded.expect("the jail ran");
    tweak(&mut settings);
    settings
}

async fn user(db: &PgPool, settings: &Settings) -> Uuid {
    let new = NewAccount {
        username: "ada".into(),
        email: None,
        password: OLD.into(),
        admin: false,
    };
    create_user(db, &settings.auth, new).await.unwrap().id
}

fn accounts(db: &PgPool, settings: &Settings) -> Accounts {
    let sessions = Arc::new(Sessions::new(settings, db.clone()).unwrap());
    Accounts::new(db.clone(), settings, sessions).unwrap()
}

async fn live_series(db: &PgPool, user_id: Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM session_series WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db)
    .await
    .unwrap()
}

/// Logs in as a fresh browser would, stopping after the password check;
/// then the owner, in another browser, changes the password.
async fn verified_then_changed(accounts: &Accounts, user_id: Uuid) -> super::login_flow::Verified {
    let client = ClientMeta::default();
    let mut tx = accounts.db.begin().await.unwrap();
    let owner = accounts
        .sessions
        .start_in(&mut tx, Some(user_id), &client)
        .await
        .unwrap()
        .0;
    tx.commit().await.unwrap();
    let verified = accounts
        .verify_login("ada", OLD, None, &client, None)
        .await
        .unwrap();
    accounts
        .change_password(user_id, OLD, NEW.into(), None, &client, &owner)
        .await
        .unwrap();
    verified
}

#[sqlx::test(migrator = "crate::db::MIGRATOR")]
async fn a_login_that_verified_the_old_password_fails_after_a_password_change(db: PgPool) {
    let settings = settings(|_| {});
    let user_id = user(&db, &settings).await;
    let accounts = accounts(&db, &settings);
    let verified = verified_then_changed(&accounts, user_id).await;

    let finished = accounts
        .finish_login(verified, OLD, &ClientMeta::default(), None)
        .await;
    assert!(
        matches!(finished, Err(AccountError::InvalidCredentials)),
        "{finished:?}"
    );
    assert_eq!(
        live_series(&db, user_id).await,
        1,
        "only the series the password change gave its browser"
    );
}

#[sqlx::test(migrator = "crate::db::MIGRATOR")]
async fn an_outdated_hash_rehash_does_not_write_the_old_password_back(db: PgPool) {
    // The account's hash predates stronger parameters, so the login rehashes.
    let weak = settings(|_| {});
    let user_id = user(&db, &weak).await;
    let strong = settings(|s| s.auth.argon2_t = 2);
    let accounts = accounts(&db, &strong);
    let verified = verified_then_changed(&accounts, user_id).await;

    let finished = accounts
        .finish_login(verified, OLD, &ClientMeta::default(), None)
        .await;
    assert!(
        matches!(finished, Err(AccountError::InvalidCredentials)),
        "{finished:?}"
    );
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(
        accounts.hasher.verify(OLD, &stored).await.unwrap(),
        Verdict::Wrong
    );
    assert!(matches!(
        accounts.hasher.verify(NEW, &stored).await.unwrap(),
        Verdict::Right { .. }
    ));
    assert_eq!(live_series(&db, user_id).await, 1);
}

#[sqlx::test(migrator = "crate::db::MIGRATOR")]
async fn a_login_that_verified_before_a_disable_fails_after_it(db: PgPool) {
    let settings = settings(|_| {});
    let user_id = user(&db, &settings).await;
    let accounts = accounts(&db, &settings);
    let client = ClientMeta::default();
    let verified = accounts
        .verify_login("ada", OLD, None, &client, None)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET disabled_at = now() WHERE id = $1")
        .bind(user_id)
        .execute(&db)
        .await
        .unwrap();

    let finished = accounts.finish_login(verified, OLD, &client, None).await;
    assert!(
        matches!(finished, Err(AccountError::AccountDisabled)),
        "{finished:?}"
    );
    assert_eq!(live_series(&db, user_id).await, 0);
    let reason: String = sqlx::query_scalar(
        "SELECT detail->>'reason' FROM audit_events WHERE kind = 'login_failed'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(reason, "disabled");
}
