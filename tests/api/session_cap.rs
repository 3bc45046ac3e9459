//! The cap on browser sessions per account (`auth.max_sessions_per_user`):
//! a sign-in past it revokes the least recently used browser, audited,
//! never an API token; concurrent sign-ins leave no more than the cap.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{TestApp, spawn_app_with},
    people::{PASSWORD, member},
};

async fn live_browsers(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM session_series
         WHERE user_id IS NOT NULL AND kind = 'browser' AND revoked_at IS NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn signing_in_past_the_cap_signs_the_least_recently_used_browser_out(db: PgPool) {
    let app = spawn_app_with(db, |s| s.auth.max_sessions_per_user = Some(2)).await;
    let first = member(&app, "ada").await;
    let token = first
        .post_json(
            "/api/tokens",
            &json!({ "name": "script", "scopes": ["tasks:read"] }),
        )
        .await;
    assert_eq!(token.status(), 201);
    let second = app.browser();
    assert_eq!(second.login("ada", PASSWORD).await.status(), 200);
    // The second is used later than the first.
    sqlx::query(
        "UPDATE session_series SET last_seen_at = now() - interval '1 hour'
         WHERE kind = 'browser' AND created_at = (SELECT min(created_at) FROM session_series
                                                  WHERE user_id IS NOT NULL)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let third = app.browser();
    assert_eq!(third.login("ada", PASSWORD).await.status(), 200);

    assert_eq!(
        first.me().await.status(),
        401,
        "the least recently used is out"
    );
    let session: Value = first.session().await;
    assert_eq!(session["authenticated"], false);
    assert_eq!(second.me().await.status(), 200);
    assert_eq!(third.me().await.status(), 200);
    assert_eq!(live_browsers(&app).await, 2);
    let token_live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM session_series WHERE kind = 'api_token' AND revoked_at IS NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(token_live, 1, "API tokens are not counted nor revoked");
    let reasons: Vec<String> = sqlx::query_scalar(
        "SELECT detail->>'reason' FROM audit_events WHERE kind = 'series_revoked'
         AND detail->>'reason' = 'session_limit'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(reasons.len(), 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn concurrent_sign_ins_leave_no_more_than_the_cap(db: PgPool) {
    let app = spawn_app_with(db, |s| s.auth.max_sessions_per_user = Some(2)).await;
    member(&app, "ada").await;
    let browsers: Vec<_> = (0..6).map(|_| app.browser()).collect();
    let answers =
        futures::future::join_all(browsers.iter().map(|b| b.login("ada", PASSWORD))).await;
    assert!(answers.iter().all(|r| r.status() == 200));
    assert_eq!(live_browsers(&app).await, 2);
    let mut signed_in = 0;
    for b in &browsers {
        if b.me().await.status() == 200 {
            signed_in += 1;
        }
    }
    assert!(signed_in <= 2, "{signed_in}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn without_a_cap_every_sign_in_stays(db: PgPool) {
    let app = spawn_app_with(db, |_| {}).await;
    member(&app, "ada").await;
    for _ in 0..4 {
        assert_eq!(app.browser().login("ada", PASSWORD).await.status(), 200);
    }
    assert_eq!(live_browsers(&app).await, 5);
}
