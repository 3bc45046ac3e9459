//! Issue 11, item 7: the sealed copy of the current refresh token, kept to
//! replay it within `session.reuse_grace_secs`, does not outlive that
//! window: the sweep clears it, so does any refresh of its series, and the
//! previous token is then reuse, not a replay.

use sqlx::PgPool;

use crate::helpers::{TestApp, error_code, spawn_app_with};

/// A browser whose series has rotated once; returns the superseded token.
async fn rotated(app: &TestApp) -> (crate::helpers::Browser, String) {
    let browser = app.browser();
    browser.session().await;
    let first = browser.cookies().rt.unwrap();
    assert_eq!(browser.refresh().await.status(), 200);
    assert_eq!(sealed(app).await, 1);
    (browser, first)
}

async fn sealed(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM session_series WHERE pending_token_sealed IS NOT NULL")
        .await
}

/// Moves the rotation out of the grace window without waiting for it.
async fn age_rotation(app: &TestApp) {
    sqlx::query("UPDATE session_series SET rotated_at = rotated_at - interval '1 minute'")
        .execute(&app.db)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_sweep_clears_a_sealed_token_once_its_window_ends(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.reuse_grace_secs = 1).await;
    let (_browser, first) = rotated(&app).await;
    let sweep =
        minutes::session::spawn_sealed_token_sweep(app.db.clone(), app.settings.session.clone());
    age_rotation(&app).await;

    let mut cleared = false;
    for _ in 0..50 {
        if sealed(&app).await == 0 {
            cleared = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    sweep.abort();
    assert!(cleared, "the sweep did not clear the sealed token");

    let thief = app.replay(None, Some(&first), None);
    let res = thief.refresh().await;
    assert_eq!(res.status(), 401, "not replayed");
    assert_eq!(error_code(res).await, "refresh_token_reused");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_refresh_after_the_window_clears_the_sealed_token_even_when_it_fails(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.reuse_grace_secs = 1).await;
    let (browser, _) = rotated(&app).await;
    age_rotation(&app).await;
    sqlx::query("UPDATE session_series SET idle_expires_at = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();

    let res = browser.refresh().await;
    assert_eq!(error_code(res).await, "refresh_token_expired");
    assert_eq!(
        sealed(&app).await,
        0,
        "the expired series keeps no sealed token"
    );
}
