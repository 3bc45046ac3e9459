//! Disabling accounts and revoking their sessions from the admin endpoints,
//! and the users list.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app},
    people::{PASSWORD, admin, completed, member, patch_user, share, user_id},
};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn disabling_a_user_ends_their_session_refuses_login_and_stops_refresh(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let bob = member(&app, "bob").await;
    let bob_id = user_id(&bob).await;
    let cookies = bob.cookies();
    let csrf = bob.session().await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = patch_user(&root, &bob_id, json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["disabled"], true);
    assert_eq!(user["session_count"], 0);

    // The next request is anonymous.
    let res = bob.me().await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "not_authenticated");
    // The old refresh token does not rotate.
    let old = app.replay(None, cookies.rt.as_deref(), Some(&csrf));
    let res = old.refresh().await;
    assert_eq!(res.status(), 401);
    assert!(old.cookies().sid.is_none(), "no new session was issued");
    // Login with the password is told the account is disabled, and gets
    // no cookie.
    let fresh = app.browser();
    let res = fresh.login("bob", PASSWORD).await;
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none(), "no new series");
    assert_eq!(error_code(res).await, "account_disabled");
    assert_eq!(fresh.me().await.status(), 401);

    // Enabled again: login works; the revoked session stays revoked.
    patch_user(&root, &bob_id, json!({"disabled": false})).await;
    assert_eq!(bob.me().await.status(), 401);
    assert_eq!(fresh.login("bob", PASSWORD).await.status(), 200);
    assert_eq!(fresh.me().await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_disabled_users_live_series_does_not_rotate(db: PgPool) {
    // The rotation itself reads `disabled_at`, whatever revoked (or not yet
    // revoked) the series.
    let app = spawn_app(db).await;
    let bob = member(&app, "bob").await;
    let csrf = bob.session().await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let rt = bob.cookies().rt;
    sqlx::query("UPDATE users SET disabled_at = now() WHERE username = 'bob'")
        .execute(&app.db)
        .await
        .unwrap();
    let old = app.replay(None, rt.as_deref(), Some(&csrf));
    let res = old.refresh().await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "refresh_token_expired");
    // On a plain request the caller is simply anonymous.
    let plain = app.replay(None, rt.as_deref(), Some(&csrf));
    assert_eq!(plain.me().await.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn disabling_the_owner_hides_their_shared_tasks_from_grantees(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let alice_id = user_id(&alice).await;
    let bob = member(&app, "bob").await;
    let id = completed(&app, &alice).await;
    share(&alice, &id, "bob", "view").await;
    assert_eq!(bob.task(&id).await.status(), 200);

    patch_user(&root, &alice_id, json!({"disabled": true})).await;
    assert_eq!(bob.task(&id).await.status(), 404);
    assert!(bob.tasks().await["tasks"].as_array().unwrap().is_empty());

    patch_user(&root, &alice_id, json!({"disabled": false})).await;
    assert_eq!(bob.task(&id).await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_admin_revokes_all_of_a_users_sessions(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let bob = member(&app, "bob").await;
    let bob_id = user_id(&bob).await;
    let laptop = app.browser();
    laptop.session().await;
    laptop.login("bob", PASSWORD).await;

    let res = root
        .delete(&format!("/api/admin/users/{bob_id}/sessions"))
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(bob.me().await.status(), 401);
    assert_eq!(laptop.me().await.status(), 401);
    assert_eq!(root.me().await.status(), 200);
    let res = root
        .delete("/api/admin/users/00000000-0000-0000-0000-000000000000/sessions")
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "user_not_found");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_users_list_pages_by_username_with_disabled_and_session_count(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    for name in ["carol", "alice", "bob"] {
        member(&app, name).await;
    }
    let laptop = app.browser();
    laptop.session().await;
    laptop.login("alice", PASSWORD).await;

    let mut names = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("/api/admin/users?limit=3&cursor={c}"),
            None => "/api/admin/users?limit=3".to_owned(),
        };
        let page: Value = root.get(&query).await.json().await.unwrap();
        for u in page["users"].as_array().unwrap() {
            names.push(u["username"].as_str().unwrap().to_owned());
            if u["username"] == "alice" {
                assert_eq!(u["session_count"], 2);
                assert_eq!(u["disabled"], false);
                assert_eq!(u["roles"], json!(["member"]));
            }
            if u["username"] == "root" {
                assert_eq!(u["roles"], json!(["admin", "member"]));
            }
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(names, ["alice", "bob", "carol", "root"]);
    let res = root.get("/api/admin/users?limit=0").await;
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(res).await, "invalid_limit");
}
