use reqwest::header::SET_COOKIE;
use sqlx::PgPool;

use crate::helpers::{spawn_app, spawn_app_with};

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn cookie<'a>(all: &'a [String], name: &str) -> &'a str {
    all.iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {all:?}"))
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn session_cookies_are_httponly_lax_root_path_without_domain(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/api/session").await;
    let all = set_cookies(&res);
    for name in ["sid", "rt"] {
        let c = cookie(&all, name);
        assert!(c.contains("HttpOnly"), "{c}");
        assert!(c.contains("SameSite=Lax"), "{c}");
        assert!(c.contains("Path=/"), "{c}");
        assert!(!c.contains("Domain"), "{c}");
        assert!(
            !c.contains("Secure"),
            "the test profile serves plain http: {c}"
        );
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn cookie_lifetimes_match_the_session_id_ttl_and_the_series_expiry(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/api/session").await;
    let all = set_cookies(&res);
    let ttl = app.settings.session.id_ttl_secs;
    let idle = app.settings.session.anonymous_idle_ttl_secs;
    let max_age = |c: &str| -> u64 {
        c.split("; ")
            .find_map(|p| p.strip_prefix("Max-Age="))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!((ttl - 1..=ttl).contains(&max_age(cookie(&all, "sid"))));
    assert!((idle - 1..=idle).contains(&max_age(cookie(&all, "rt"))));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn secure_profile_sets_secure_host_prefixed_cookies(db: PgPool) {
    let app = spawn_app_with(db, |s| s.session.cookie_secure = true).await;
    let res = app.browser().get("/api/session").await;
    let all = set_cookies(&res);
    for name in ["__Host-sid", "__Host-rt"] {
        let c = cookie(&all, name);
        assert!(c.contains("Secure"), "{c}");
        assert!(c.contains("Path=/"), "{c}");
        assert!(!c.contains("Domain"), "{c}");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_read_without_cookies_creates_no_session(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let res = browser.get("/api/sessions").await;
    assert_eq!(res.status(), 200);
    assert!(set_cookies(&res).is_empty());
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"sessions": []}));
    assert_eq!(app.count("SELECT count(*) FROM session_series").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM tower_sessions.session")
            .await,
        0
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn get_session_starts_one_series_and_reports_it(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let body = browser.session().await;
    assert_eq!(body["authenticated"], false);
    assert!(body["user"].is_null());
    assert!(body["csrf_token"].as_str().unwrap().len() >= 32);
    for key in ["session_expires_at", "refresh_expires_at"] {
        let at = body[key].as_str().unwrap();
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("{key}={at}: {e}"));
    }
    // A second call reuses the session instead of starting another.
    let again = browser.session().await;
    assert_eq!(again["csrf_token"], body["csrf_token"]);
    assert_eq!(app.count("SELECT count(*) FROM session_series").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'series_created'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn refresh_token_is_stored_only_as_a_hash(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let rt = browser.cookies().rt.unwrap();
    let found: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM session_series
         WHERE position(convert_to($1, 'UTF8') IN current_token_hash) > 0
            OR encode(current_token_hash, 'escape') LIKE '%' || $1 || '%'",
    )
    .bind(&rt)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(found, 0);
    let hashed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM session_series WHERE current_token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&rt)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(hashed, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_forged_session_id_is_not_adopted(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    // Well-formed (22 base64url chars = 128 bits) but never issued.
    let forged = "AAAAAAAAAAAAAAAAAAAAAA";
    browser.set_cookie("sid", forged);
    let body = browser.sessions().await;
    assert_eq!(body["sessions"], serde_json::json!([]));

    browser.session().await;
    let sid = browser.cookies().sid.unwrap();
    assert_ne!(sid, forged, "a new ID is issued, the forged one is dropped");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM tower_sessions.session WHERE id = 'AAAAAAAAAAAAAAAAAAAAAA'"
        )
        .await,
        0
    );
}
