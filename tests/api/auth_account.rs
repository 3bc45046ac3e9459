use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app};

const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "staple battery horse";

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn me_without_login_is_401_not_authenticated(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let res = browser.me().await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "not_authenticated");
    browser.session().await;
    let res = browser.me().await;
    assert_eq!(res.status(), 401, "an anonymous session is no login");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn logout_revokes_the_series_server_side_and_clears_both_cookies(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    assert_eq!(browser.register("ada", PASSWORD).await.status(), 201);
    let pair = browser.cookies();

    let res = browser.logout().await;
    assert_eq!(res.status(), 204);
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
    assert_eq!(browser.me().await.status(), 401);

    // The old cookies, replayed, are anonymous: no session, nothing to refresh.
    let replayed = app.replay(pair.sid.as_deref(), pair.rt.as_deref(), None);
    assert_eq!(replayed.me().await.status(), 401);
    assert_eq!(replayed.sessions().await, json!({"sessions": []}));
    assert_eq!(
        app.count("SELECT count(*) FROM session_series WHERE revoke_reason = 'logout'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'logout'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn password_change_revokes_other_browsers_and_keeps_this_one(db: PgPool) {
    let app = spawn_app(db).await;
    let (laptop, phone) = (app.browser(), app.browser());
    assert_eq!(laptop.register("ada", PASSWORD).await.status(), 201);
    assert_eq!(phone.login("ada", PASSWORD).await.status(), 200);
    let before = laptop.cookies();

    let res = laptop.change_password(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), 204);
    assert_ne!(
        laptop.cookies().rt,
        before.rt,
        "this browser has a new pair"
    );
    let me: Value = laptop.me().await.json().await.unwrap();
    assert_eq!(me["username"], "ada");
    assert_eq!(phone.me().await.status(), 401, "the other browser is out");

    assert_eq!(app.browser().login("ada", PASSWORD).await.status(), 401);
    assert_eq!(app.browser().login("ada", NEW_PASSWORD).await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'password_changed'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn password_change_needs_the_current_password_and_a_valid_new_one(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    assert_eq!(browser.register("ada", PASSWORD).await.status(), 201);

    let res = browser
        .change_password("wrong password!", NEW_PASSWORD)
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "invalid_credentials");
    let res = browser.change_password(PASSWORD, "short").await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"],
        json!({"new_password": ["too_short"]})
    );

    assert_eq!(browser.me().await.status(), 200, "still logged in");
    assert_eq!(app.browser().login("ada", PASSWORD).await.status(), 200);
}
