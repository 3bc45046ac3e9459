use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_browser_lists_its_own_series_as_current(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    app.browser().session().await;

    let body = browser.sessions().await;
    let sessions = body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "another browser's series is not listed");
    assert_eq!(sessions[0]["current"], true);
    assert_eq!(sessions[0]["ip"], "127.0.0.1");
    for key in ["id", "created_at", "last_seen_at", "user_agent"] {
        assert!(sessions[0].get(key).is_some(), "{key} in {body}");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revoking_another_browsers_series_is_404_and_leaves_it_alone(db: PgPool) {
    let app = spawn_app(db).await;
    let victim = app.browser();
    victim.session().await;
    let victim_series = victim.sessions().await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let attacker = app.browser();
    attacker.session().await;
    let res = attacker
        .delete(&format!("/api/sessions/{victim_series}"))
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "session_not_found");
    assert_eq!(
        victim.sessions().await["sessions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revoking_the_own_series_clears_cookies_and_audits(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let series = browser.sessions().await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = browser.delete(&format!("/api/sessions/{series}")).await;
    assert_eq!(res.status(), 204);
    let cookies = browser.cookies();
    assert!(cookies.sid.is_none() && cookies.rt.is_none());
    assert_eq!(browser.sessions().await["sessions"], Value::Array(vec![]));
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'series_revoked'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revoke_others_for_an_anonymous_caller_keeps_its_own_series(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let other = app.browser();
    other.session().await;
    assert_eq!(
        browser.post("/api/sessions/revoke-others").await.status(),
        204
    );
    assert_eq!(
        browser.sessions().await["sessions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        other.sessions().await["sessions"].as_array().unwrap().len(),
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn deleting_a_session_without_one_is_401(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app
        .browser()
        .delete(&format!("/api/sessions/{}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "no_session");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn purge_removes_expired_and_old_revoked_rows_and_keeps_live_ones(db: PgPool) {
    let app = spawn_app(db).await;
    let live = app.browser();
    live.session().await;
    let expired = app.browser();
    expired.session().await;
    let revoked = app.browser();
    revoked.session().await;
    let live_series = live.sessions().await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let expired_series = expired.sessions().await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked_series = revoked.sessions().await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        revoked
            .delete(&format!("/api/sessions/{revoked_series}"))
            .await
            .status(),
        204
    );

    let past = format!(
        "now() - interval '{} seconds' - interval '1 minute'",
        app.settings.session.revoked_retention_secs
    );
    sqlx::query(&format!(
        "UPDATE session_series SET idle_expires_at = {past} WHERE id = '{expired_series}'"
    ))
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(&format!(
        "UPDATE session_series SET revoked_at = {past} WHERE id = '{revoked_series}'"
    ))
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(&format!(
        "UPDATE tower_sessions.session SET expiry_date = now() - interval '1 second'
         WHERE id = (SELECT current_session_id FROM session_series WHERE id = '{expired_series}')"
    ))
    .execute(&app.db)
    .await
    .unwrap();

    let report = app.purge().await;
    assert_eq!(report.session_ids, 1);
    assert_eq!(report.series, 2);
    let remaining: Vec<String> = sqlx::query_scalar("SELECT id::text FROM session_series")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(remaining, vec![live_series]);
    assert_eq!(
        app.count("SELECT count(*) FROM tower_sessions.session")
            .await,
        1
    );
    assert_eq!(
        live.sessions().await["sessions"].as_array().unwrap().len(),
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn purge_drops_sealed_tokens_once_the_grace_window_is_over(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    assert_eq!(browser.refresh().await.status(), 200);
    let sealed = "SELECT count(*) FROM session_series WHERE pending_token_sealed IS NOT NULL";
    assert_eq!(app.count(sealed).await, 1);

    app.purge().await;
    assert_eq!(app.count(sealed).await, 1, "still inside the grace window");

    sqlx::query("UPDATE session_series SET rotated_at = now() - interval '1 hour'")
        .execute(&app.db)
        .await
        .unwrap();
    let report = app.purge().await;
    assert_eq!(report.sealed_tokens, 1);
    assert_eq!(app.count(sealed).await, 0);
}
