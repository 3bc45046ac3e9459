//! Who reaches the admin endpoints, and what an admin may do with any task.

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app},
    people::{admin, failed, member, patch_user, retry, send_json, user_id},
};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn every_admin_endpoint_is_401_anonymous_and_403_for_a_member(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let bob = member(&app, "bob").await;
    let bob_id = user_id(&bob).await;
    let task = failed(&app, &bob).await;
    let anonymous = app.browser();
    let endpoints = [
        (Method::GET, "/api/admin/users".to_owned(), None),
        (
            Method::PATCH,
            format!("/api/admin/users/{bob_id}"),
            Some(json!({"roles": ["admin"]})),
        ),
        (
            Method::DELETE,
            format!("/api/admin/users/{bob_id}/sessions"),
            None,
        ),
        (Method::GET, "/api/admin/tasks".to_owned(), None),
        (
            Method::PUT,
            format!("/api/admin/tasks/{task}/shares/root"),
            Some(json!({"permission": "view"})),
        ),
        (
            Method::DELETE,
            format!("/api/admin/tasks/{task}/shares/root"),
            None,
        ),
        (Method::GET, "/api/admin/audit".to_owned(), None),
    ];
    for (method, path, body) in &endpoints {
        for (who, status, code) in [
            (&anonymous, 401, "not_authenticated"),
            (&bob, 403, "forbidden"),
        ] {
            let mut req = who.request(method.clone(), path);
            if let Some(body) = body {
                req = req.json(body);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), status, "{method} {path}");
            assert_eq!(error_code(res).await, code, "{method} {path}");
        }
    }
    // Nothing changed, and the admin still gets through.
    assert_eq!(bob.me().await.status(), 200);
    assert_eq!(app.count("SELECT count(*) FROM task_shares").await, 0);
    assert_eq!(root.get("/api/admin/users").await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_admin_sees_retries_shares_and_deletes_any_task(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let id = failed(&app, &alice).await;

    // Not in the admin's own list, but in the admin list with its owner.
    assert!(root.tasks().await["tasks"].as_array().unwrap().is_empty());
    let all: Value = root
        .get("/api/admin/tasks?owner=alice")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(all["tasks"][0]["access"], "admin");
    assert_eq!(all["tasks"][0]["owner"]["username"], "alice");
    let none: Value = root
        .get("/api/admin/tasks?owner=bob")
        .await
        .json()
        .await
        .unwrap();
    assert!(none["tasks"].as_array().unwrap().is_empty());

    let task: Value = root.task(&id).await.json().await.unwrap();
    assert_eq!(task["access"], "admin");
    assert_eq!(root.media(&id).await.status(), 200);
    assert_eq!(retry(&root, &id).await.status(), 200);

    let path = format!("/api/admin/tasks/{id}/shares/bob");
    let res = send_json(&root, Method::PUT, &path, &json!({"permission": "view"})).await;
    assert_eq!(res.status(), 200);
    let share: Value = res.json().await.unwrap();
    assert_eq!(share["granted_by"], "root");
    assert_eq!(bob.task(&id).await.status(), 200);
    assert_eq!(root.delete(&path).await.status(), 204);
    assert_eq!(bob.task(&id).await.status(), 404);

    assert_eq!(root.delete_task(&id).await.status(), 204);
    assert_eq!(alice.task(&id).await.status(), 404);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn removing_the_admin_role_takes_effect_on_the_next_request(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let bob = member(&app, "bob").await;
    let bob_id = user_id(&bob).await;

    let res = patch_user(&root, &bob_id, json!({"roles": ["admin"]})).await;
    assert_eq!(res.status(), 200);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["roles"], json!(["admin", "member"]), "member is kept");
    assert_eq!(user["disabled"], false);
    assert_eq!(bob.get("/api/admin/users").await.status(), 200);

    let res = patch_user(&root, &bob_id, json!({"roles": []})).await;
    assert_eq!(res.status(), 200);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["roles"], json!(["member"]));
    let res = bob.get("/api/admin/users").await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "forbidden");

    let res = patch_user(&root, &bob_id, json!({"roles": ["owner"]})).await;
    assert_eq!(res.status(), 422, "roles is an enum");
    let res = patch_user(&root, "00000000-0000-0000-0000-000000000000", json!({})).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "user_not_found");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_last_enabled_admin_cannot_lose_the_role_or_be_disabled(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let root_id = user_id(&root).await;
    for body in [json!({"roles": ["member"]}), json!({"disabled": true})] {
        let res = patch_user(&root, &root_id, body.clone()).await;
        assert_eq!(res.status(), 409, "{body}");
        assert_eq!(error_code(res).await, "last_admin");
    }
    let err = minutes::admin::set_admin(&app.db, "root", false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("admin"), "{err}");

    // A disabled admin does not count as the one kept.
    let ops = member(&app, "ops").await;
    let ops_id = user_id(&ops).await;
    patch_user(
        &root,
        &ops_id,
        json!({"roles": ["admin"], "disabled": true}),
    )
    .await;
    let res = patch_user(&root, &root_id, json!({"roles": ["member"]})).await;
    assert_eq!(res.status(), 409);

    // With a second enabled admin, both paths go through.
    minutes::admin::set_admin(&app.db, "bob_missing", true)
        .await
        .unwrap_err();
    patch_user(&root, &ops_id, json!({"disabled": false})).await;
    minutes::admin::set_admin(&app.db, "root", false)
        .await
        .unwrap();
    let res = root.get("/api/admin/users").await;
    assert_eq!(res.status(), 403);
    minutes::admin::set_admin(&app.db, "root", true)
        .await
        .unwrap();
    let res = patch_user(&root, &ops_id, json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    let roles = app
        .count("SELECT count(*) FROM user_roles WHERE role = 'admin'")
        .await;
    assert_eq!(roles, 2);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_document_shows_permission_and_roles_as_enums(db: PgPool) {
    let app = spawn_app(db).await;
    let doc = app.openapi().await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["Permission"]["enum"], json!(["view", "edit"]));
    assert_eq!(schemas["Role"]["enum"], json!(["admin", "member"]));
    assert_eq!(
        schemas["User"]["properties"]["roles"]["items"]["$ref"],
        "#/components/schemas/Role"
    );
    for path in [
        "/api/tasks/{task_id}/shares/{username}",
        "/api/admin/users/{user_id}",
        "/api/admin/audit",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}
