//! New-device notices: a sign-in from a browser without a device cookie for
//! the account is shown to the account's other sessions, with its browser
//! and address, until dismissed; a browser that signed in before leaves
//! none.

use serde_json::Value;
use sqlx::PgPool;

use crate::{
    helpers::{TestApp, error_code, spawn_app},
    people::{PASSWORD, member},
};

async fn notices(b: &crate::helpers::Browser) -> Vec<Value> {
    let res = b.get("/api/auth/notices").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["notices"].as_array().unwrap().clone()
}

fn firefox(app: &TestApp) -> crate::helpers::Browser {
    let ua = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    crate::helpers::Browser::new(app.base.clone(), reqwest::Client::builder().user_agent(ua))
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_sign_in_from_a_new_browser_is_shown_to_the_others_until_dismissed(db: PgPool) {
    let app = spawn_app(db).await;
    let desk = member(&app, "ada").await;
    assert!(notices(&desk).await.is_empty());

    let laptop = firefox(&app);
    assert_eq!(laptop.login("ada", PASSWORD).await.status(), 200);
    let seen = notices(&desk).await;
    assert_eq!(seen.len(), 1);
    assert!(seen[0]["user_agent"].as_str().unwrap().contains("Firefox"));
    assert_eq!(seen[0]["ip"], "127.0.0.1");
    assert!(notices(&laptop).await.is_empty(), "not told about itself");

    let id = seen[0]["id"].as_str().unwrap();
    assert_eq!(
        desk.delete(&format!("/api/auth/notices/{id}"))
            .await
            .status(),
        204
    );
    assert!(notices(&desk).await.is_empty());
    let again = desk.delete(&format!("/api/auth/notices/{id}")).await;
    assert_eq!(again.status(), 404);
    assert_eq!(error_code(again).await, "notice_not_found");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_browser_that_signed_in_before_leaves_no_notice(db: PgPool) {
    let app = spawn_app(db).await;
    let desk = member(&app, "ada").await;
    let laptop = app.browser();
    assert_eq!(laptop.login("ada", PASSWORD).await.status(), 200);
    let id = notices(&desk).await[0]["id"].as_str().unwrap().to_owned();
    desk.delete(&format!("/api/auth/notices/{id}")).await;

    laptop.logout().await;
    assert_eq!(laptop.login("ada", PASSWORD).await.status(), 200);
    assert!(notices(&desk).await.is_empty());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn another_accounts_notice_cannot_be_dismissed(db: PgPool) {
    let app = spawn_app(db).await;
    let desk = member(&app, "ada").await;
    assert_eq!(app.browser().login("ada", PASSWORD).await.status(), 200);
    let id = notices(&desk).await[0]["id"].as_str().unwrap().to_owned();
    let mallory = member(&app, "mallory").await;
    let res = mallory.delete(&format!("/api/auth/notices/{id}")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(notices(&desk).await.len(), 1);
}
