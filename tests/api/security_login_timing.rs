//! Security round 3, finding 8: a failed login for an account whose hash
//! predates a cost increase must not answer sooner than one for an unknown
//! name (which checks a dummy hash at the configured cost), or its timing
//! tells dormant accounts from names nobody has.
//!
//! No wall-clock value is asserted: the bound is relative, measured in the
//! same run, and generous. Unknown-name and stale-account logins take turns
//! so both meet the same load, and the fastest of each is compared: a
//! stale-account failure must take at least a quarter as long as an unknown
//! name's. The configured cost is set high (64 MiB, 3 passes: a check of
//! about a hundred milliseconds and more on a loaded machine) so that the
//! check dominates a request: without the fix a stale-account failure takes
//! the time of a check at the stale parameters (microseconds) plus the
//! request's own work, a small fraction of the unknown name's, while with it
//! only heavy noise on every unknown-name try could bring the two a factor
//! of four apart.

use std::time::{Duration, Instant};

use sqlx::PgPool;

use crate::helpers::{TestApp, spawn_app_with};

const PASSWORD: &str = "correct horse battery";

async fn failed_login(app: &TestApp, username: &str) -> Duration {
    let browser = app.browser();
    let started = Instant::now();
    let res = browser.login(username, "wrong password!").await;
    let took = started.elapsed();
    assert_eq!(res.status(), 401, "{username}");
    took
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_wrong_password_for_a_stale_hash_is_not_answered_sooner_than_an_unknown_name(db: PgPool) {
    // Far above the production parameters: a check costs far more than the
    // rest of a request's work.
    let app = spawn_app_with(db, |s| {
        (s.auth.argon2_m_kib, s.auth.argon2_t) = (65536, 3);
    })
    .await;
    let user = app.create_user("ada", PASSWORD).await;
    // Ada last logged in before the cost was raised: her hash is as cheap
    // as argon2 allows.
    let mut stale = app.settings.auth.clone();
    (stale.argon2_m_kib, stale.argon2_t) = (8, 1);
    let password = minutes::auth::Password::parse(PASSWORD.into()).unwrap();
    let old = minutes::auth::Hasher::new(&stale)
        .unwrap()
        .hash(&password)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(&old)
        .bind(user.id)
        .execute(&app.db)
        .await
        .unwrap();

    let (mut unknown, mut dormant) = (Duration::MAX, Duration::MAX);
    for _ in 0..7 {
        unknown = unknown.min(failed_login(&app, "nobody").await);
        dormant = dormant.min(failed_login(&app, "ada").await);
    }
    assert!(
        dormant * 4 >= unknown,
        "a stale account's failure took {dormant:?}, an unknown name's {unknown:?}"
    );
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, old, "only a successful login re-hashes");
}
