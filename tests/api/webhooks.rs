//! Webhooks as a receiver meets them: a real HTTP receiver on loopback (the
//! test profile sets `webhooks.allow_private`), every signature checked by
//! the Standard Webhooks reference library (`tests/webhook-verifier`, run
//! with node), retries on server errors with one `webhook-id`, the endpoint
//! disabled after repeated failure and enabled again, rotation, redelivery,
//! the events where they happen, and tokens with `webhooks:write`.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::PgPool;
use tokio::io::AsyncWriteExt as _;

use crate::{
    helpers::{Browser, error_code, spawn_app, spawn_app_with},
    minutes_edit::{minutes_json, retitle},
    people::{self, admin, audit, member},
    tokens::{Script, token},
};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// An HTTP receiver on loopback that answers each request with the next
/// scripted answer (204 once they run out) and keeps what it got.
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

type Answer = (u16, Option<String>);

impl Receiver {
    pub async fn start(answers: &[u16]) -> Self {
        Self::answering(answers.iter().map(|s| (*s, None)).collect()).await
    }

    /// Answers with `(status, Location)` pairs.
    pub async fn answering(answers: Vec<Answer>) -> Self {
        Self::serve(answers, Duration::ZERO).await
    }

    /// Answers 204, each only after `delay`.
    pub async fn slow(delay: Duration) -> Self {
        Self::serve(Vec::new(), delay).await
    }

    async fn serve(answers: Vec<Answer>, delay: Duration) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(VecDeque::from(answers)));
        let (got, queue) = (received.clone(), answers.clone());
        let app = Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let (got, queue) = (got.clone(), queue.clone());
            async move {
                got.lock().unwrap().push(Received {
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                        .collect(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                tokio::time::sleep(delay).await;
                let (status, location) = queue.lock().unwrap().pop_front().unwrap_or((204, None));
                let status = StatusCode::from_u16(status).unwrap();
                match location {
                    Some(to) => (status, [("location", to)]).into_response(),
                    None => status.into_response(),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://127.0.0.1:{}/hook", addr.port()),
            received,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (boundedly) until `n` requests arrived; returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..300 {
            if self.received.lock().unwrap().len() >= n {
                return self.received();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the receiver got {} requests, not {n}",
            self.received().len()
        );
    }
}

/// What the Standard Webhooks reference library makes of a request: the
/// verified payload, or why it refused.
pub async fn verify(secret: &str, got: &Received) -> Result<Value, String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhook-verifier");
    assert!(
        std::path::Path::new(dir)
            .join("node_modules/standardwebhooks")
            .exists(),
        "the verifier is not installed: npm ci --prefix tests/webhook-verifier (scripts/test does)"
    );
    let headers: HashMap<&str, &str> = ["webhook-id", "webhook-timestamp", "webhook-signature"]
        .into_iter()
        .map(|h| (h, got.headers.get(h).map_or("", String::as_str)))
        .collect();
    let input = json!({ "secret": secret, "headers": headers, "body": got.body });
    let mut child = tokio::process::Command::new("node")
        .arg(format!("{dir}/verify.mjs"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.to_string().as_bytes()).await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(serde_json::from_str(&text).unwrap())
    } else {
        Err(text)
    }
}

/// Registers an endpoint; the answer (`secret`, `webhook`).
pub async fn register(b: &Browser, url: &str, events: &[&str]) -> Value {
    let res = b
        .post_json("/api/webhooks", &json!({ "url": url, "events": events }))
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

pub fn id_of(created: &Value) -> String {
    created["webhook"]["id"].as_str().unwrap().to_owned()
}

pub async fn send_test(b: &Browser, id: &str) -> reqwest::Response {
    b.post(&format!("/api/webhooks/{id}/test")).await
}

pub async fn deliveries(b: &Browser, id: &str) -> Vec<Value> {
    let res = b.get(&format!("/api/webhooks/{id}/deliveries")).await;
    assert_eq!(res.status(), 200);
    let log: Value = res.json().await.unwrap();
    log["deliveries"].as_array().unwrap().clone()
}

pub async fn webhook(b: &Browser, id: &str) -> Value {
    let list: Value = b.get("/api/webhooks").await.json().await.unwrap();
    list["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id)
        .cloned()
        .unwrap()
}

/// Waits (boundedly) until the newest delivery reaches `state`; returns it.
pub async fn settled(b: &Browser, id: &str, state: &str) -> Value {
    for _ in 0..300 {
        if let Some(d) = deliveries(b, id).await.first() {
            if d["state"] == state {
                return d.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no delivery reached {state}: {:?}", deliveries(b, id).await);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_completed_task_is_delivered_signed_and_verified_by_the_reference_library(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let receiver = Receiver::start(&[]).await;
    let created = register(&alice, &receiver.url, &["task.completed"]).await;
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    let _deliverers = app.start_deliverers();

    let task = people::completed(&app, &alice).await;

    let got = receiver.wait_for(1).await;
    let payload = verify(secret, &got[0])
        .await
        .expect("the signature verifies");
    assert_eq!(payload["type"], "task.completed");
    assert_eq!(payload["data"]["task_id"], task.as_str());
    assert!(got[0].headers["webhook-id"].starts_with("msg_"));
    assert_eq!(got[0].headers["content-type"], "application/json");
    // A tampered body, or another secret, does not verify.
    let mut tampered = got[0].clone();
    tampered.body = tampered.body.replace("completed", "failed");
    assert!(verify(secret, &tampered).await.is_err());
    let other = register(&alice, &receiver.url, &["task.failed"]).await;
    assert!(
        verify(other["secret"].as_str().unwrap(), &got[0])
            .await
            .is_err()
    );

    let d = settled(&alice, &id_of(&created), "delivered").await;
    assert_eq!(d["event"], "task.completed");
    assert_eq!(d["attempts"][0]["status_code"], 204);
    assert!(d["attempts"][0]["response_ms"].is_number());
    // Only the endpoint that asked for it heard it.
    assert_eq!(receiver.received().len(), 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn server_errors_are_retried_with_the_same_id_until_one_succeeds(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let receiver = Receiver::start(&[500, 503]).await;
    let created = register(&alice, &receiver.url, &["task.completed"]).await;
    let (id, secret) = (id_of(&created), created["secret"].as_str().unwrap());
    let _deliverers = app.start_deliverers();

    assert_eq!(send_test(&alice, &id).await.status(), 202);

    let got = receiver.wait_for(3).await;
    let ids: Vec<&str> = got
        .iter()
        .map(|r| r.headers["webhook-id"].as_str())
        .collect();
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "one id across retries: {ids:?}"
    );
    for r in &got {
        let payload = verify(secret, r).await.expect("each attempt is signed");
        assert_eq!(payload["type"], "webhook.test");
    }
    let d = settled(&alice, &id, "delivered").await;
    let codes: Vec<&Value> = d["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(codes, [&json!(500), &json!(503), &json!(204)]);
    assert_eq!(webhook(&alice, &id).await["consecutive_failures"], 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_client_error_is_not_retried_but_throttling_is(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let receiver = Receiver::start(&[429, 410]).await;
    let id = id_of(&register(&alice, &receiver.url, &["task.completed"]).await);
    let _deliverers = app.start_deliverers();

    send_test(&alice, &id).await;

    let d = settled(&alice, &id, "failed").await;
    let codes: Vec<&Value> = d["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(codes, [&json!(429), &json!(410)]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 2, "no attempt after the 410");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_endpoint_failing_again_and_again_is_disabled_until_its_owner_enables_it(db: PgPool) {
    let app = spawn_app_with(db, |s| s.webhooks.max_failures = 3).await;
    let alice = member(&app, "alice").await;
    let boss = admin(&app, "boss").await;
    let receiver = Receiver::start(&[500; 10]).await;
    let id = id_of(&register(&alice, &receiver.url, &["task.completed"]).await);
    let _deliverers = app.start_deliverers();

    send_test(&alice, &id).await;

    let d = settled(&alice, &id, "dropped").await;
    assert_eq!(d["attempts"].as_array().unwrap().len(), 3);
    let hook = webhook(&alice, &id).await;
    assert!(hook["disabled_at"].is_string(), "{hook}");
    assert_eq!(hook["consecutive_failures"], 3);
    let events = audit(&boss, "?kind=webhook_disabled").await;
    assert_eq!(events["events"][0]["subject"], id.as_str());
    // Nothing is sent to a disabled endpoint.
    let res = send_test(&alice, &id).await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_code(res).await, "webhook_disabled");

    let res = people::send_json(
        &alice,
        Method::PATCH,
        &format!("/api/webhooks/{id}"),
        &json!({"enabled": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let hook: Value = res.json().await.unwrap();
    assert!(hook["disabled_at"].is_null());
    assert_eq!(hook["consecutive_failures"], 0);
    assert_eq!(send_test(&alice, &id).await.status(), 202);
    receiver.wait_for(4).await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn after_a_rotation_deliveries_verify_with_the_new_and_the_old_secret(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let boss = admin(&app, "boss").await;
    let receiver = Receiver::start(&[]).await;
    let created = register(&alice, &receiver.url, &["task.completed"]).await;
    let (id, old) = (id_of(&created), created["secret"].as_str().unwrap());

    let res = alice.post(&format!("/api/webhooks/{id}/rotate")).await;
    assert_eq!(res.status(), 200);
    let rotated: Value = res.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert!(rotated["webhook"]["previous_secret_until"].is_string());
    let _deliverers = app.start_deliverers();
    send_test(&alice, &id).await;

    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].headers["webhook-signature"].split(' ').count(), 2);
    verify(new, &got[0]).await.expect("the new secret verifies");
    verify(old, &got[0])
        .await
        .expect("the old secret still verifies");
    let kinds = audit(&boss, "?kind=webhook_rotated").await;
    assert_eq!(kinds["events"][0]["subject"], id.as_str());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_redelivery_sends_the_same_message_again(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let receiver = Receiver::start(&[]).await;
    let id = id_of(&register(&alice, &receiver.url, &["task.completed"]).await);
    let _deliverers = app.start_deliverers();
    send_test(&alice, &id).await;
    let first = settled(&alice, &id, "delivered").await;

    let res = alice
        .post(&format!(
            "/api/webhooks/deliveries/{}/redeliver",
            first["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(res.status(), 202);

    let got = receiver.wait_for(2).await;
    assert_eq!(got[0].headers["webhook-id"], got[1].headers["webhook-id"]);
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(deliveries(&alice, &id).await.len(), 2);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn failures_shares_and_edits_reach_the_owners_endpoint(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let _bob = member(&app, "bob").await;
    let receiver = Receiver::start(&[]).await;
    let created = register(
        &alice,
        &receiver.url,
        &["task.failed", "task.shared", "minutes.updated"],
    )
    .await;
    let secret = created["secret"].as_str().unwrap();
    let _deliverers = app.start_deliverers();

    // One set of workers for both uploads: each set holds a `LISTEN`
    // connection of the test's small pool for a while.
    let _workers = app.start_workers(1);
    let broken = alice
        .upload_ok("broken.srt", "1\n00:00:01,000 --> 00:00:xx,000\nhello\n")
        .await;
    alice
        .finished_task(broken["task_id"].as_str().unwrap())
        .await;
    let task = alice
        .upload_ok("standup.txt", "We decided to ship on Friday.")
        .await;
    let task = task["task_id"].as_str().unwrap().to_owned();
    alice.finished_task(&task).await;
    assert_eq!(
        people::share(&alice, &task, "bob", "view").await.status(),
        200
    );
    let (minutes, etag) = minutes_json(&alice, &task, None).await;
    assert_eq!(
        retitle(&alice, &task, &minutes, "Weekly", &etag)
            .await
            .status(),
        200
    );

    let got = receiver.wait_for(3).await;
    let mut payloads = Vec::new();
    for r in &got {
        payloads.push(verify(secret, r).await.unwrap());
    }
    assert_eq!(payloads[0]["type"], "task.failed");
    assert!(payloads[0]["data"]["error_code"].is_string());
    assert_eq!(payloads[1]["type"], "task.shared");
    assert_eq!(payloads[1]["data"]["grantee"], "bob");
    assert_eq!(payloads[1]["data"]["task_id"], task.as_str());
    assert_eq!(payloads[2]["type"], "minutes.updated");
    assert_eq!(payloads[2]["data"]["version"], 2);
    assert_eq!(payloads[2]["data"]["author"], "alice");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_token_needs_webhooks_write_and_no_task_limit(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let reader = Script::new(&app, &token(&alice, &["tasks:read"]).await);
    let writer = Script::new(&app, &token(&alice, &["webhooks:write"]).await);
    let body = json!({ "url": "https://hooks.example.com/in", "events": ["task.completed"] });

    let res = reader
        .request(Method::POST, "/api/webhooks")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "insufficient_scope");

    let res = writer
        .request(Method::POST, "/api/webhooks")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let listed: Value = writer.get("/api/webhooks").await.json().await.unwrap();
    assert_eq!(listed["webhooks"].as_array().unwrap().len(), 1);
    // A token limited to one meeting manages no endpoint, whatever its scopes.
    let task = alice
        .upload_ok("standup.txt", "We decided to ship on Friday.")
        .await;
    let res = crate::tokens::create_token(
        &alice,
        json!({"name": "one", "scopes": ["webhooks:write"], "task_id": task["task_id"]}),
    )
    .await;
    let limited: Value = res.json().await.unwrap();
    let limited = Script::new(&app, limited["secret"].as_str().unwrap());
    let res = limited.get("/api/webhooks").await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "token_task_limited");
    // The same endpoint in the owner's browser.
    let list: Value = alice.get("/api/webhooks").await.json().await.unwrap();
    assert_eq!(list["webhooks"][0]["url"], "https://hooks.example.com/in");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn only_signed_in_users_register_and_only_admins_for_all_tasks(db: PgPool) {
    let app = spawn_app(db).await;
    let anonymous = app.browser();
    anonymous.session().await;
    let body = json!({ "url": "https://hooks.example.com/in", "events": ["task.completed"] });
    let res = anonymous.post_json("/api/webhooks", &body).await;
    assert_eq!(res.status(), 401);

    let alice = member(&app, "alice").await;
    let all = json!({ "url": "https://hooks.example.com/in", "events": ["task.completed"], "all_tasks": true });
    let res = alice.post_json("/api/webhooks", &all).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "admin_required");
    let boss = admin(&app, "boss").await;
    assert_eq!(boss.post_json("/api/webhooks", &all).await.status(), 201);

    // Without the CSRF token, a cookie request changes nothing.
    alice.set_csrf(None);
    assert_eq!(alice.post_json("/api/webhooks", &body).await.status(), 403);
    assert_eq!(app.count("SELECT count(*) FROM webhooks").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_slow_endpoint_with_a_backlog_does_not_hold_up_another(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let slow = Receiver::slow(Duration::from_millis(1500)).await;
    let quick = Receiver::start(&[]).await;
    let backlog = id_of(&register(&alice, &slow.url, &["task.completed"]).await);
    let other = id_of(&register(&alice, &quick.url, &["task.completed"]).await);
    for _ in 0..8 {
        send_test(&alice, &backlog).await;
    }
    send_test(&alice, &other).await;

    let _deliverers = app.start_deliverers();

    // Queued last, yet sent while the slow endpoint's first round is still
    // under way: an endpoint being sent to goes behind one that is not.
    quick.wait_for(1).await;
    assert!(
        slow.received().len() <= 4,
        "the quick endpoint waited for {} slow requests",
        slow.received().len()
    );
    slow.wait_for(8).await;
}
