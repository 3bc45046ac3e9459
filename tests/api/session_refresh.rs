use std::collections::HashSet;

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Browser, error_code, spawn_app, spawn_app_with};

async fn current_series(browser: &Browser) -> Option<String> {
    let body = browser.sessions().await;
    body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .map(|s| s["id"].as_str().unwrap().to_owned())
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn only_a_refresh_token_rotates_transparently_on_a_plain_request(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let series = current_series(&browser).await.unwrap();
    let before = browser.cookies();

    browser.drop_cookie("sid");
    assert_eq!(current_series(&browser).await.as_deref(), Some(&*series));
    let after = browser.cookies();
    assert!(after.sid.is_some(), "a new session ID was set");
    assert_ne!(after.rt, before.rt, "the refresh token rotated");
    assert_eq!(app.count("SELECT count(*) FROM session_series").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_expired_session_id_is_renewed_from_the_refresh_token(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let old_sid = browser.cookies().sid.unwrap();
    sqlx::query("UPDATE tower_sessions.session SET expiry_date = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();

    assert!(current_series(&browser).await.is_some());
    let new_sid = browser.cookies().sid.unwrap();
    assert_ne!(new_sid, old_sid);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn explicit_refresh_rotates_both_cookies_and_kills_the_old_session_id(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let first = browser.session().await;
    let before = browser.cookies();

    let res = browser.refresh().await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["csrf_token"], first["csrf_token"],
        "CSRF token is bound to the series"
    );
    let after = browser.cookies();
    assert_ne!(after.sid, before.sid);
    assert_ne!(after.rt, before.rt);

    let stale = app.replay(before.sid.as_deref(), None, None);
    assert_eq!(
        current_series(&stale).await,
        None,
        "the old session ID is dead"
    );
    assert!(
        current_series(&browser).await.is_some(),
        "the new pair works"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn previous_token_within_grace_gets_the_pair_already_issued(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let session = browser.session().await;
    let csrf = session["csrf_token"].as_str().unwrap();
    let old = browser.cookies();
    assert_eq!(browser.refresh().await.status(), 200);
    let issued = browser.cookies();

    // Another tab still holding the old pair refreshes: it gets the same new pair.
    let tab = app.replay(None, old.rt.as_deref(), Some(csrf));
    let res = tab.refresh().await;
    assert_eq!(res.status(), 200);
    let tab_cookies = tab.cookies();
    assert_eq!(tab_cookies.sid, issued.sid);
    assert_eq!(tab_cookies.rt, issued.rt);

    assert!(current_series(&browser).await.is_some(), "no revocation");
    assert_eq!(
        app.count("SELECT rotation_count FROM session_series").await,
        1,
        "nothing was minted for the replay"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn superseded_token_after_grace_revokes_the_whole_series(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.reuse_grace_secs = 0).await;
    let browser = app.browser();
    let session = browser.session().await;
    let csrf = session["csrf_token"].as_str().unwrap();
    let stolen = browser.cookies();
    assert_eq!(browser.refresh().await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    let thief = app.replay(None, stolen.rt.as_deref(), Some(csrf));
    let res = thief.refresh().await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "refresh_token_reused");

    // The legitimate holder's current pair is dead too.
    assert_eq!(current_series(&browser).await, None);
    let res = browser.refresh().await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM session_series WHERE revoke_reason = 'refresh_token_reused'"
        )
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM tower_sessions.session")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'refresh_token_reused'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_token_two_rotations_old_is_reuse_even_within_grace(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let csrf = browser.session().await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let oldest = browser.cookies();
    assert_eq!(browser.refresh().await.status(), 200);
    assert_eq!(browser.refresh().await.status(), 200);

    let thief = app.replay(None, oldest.rt.as_deref(), Some(&csrf));
    let res = thief.get("/api/sessions").await;
    assert_eq!(
        res.status(),
        401,
        "even a transparent refresh detects reuse"
    );
    assert_eq!(error_code(res).await, "refresh_token_reused");
    assert_eq!(current_series(&browser).await, None);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn twenty_concurrent_refreshes_with_one_token_share_one_new_pair(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let csrf = browser.session().await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let pair = browser.cookies();

    let tabs: Vec<Browser> = (0..20)
        .map(|_| app.replay(pair.sid.as_deref(), pair.rt.as_deref(), Some(&csrf)))
        .collect();
    let statuses = futures::future::join_all(tabs.iter().map(|t| t.refresh())).await;
    for res in statuses {
        assert_eq!(res.status(), 200);
    }
    let issued: HashSet<_> = tabs.iter().map(|t| t.cookies().rt.unwrap()).collect();
    assert_eq!(
        issued.len(),
        1,
        "every tab holds the same new refresh token"
    );
    let sids: HashSet<_> = tabs.iter().map(|t| t.cookies().sid.unwrap()).collect();
    assert_eq!(sids.len(), 1, "and the same new session ID");

    assert_eq!(
        app.count("SELECT count(*) FROM session_series WHERE revoked_at IS NULL")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM tower_sessions.session")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT rotation_count FROM session_series").await,
        1
    );
    assert!(current_series(&tabs[0]).await.is_some());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn expired_series_is_401_and_clears_both_cookies(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    sqlx::query("UPDATE session_series SET idle_expires_at = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM tower_sessions.session")
        .execute(&app.db)
        .await
        .unwrap();

    let res = browser.refresh().await;
    assert_eq!(res.status(), 401);
    let cleared: Vec<_> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    for name in ["sid=", "rt="] {
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with(name) && c.contains("Max-Age=0")),
            "{cleared:?}"
        );
    }
    assert_eq!(error_code(res).await, "refresh_token_expired");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn idle_expiry_slides_on_rotation_but_absolute_expiry_does_not(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.session.anonymous_idle_ttl_secs = 600;
        s.session.refresh_absolute_ttl_secs = 3600;
    })
    .await;
    let browser = app.browser();
    browser.session().await;
    let expiries = || async {
        sqlx::query_as::<_, (time::OffsetDateTime, time::OffsetDateTime)>(
            "SELECT idle_expires_at, absolute_expires_at FROM session_series",
        )
        .fetch_one(&app.db)
        .await
        .unwrap()
    };
    let (idle1, abs1) = expiries().await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(browser.refresh().await.status(), 200);
    let (idle2, abs2) = expiries().await;
    assert!(idle2 > idle1, "idle expiry slides");
    assert_eq!(abs2, abs1, "absolute expiry never moves");

    // Near the absolute end, idle expiry is capped by it.
    sqlx::query("UPDATE session_series SET absolute_expires_at = now() + interval '60 seconds'")
        .execute(&app.db)
        .await
        .unwrap();
    let res = browser.refresh().await;
    let body: Value = res.json().await.unwrap();
    let (idle3, abs3) = expiries().await;
    assert_eq!(idle3, abs3);
    let reported = time::OffsetDateTime::parse(
        body["refresh_expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!((reported - abs3).abs() < time::Duration::seconds(1));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn refresh_without_a_usable_token_is_401_no_session(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().refresh().await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "no_session");

    let garbage = app.replay(None, Some("not-a-token"), None);
    let res = garbage.refresh().await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "no_session");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_revoked_series_old_cookies_are_anonymous_at_once(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let csrf = browser.session().await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let pair = browser.cookies();
    let series = current_series(&browser).await.unwrap();

    let res = browser.delete(&format!("/api/sessions/{series}")).await;
    assert_eq!(res.status(), 204);

    let old = app.replay(pair.sid.as_deref(), None, None);
    assert_eq!(current_series(&old).await, None);
    let old_rt = app.replay(None, pair.rt.as_deref(), Some(&csrf));
    let res = old_rt.refresh().await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "no_session");
}
