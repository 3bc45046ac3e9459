//! Security round 3, finding 10: attempts refused by the login throttle are
//! counted into one audit event per throttling episode, not written one row
//! each, so a guesser cannot flood the audit log.

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, spawn_app_with};

const PASSWORD: &str = "correct horse battery";

async fn rows(app: &TestApp, kind: &str) -> Vec<Value> {
    sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn sixty_guesses_write_their_three_failures_and_one_throttled_event_with_its_count(
    db: PgPool,
) {
    let app = spawn_app_with(db, |s| {
        s.auth.max_failed_logins_per_hour = 3;
        s.auth.max_failed_logins_per_ip_per_hour = 1000;
    })
    .await;
    app.create_user("ada", PASSWORD).await;

    let browsers: Vec<_> = (0..60).map(|_| app.browser()).collect();
    let answers = futures::future::join_all(
        browsers
            .iter()
            .map(|b| async { b.login("ada", "wrong password!").await.status() }),
    )
    .await;
    assert_eq!(answers.iter().filter(|s| s.as_u16() == 401).count(), 3);
    assert_eq!(answers.iter().filter(|s| s.as_u16() == 429).count(), 57);

    assert_eq!(
        rows(&app, "login_failed").await.len(),
        3,
        "one per checked guess"
    );
    let throttled = rows(&app, "login_throttled").await;
    assert_eq!(
        throttled.len(),
        1,
        "one event for the episode: {throttled:?}"
    );
    assert_eq!(throttled[0]["episode"], "account/ada");
    assert_eq!(throttled[0]["count"], 57, "carrying its count");
    let subject: Option<String> =
        sqlx::query_scalar("SELECT subject FROM audit_events WHERE kind = 'login_throttled'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(subject.as_deref(), Some("ada"));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_new_throttling_episode_is_a_new_event(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.auth.max_failed_logins_per_hour = 1;
        s.auth.max_failed_logins_per_ip_per_hour = 1000;
        s.auth.throttle_window_secs = 2;
    })
    .await;
    app.create_user("ada", PASSWORD).await;
    for _ in 0..2 {
        assert_eq!(
            app.browser().login("ada", "wrong password!").await.status(),
            401
        );
        for _ in 0..4 {
            assert_eq!(
                app.browser().login("ada", "wrong password!").await.status(),
                429
            );
        }
        // The throttle lifts, and the episode with it.
        tokio::time::sleep(std::time::Duration::from_millis(4100)).await;
    }
    let throttled = rows(&app, "login_throttled").await;
    let counts: Vec<&Value> = throttled.iter().map(|d| &d["count"]).collect();
    assert_eq!(counts, [4, 4], "{throttled:?}");
}
