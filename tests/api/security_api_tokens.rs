//! Attacks with API tokens: wrong, forged, revoked and expired tokens; a
//! token reaching past its scopes, its task, its user or onto the admin,
//! session and account endpoints; cookies and a token together; a disabled
//! user's token; a password change.

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app},
    people::{PASSWORD, admin, member, patch_user, user_id},
    tokens::{Script, create_token, token},
};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn wrong_forged_and_malformed_tokens_get_401_invalid_token(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let real = token(&alice, &["tasks:read"]).await;
    let prefix = real.split('_').nth(1).unwrap();
    let forged = format!("mnt_{prefix}_{}", "A".repeat(43));
    for bad in [
        forged.as_str(),
        "mnt_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "not-a-token",
        "",
        &real[..real.len() - 1],
    ] {
        let res = Script::new(&app, bad).get("/api/tasks").await;
        assert_eq!(res.status(), 401, "{bad:?}");
        assert!(res.headers().contains_key("www-authenticate"));
        assert_eq!(error_code(res).await, "invalid_token", "{bad:?}");
    }
    assert_eq!(
        Script::new(&app, &real).get("/api/tasks").await.status(),
        200
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_expired_token_gets_401(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let res = create_token(
        &alice,
        json!({"name": "short", "scopes": ["tasks:read"], "expires_in_days": 1}),
    )
    .await;
    let secret = res.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    sqlx::query(
        "UPDATE session_series SET absolute_expires_at = now() - interval '1 second',
                idle_expires_at = now() - interval '1 second' WHERE kind = 'api_token'",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let res = Script::new(&app, &secret).get("/api/tasks").await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "invalid_token");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_read_token_cannot_upload_edit_delete_retry_or_share(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    member(&app, "bob").await;
    let task = alice.upload_ok("notes.txt", "We agreed.").await;
    let id = task["task_id"].as_str().unwrap();
    let reader = Script::new(&app, &token(&alice, &["tasks:read"]).await);

    let attempts = [
        (Method::DELETE, format!("/api/tasks/{id}"), "tasks:write"),
        (
            Method::POST,
            format!("/api/tasks/{id}/retry"),
            "tasks:write",
        ),
        (
            Method::PUT,
            format!("/api/tasks/{id}/minutes"),
            "tasks:write",
        ),
        (
            Method::PUT,
            format!("/api/tasks/{id}/shares/bob"),
            "shares:write",
        ),
        (
            Method::DELETE,
            format!("/api/tasks/{id}/shares/bob"),
            "shares:write",
        ),
    ];
    for (method, path, scope) in attempts {
        let res = reader.send(method.clone(), &path).await;
        assert_eq!(res.status(), 403, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["error"]["code"], "insufficient_scope",
            "{method} {path}"
        );
        assert!(body["error"]["message"].as_str().unwrap().contains(scope));
    }
    assert_eq!(reader.upload("x.txt", "x").await.status(), 403);
    assert_eq!(alice.task(id).await.status(), 200, "the task is untouched");
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM task_shares").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_task_limited_token_reaches_its_task_only(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let mine = alice.upload_ok("a.txt", "one").await["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = alice.upload_ok("b.txt", "two").await["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = create_token(
        &alice,
        json!({"name": "one task", "scopes": ["tasks:read", "tasks:write"], "task_id": mine}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let secret = res.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let script = Script::new(&app, &secret);

    assert_eq!(
        script.get(&format!("/api/tasks/{mine}")).await.status(),
        200
    );
    for (method, path) in [
        (Method::GET, format!("/api/tasks/{other}")),
        (Method::DELETE, format!("/api/tasks/{other}")),
        (Method::GET, "/api/tasks".to_owned()),
    ] {
        let res = script.send(method.clone(), &path).await;
        assert_eq!(res.status(), 403, "{method} {path}");
        assert_eq!(error_code(res).await, "token_task_limited");
    }
    assert_eq!(script.upload("c.txt", "three").await.status(), 403);
    assert_eq!(alice.task(&other).await.status(), 200);

    let res = create_token(
        &member(&app, "mallory").await,
        json!({"name": "x", "scopes": ["tasks:read"], "task_id": other}),
    )
    .await;
    assert_eq!(
        res.status(),
        404,
        "a token cannot be limited to someone else's task"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn no_token_reaches_admin_session_or_account_endpoints(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let all = [
        "tasks:read",
        "tasks:write",
        "shares:write",
        "webhooks:write",
    ];
    let script = Script::new(&app, &token(&root, &all).await);
    let root_id = user_id(&root).await;

    let refused = [
        (Method::GET, "/api/admin/users".to_owned()),
        (Method::GET, "/api/admin/audit".to_owned()),
        (Method::GET, "/api/admin/tasks".to_owned()),
        (Method::PATCH, format!("/api/admin/users/{root_id}")),
        (
            Method::DELETE,
            format!("/api/admin/users/{root_id}/sessions"),
        ),
        (Method::GET, format!("/api/admin/users/{root_id}/tokens")),
        (Method::POST, "/api/tokens".to_owned()),
        (Method::GET, "/api/tokens".to_owned()),
        (Method::POST, "/api/auth/password".to_owned()),
        (Method::POST, "/api/auth/logout".to_owned()),
        (Method::GET, "/api/sessions".to_owned()),
        (Method::POST, "/api/sessions/revoke-others".to_owned()),
        (Method::GET, "/api/session".to_owned()),
    ];
    for (method, path) in refused {
        let res = script
            .request(method.clone(), &path)
            .json(
                &json!({"name": "x", "scopes": ["tasks:read"], "password": PASSWORD,
                          "current_password": PASSWORD, "new_password": "a whole new password"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{method} {path}");
        assert_eq!(
            error_code(res).await,
            "token_not_allowed",
            "{method} {path}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM api_tokens").await, 1);
    assert_eq!(
        root.me().await.status(),
        200,
        "the admin's session lives on"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_token_never_reaches_another_users_task(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let id = alice.upload_ok("secret.txt", "private").await["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let all = ["tasks:read", "tasks:write", "shares:write"];
    let bobs = Script::new(&app, &token(&bob, &all).await);
    for (method, path) in [
        (Method::GET, format!("/api/tasks/{id}")),
        (Method::GET, format!("/api/tasks/{id}/minutes")),
        (Method::DELETE, format!("/api/tasks/{id}")),
        (Method::PUT, format!("/api/tasks/{id}/shares/bob")),
    ] {
        let res = bobs
            .request(method.clone(), &path)
            .json(&json!({"permission": "edit"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{method} {path}");
    }
    let list: Value = bobs.get("/api/tasks").await.json().await.unwrap();
    assert!(!list.to_string().contains(&id));
    assert_eq!(alice.task(&id).await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn cookies_and_a_token_together_are_the_token_alone(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let id = alice.upload_ok("a.txt", "alice's").await["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob = member(&app, "bob").await;
    let bobs = token(&bob, &["tasks:read"]).await;

    // The admin's cookies (and CSRF token) with bob's token: no admin.
    let res = root
        .request(Method::GET, "/api/admin/users")
        .bearer_auth(&bobs)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers().get("set-cookie").is_none());
    assert_eq!(error_code(res).await, "token_not_allowed");
    // Alice's cookies with bob's token: bob's view, not alice's.
    let res = alice
        .request(Method::GET, &format!("/api/tasks/{id}"))
        .bearer_auth(&bobs)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Alice's cookies lend a read token no write scope.
    let res = alice
        .request(Method::DELETE, &format!("/api/tasks/{id}"))
        .bearer_auth(&bobs)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(alice.task(&id).await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_token_needs_no_csrf_token(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let writer = Script::new(&app, &token(&alice, &["tasks:write"]).await);
    assert_eq!(writer.upload("a.txt", "hello").await.status(), 201);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_disabled_users_token_stops_at_once(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let script = Script::new(&app, &token(&alice, &["tasks:read"]).await);
    // Used once, so served from the cache when the disable comes.
    assert_eq!(script.get("/api/tasks").await.status(), 200);
    let alice_id = user_id(&alice).await;
    let res = patch_user(&root, &alice_id, json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(script.get("/api/tasks").await.status(), 401);

    let res = patch_user(&root, &alice_id, json!({"disabled": false})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        script.get("/api/tasks").await.status(),
        401,
        "enabling again does not bring the token back"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_password_change_revokes_the_users_tokens(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let script = Script::new(&app, &token(&alice, &["tasks:read"]).await);
    assert_eq!(script.get("/api/tasks").await.status(), 200);
    let res = alice
        .change_password(PASSWORD, "another long passphrase")
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(script.get("/api/tasks").await.status(), 401);
}
