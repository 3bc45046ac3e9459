//! Accounts and tasks for the sharing and admin tests: logged-in browsers,
//! admins, finished tasks, and the share and admin requests.

use reqwest::{Method, Response};
use serde_json::Value;

use crate::helpers::{Browser, TestApp};

pub const PASSWORD: &str = "correct horse battery staple";

/// A browser logged in as a new member `name`, CSRF token at hand.
pub async fn member(app: &TestApp, name: &str) -> Browser {
    let b = app.browser();
    b.session().await;
    assert_eq!(b.register(name, PASSWORD).await.status(), 201, "{name}");
    b
}

/// A browser logged in as a new admin `name` (made as the CLI makes one).
pub async fn admin(app: &TestApp, name: &str) -> Browser {
    let new = minutes::auth::NewAccount {
        username: name.to_owned(),
        email: None,
        password: PASSWORD.to_owned(),
        admin: true,
    };
    minutes::auth::create_user(&app.db, &app.settings.auth, new)
        .await
        .unwrap();
    let b = app.browser();
    b.session().await;
    assert_eq!(b.login(name, PASSWORD).await.status(), 200, "{name}");
    b
}

/// Uploads `filename` with `text` and waits for workers to finish it;
/// `.txt` completes, a broken `.srt` fails. Returns the task id.
pub async fn finished(app: &TestApp, owner: &Browser, filename: &str, text: &str) -> String {
    let _workers = app.start_workers(1);
    let task = owner.upload_ok(filename, text).await;
    let id = task["task_id"].as_str().unwrap().to_owned();
    owner.finished_task(&id).await;
    id
}

pub async fn completed(app: &TestApp, owner: &Browser) -> String {
    let id = finished(app, owner, "standup.txt", "We decided to ship on Friday.").await;
    assert_eq!(
        owner.task(&id).await.json::<Value>().await.unwrap()["status"],
        "completed"
    );
    id
}

pub async fn failed(app: &TestApp, owner: &Browser) -> String {
    let srt = "1\n00:00:01,000 --> 00:00:xx,000\nhello\n";
    let id = finished(app, owner, "broken.srt", srt).await;
    assert_eq!(
        owner.task(&id).await.json::<Value>().await.unwrap()["status"],
        "failed"
    );
    id
}

pub async fn send_json(b: &Browser, method: Method, path: &str, body: &Value) -> Response {
    b.request(method, path).json(body).send().await.unwrap()
}

pub async fn share(b: &Browser, task: &str, user: &str, permission: &str) -> Response {
    b.share(task, user, permission).await
}

pub async fn unshare(b: &Browser, task: &str, user: &str) -> Response {
    b.unshare(task, user).await
}

pub async fn shares(b: &Browser, task: &str) -> Response {
    b.get(&format!("/api/tasks/{task}/shares")).await
}

pub async fn retry(b: &Browser, task: &str) -> Response {
    b.post(&format!("/api/tasks/{task}/retry")).await
}

pub async fn patch_user(b: &Browser, user_id: &str, body: Value) -> Response {
    let path = format!("/api/admin/users/{user_id}");
    send_json(b, Method::PATCH, &path, &body).await
}

/// The logged-in browser's own user id.
pub async fn user_id(b: &Browser) -> String {
    let me: Value = b.me().await.json().await.unwrap();
    me["id"].as_str().unwrap().to_owned()
}

/// The audit log as the admin `b` reads it with `query`.
pub async fn audit(b: &Browser, query: &str) -> Value {
    let res = b.get(&format!("/api/admin/audit{query}")).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}
