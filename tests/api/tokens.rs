//! Personal API tokens, as a script uses them: created from a browser that
//! signed in recently, shown once, sent as `Authorization: Bearer`, listed
//! with their last use, revoked — on every instance once the revocation's
//! `NOTIFY` arrives.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, Url, multipart};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app},
    people::{PASSWORD, admin, audit, member, user_id},
};

/// A script holding a token: no cookies, no CSRF token.
pub struct Script {
    client: reqwest::Client,
    base: Url,
    token: String,
}

impl Script {
    pub fn new(app: &TestApp, token: &str) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: app.base.clone(),
            token: token.to_owned(),
        }
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.base.join(path).unwrap())
            .bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn send(&self, method: Method, path: &str) -> Response {
        self.request(method, path).send().await.unwrap()
    }

    pub async fn upload(&self, filename: &str, text: &str) -> Response {
        let part = multipart::Part::bytes(text.as_bytes().to_vec())
            .file_name(filename.to_owned())
            .mime_str("text/plain")
            .unwrap();
        self.request(Method::POST, "/api/upload")
            .multipart(multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap()
    }
}

pub async fn create_token(b: &Browser, body: Value) -> Response {
    b.post_json("/api/tokens", &body).await
}

/// A new token of `b`'s user with these scopes; its secret.
pub async fn token(b: &Browser, scopes: &[&str]) -> String {
    let res = create_token(b, json!({"name": "script", "scopes": scopes})).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    created["secret"].as_str().unwrap().to_owned()
}

pub async fn tokens(b: &Browser) -> Vec<Value> {
    let res = b.get("/api/tokens").await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    list["tokens"].as_array().unwrap().clone()
}

pub async fn id_of(b: &Browser, secret: &str) -> String {
    let prefix = secret.split('_').nth(1).unwrap();
    let all = tokens(b).await;
    let t = all.iter().find(|t| t["prefix"] == prefix).unwrap();
    t["id"].as_str().unwrap().to_owned()
}

pub async fn revoke(b: &Browser, id: &str) -> Response {
    b.delete(&format!("/api/tokens/{id}")).await
}

/// Polls (boundedly) until `done` holds; tests never assert wall-clock times.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..1000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("gave up waiting until {what}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_script_uploads_with_tasks_write_and_reads_the_minutes_with_tasks_read(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let writer = Script::new(&app, &token(&alice, &["tasks:write"]).await);
    let reader = Script::new(&app, &token(&alice, &["tasks:read"]).await);
    let _workers = app.start_workers(1);

    let res = writer
        .upload("standup.txt", "We decided to ship on Friday.")
        .await;
    assert_eq!(res.status(), 201);
    assert!(
        res.headers().get("set-cookie").is_none(),
        "a token gets no cookie"
    );
    let task: Value = res.json().await.unwrap();
    let id = task["task_id"].as_str().unwrap();
    // The upload is the user's, as if made in their browser.
    assert_eq!(alice.task(id).await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM tasks WHERE user_id IS NOT NULL AND series_id IS NULL")
            .await,
        1
    );

    let mut status = Value::Null;
    for _ in 0..300 {
        let task: Value = reader
            .get(&format!("/api/tasks/{id}"))
            .await
            .json()
            .await
            .unwrap();
        status = task["status"].clone();
        if status == "completed" || status == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "completed");
    let minutes = reader
        .get(&format!("/api/tasks/{id}/minutes?format=md"))
        .await;
    assert_eq!(minutes.status(), 200);
    assert!(minutes.text().await.unwrap().contains("Friday"));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_token_lacking_a_scope_gets_403_naming_it(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let reader = Script::new(&app, &token(&alice, &["tasks:read"]).await);

    let res = reader.upload("notes.txt", "hello").await;
    assert_eq!(res.status(), 403);
    let challenge = res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.contains("scope=\"tasks:write\""), "{challenge}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "insufficient_scope");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("tasks:write"),
        "{body}"
    );
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_secret_is_shown_once_and_stored_only_as_its_hash(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let res = create_token(
        &alice,
        json!({"name": "recorder", "scopes": ["tasks:write", "tasks:read"], "expires_in_days": 30}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap();
    let prefix = created["token"]["prefix"].as_str().unwrap();
    assert!(secret.starts_with(&format!("mnt_{prefix}_")), "{secret}");
    assert_eq!(
        created["token"]["scopes"],
        json!(["tasks:read", "tasks:write"])
    );
    assert!(created["token"]["expires_at"].is_string());

    let listed = tokens(&alice).await;
    assert_eq!(listed.len(), 1);
    assert!(
        !listed[0].to_string().contains(secret),
        "the list never shows the secret"
    );
    assert!(listed[0].get("secret").is_none());

    let (hash, dump): (Vec<u8>, String) = sqlx::query_as(
        "SELECT secret_hash, (SELECT string_agg(t::text, ' ') FROM api_tokens t) FROM api_tokens",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(hash, Sha256::digest(secret.as_bytes()).to_vec());
    let secret_part = secret.rsplit('_').next().unwrap();
    assert!(
        !dump.contains(secret_part),
        "the secret is stored nowhere in clear"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn creating_a_token_needs_a_recent_sign_in_or_the_password(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    sqlx::query("UPDATE session_series SET signed_in_at = now() - interval '11 minutes'")
        .execute(&app.db)
        .await
        .unwrap();
    let body = json!({"name": "script", "scopes": ["tasks:read"]});
    let res = create_token(&alice, body.clone()).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "reauthentication_required");

    let wrong = json!({"name": "script", "scopes": ["tasks:read"], "password": "not the password"});
    let res = create_token(&alice, wrong).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "invalid_credentials");

    let right = json!({"name": "script", "scopes": ["tasks:read"], "password": PASSWORD});
    assert_eq!(create_token(&alice, right).await.status(), 201);
    assert_eq!(tokens(&alice).await.len(), 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn bad_requests_are_named(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let res = create_token(
        &alice,
        json!({"name": "", "scopes": [], "expires_in_days": 0}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let fields = &body["error"]["fields"];
    assert_eq!(fields["name"], json!(["required"]));
    assert_eq!(fields["scopes"], json!(["required"]));
    assert_eq!(fields["expires_in_days"], json!(["out_of_range"]));

    let res = create_token(&alice, json!({"name": "x", "scopes": ["admin"]})).await;
    assert_eq!(res.status(), 422, "an unknown scope is refused");

    let anonymous = app.browser();
    anonymous.session().await;
    let res = create_token(&anonymous, json!({"name": "x", "scopes": ["tasks:read"]})).await;
    assert_eq!(res.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_revoked_token_stops_at_once_and_is_listed_as_revoked(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let secret = token(&alice, &["tasks:read"]).await;
    let script = Script::new(&app, &secret);
    assert_eq!(script.get("/api/tasks").await.status(), 200);
    let id = id_of(&alice, &secret).await;

    let res = revoke(&bob, &id).await;
    assert_eq!(res.status(), 404, "not bob's token");
    assert_eq!(error_code(res).await, "token_not_found");
    assert_eq!(script.get("/api/tasks").await.status(), 200);

    assert_eq!(revoke(&alice, &id).await.status(), 204);
    let res = script.get("/api/tasks").await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "invalid_token");
    let listed = tokens(&alice).await;
    assert!(listed[0]["revoked_at"].is_string());
    assert_eq!(
        revoke(&alice, &id).await.status(),
        204,
        "revoking again changes nothing"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revocation_on_one_instance_stops_the_token_on_another_once_notified(db: PgPool) {
    let one = spawn_app(db.clone()).await;
    let two = spawn_app(db).await;
    let cache = |app: &TestApp| {
        app.state
            .sessions
            .cache()
            .expect("session.cache is on")
            .trusted()
    };
    until("the other instance trusts its cache", || cache(&two)).await;
    let alice = member(&one, "alice").await;
    let secret = token(&alice, &["tasks:read"]).await;
    let elsewhere = Script::new(&two, &secret);
    assert_eq!(elsewhere.get("/api/tasks").await.status(), 200);
    // From now on the other instance serves the token from its memory.

    let notifications = || two.state.sessions.cache().unwrap().notifications();
    let seen = notifications();
    let id = id_of(&alice, &secret).await;
    assert_eq!(revoke(&alice, &id).await.status(), 204);
    until("the NOTIFY reaches the other instance", || {
        notifications() > seen
    })
    .await;
    let res = elsewhere.get("/api/tasks").await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "invalid_token");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn creation_use_from_a_new_address_and_revocation_are_audited_and_listed(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let secret = token(&alice, &["tasks:read"]).await;
    let script = Script::new(&app, &secret);
    for _ in 0..3 {
        assert_eq!(script.get("/api/tasks").await.status(), 200);
    }
    let listed = tokens(&alice).await;
    assert_eq!(listed[0]["last_used_ip"], "127.0.0.1");
    assert!(listed[0]["last_used_at"].is_string());
    let id = id_of(&alice, &secret).await;
    assert_eq!(revoke(&alice, &id).await.status(), 204);

    let log = audit(&root, "?limit=100").await;
    let kinds: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"] == id.as_str())
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "token_used_from_new_address")
            .count(),
        1,
        "one event for the one address: {kinds:?}"
    );
    for kind in ["token_created", "token_revoked"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn admins_list_and_revoke_any_users_tokens(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let alice_id = user_id(&alice).await;
    let secret = token(&alice, &["tasks:read"]).await;
    let script = Script::new(&app, &secret);

    let res = alice
        .get(&format!("/api/admin/users/{alice_id}/tokens"))
        .await;
    assert_eq!(res.status(), 403, "members may not");
    let res = root
        .get(&format!("/api/admin/users/{alice_id}/tokens"))
        .await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    let id = list["tokens"][0]["id"].as_str().unwrap().to_owned();

    assert_eq!(
        alice
            .delete(&format!("/api/admin/tokens/{id}"))
            .await
            .status(),
        403
    );
    assert_eq!(script.get("/api/tasks").await.status(), 200);
    assert_eq!(
        root.delete(&format!("/api/admin/tokens/{id}"))
            .await
            .status(),
        204
    );
    assert_eq!(script.get("/api/tasks").await.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn signing_out_other_sessions_spares_tokens_and_the_session_list_omits_them(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let script = Script::new(&app, &token(&alice, &["tasks:read"]).await);
    let sessions = alice.sessions().await;
    assert_eq!(
        sessions["sessions"].as_array().unwrap().len(),
        1,
        "{sessions}"
    );
    assert_eq!(
        alice.post("/api/sessions/revoke-others").await.status(),
        204
    );
    assert_eq!(script.get("/api/tasks").await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_openapi_document_describes_the_bearer_scheme_and_each_operations_scope(db: PgPool) {
    let app = spawn_app(db).await;
    let doc = app.openapi().await;
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    let upload = &doc["paths"]["/api/upload"]["post"]["security"];
    assert!(
        upload
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["bearer"] == json!(["tasks:write"])),
        "{upload}"
    );
    let admin_users = &doc["paths"]["/api/admin/users"]["get"]["security"];
    assert!(!admin_users.to_string().contains("bearer"), "{admin_users}");
    assert!(doc["paths"]["/api/tokens"]["post"].is_object());
}
