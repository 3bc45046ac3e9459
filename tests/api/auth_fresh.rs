//! Fresh sign-in for sensitive actions: a session whose last sign-in is
//! older than `auth.fresh_secs` is refused 403 `reauthentication_required`
//! for each of them until the password is given again; rotation keeps the
//! sign-in time, it never slides.

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app},
    people::{PASSWORD, admin, member, patch_user, send_json, user_id},
};

/// Makes every sign-in an hour old.
async fn go_stale(app: &TestApp) {
    sqlx::query("UPDATE session_series SET signed_in_at = now() - interval '1 hour'")
        .execute(&app.db)
        .await
        .unwrap();
}

async fn assert_reauth_required(res: reqwest::Response) {
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "reauthentication_required");
}

async fn reauthenticate(b: &Browser, password: &str) -> reqwest::Response {
    b.post_json("/api/auth/reauthenticate", &json!({ "password": password }))
        .await
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stale_sign_in_cannot_change_the_password_until_it_signs_in_again(db: PgPool) {
    let app = spawn_app(db).await;
    let ada = member(&app, "ada").await;
    go_stale(&app).await;
    let new = "a brand new passphrase";
    assert_reauth_required(ada.change_password(PASSWORD, new).await).await;

    let wrong = reauthenticate(&ada, "not the password").await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(error_code(wrong).await, "invalid_credentials");
    assert_reauth_required(ada.change_password(PASSWORD, new).await).await;

    assert_eq!(reauthenticate(&ada, PASSWORD).await.status(), 204);
    assert_eq!(ada.change_password(PASSWORD, new).await.status(), 204);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stale_sign_in_cannot_create_an_api_token(db: PgPool) {
    let app = spawn_app(db).await;
    let ada = member(&app, "ada").await;
    go_stale(&app).await;
    let body = json!({ "name": "script", "scopes": ["tasks:read"] });
    assert_reauth_required(ada.post_json("/api/tokens", &body).await).await;
    assert_eq!(reauthenticate(&ada, PASSWORD).await.status(), 204);
    assert_eq!(ada.post_json("/api/tokens", &body).await.status(), 201);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stale_sign_in_cannot_turn_two_factor_on_or_off(db: PgPool) {
    let app = spawn_app(db).await;
    let ada = member(&app, "ada").await;
    let (secret, _) = crate::two_factor::enable(&ada).await;
    go_stale(&app).await;
    let code = json!({ "code": crate::two_factor::pyotp_code(&secret, 0) });
    assert_reauth_required(ada.post_json("/api/auth/two-factor/disable", &code).await).await;
    let status: Value = ada.get("/api/auth/two-factor").await.json().await.unwrap();
    assert_eq!(status["enabled"], true);

    let bob = member(&app, "bob").await;
    go_stale(&app).await;
    assert_reauth_required(bob.post("/api/auth/two-factor/setup").await).await;
    let confirm = json!({ "code": "123456" });
    assert_reauth_required(
        bob.post_json("/api/auth/two-factor/confirm", &confirm)
            .await,
    )
    .await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stale_admin_cannot_change_roles_or_disable(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let ada = member(&app, "ada").await;
    let ada_id = user_id(&ada).await;
    go_stale(&app).await;
    assert_reauth_required(patch_user(&root, &ada_id, json!({ "roles": ["admin"] })).await).await;
    assert_reauth_required(patch_user(&root, &ada_id, json!({ "disabled": true })).await).await;
    assert_eq!(ada.me().await.status(), 200, "nothing changed");

    assert_eq!(reauthenticate(&root, PASSWORD).await.status(), 204);
    let res = send_json(
        &root,
        Method::PATCH,
        &format!("/api/admin/users/{ada_id}"),
        &json!({ "disabled": true }),
    )
    .await;
    assert_eq!(res.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn rotation_keeps_the_sign_in_time(db: PgPool) {
    let app = spawn_app(db).await;
    let ada = member(&app, "ada").await;
    go_stale(&app).await;
    assert_eq!(ada.refresh().await.status(), 200);
    ada.session().await;
    let body = json!({ "name": "script", "scopes": ["tasks:read"] });
    assert_reauth_required(ada.post_json("/api/tokens", &body).await).await;
    let fresh: bool = sqlx::query_scalar(
        "SELECT bool_or(signed_in_at > now() - interval '10 minutes') FROM session_series
         WHERE revoked_at IS NULL AND user_id IS NOT NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(!fresh);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_fresh_sign_in_is_enough(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let ada = member(&app, "ada").await;
    let res = patch_user(
        &root,
        &user_id(&ada).await,
        json!({ "roles": ["admin", "member"] }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let body = json!({ "name": "script", "scopes": ["tasks:read"] });
    assert_eq!(ada.post_json("/api/tokens", &body).await.status(), 201);
}
