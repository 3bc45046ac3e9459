//! Editing minutes: the ETag of `GET …/minutes`, `?version=`, and `PUT` with
//! `If-Match` — saves, conflicts, missing preconditions, validation.

use reqwest::{Method, Response};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp, error_code, spawn_app};

pub const MEETING: &str = "Weekly sync

Alice: We agreed to launch the mobile app on Monday.
Bob: I will send the release notes by Friday.
Alice: The beta feedback was positive overall.
";

/// Uploads `text` as a `.txt` transcript and waits for its minutes; the
/// browser knows its CSRF token afterwards.
pub async fn completed_task(app: &TestApp, browser: &Browser, text: &str) -> String {
    browser.session().await;
    let _workers = app.start_workers(1);
    let task = browser.upload_ok("meeting.txt", text).await;
    let task_id = task["task_id"].as_str().unwrap().to_owned();
    let done = browser.finished_task(&task_id).await;
    assert_eq!(done["status"], "completed", "{done}");
    task_id
}

/// The minutes as JSON (a version, or the newest) and their ETag.
pub async fn minutes_json(
    browser: &Browser,
    task_id: &str,
    version: Option<i32>,
) -> (Value, String) {
    let query = version.map_or_else(String::new, |v| format!("&version={v}"));
    let res = browser
        .get(&format!("/api/tasks/{task_id}/minutes?format=json{query}"))
        .await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    (res.json().await.unwrap(), etag)
}

pub async fn put_minutes(
    browser: &Browser,
    task_id: &str,
    body: &Value,
    if_match: Option<&str>,
) -> Response {
    let mut req = browser
        .request(Method::PUT, &format!("/api/tasks/{task_id}/minutes"))
        .json(body);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.unwrap()
}

/// Saves `minutes` with its title replaced, starting from `etag`.
pub async fn retitle(
    browser: &Browser,
    task_id: &str,
    minutes: &Value,
    title: &str,
    etag: &str,
) -> Response {
    let mut body = minutes.clone();
    body["title"] = json!(title);
    put_minutes(browser, task_id, &body, Some(etag)).await
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn minutes_carry_an_etag_and_a_version_is_read_by_number(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;

    let (v1, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(etag, "\"v1\"");
    assert_eq!(v1["language"], "en");
    let md = owner.minutes(&task_id, "md").await;
    assert_eq!(md.headers()["etag"], "\"v1\"");

    let res = retitle(&owner, &task_id, &v1, "Launch review", &etag).await;
    assert_eq!(res.status(), 200);
    let (old, old_etag) = minutes_json(&owner, &task_id, Some(1)).await;
    assert_eq!(old_etag, "\"v1\"");
    assert_eq!(old, v1, "version 1 is kept as it was");
    let missing = owner
        .get(&format!("/api/tasks/{task_id}/minutes?version=3"))
        .await;
    assert_eq!(missing.status(), 404);
    assert_eq!(error_code(missing).await, "version_not_found");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_owners_save_becomes_version_2_and_every_download_renders_it(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let (mut minutes, etag) = minutes_json(&owner, &task_id, None).await;

    minutes["title"] = json!("Launch review");
    minutes["decisions"] = json!([{"text": "Launch on Tuesday instead.", "segment": 0}]);
    minutes["action_items"] =
        json!([{"text": "Send the notes.", "segment": 1, "owner": "Carol", "due": "Thursday"}]);
    minutes["transcript"][1]["speaker"] = json!("Robert");
    let res = put_minutes(&owner, &task_id, &minutes, Some(&etag)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"v2\"");
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["minutes"]["title"], "Launch review");

    let (latest, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(etag, "\"v2\"");
    assert_eq!(latest, saved["minutes"]);
    let md = owner.minutes(&task_id, "md").await.text().await.unwrap();
    assert!(md.starts_with("# Launch review\n"), "{md}");
    assert!(md.contains("- Launch on Tuesday instead.\n"), "{md}");
    assert!(md.contains("**Owner:** Carol — **Due:** Thursday"), "{md}");
    assert!(md.contains("**Robert:** I will send"), "{md}");
    let txt = owner.minutes(&task_id, "txt").await.text().await.unwrap();
    assert!(txt.starts_with("Launch review\n"), "{txt}");
    assert!(
        txt.contains("- Send the notes. (owner: Carol; due: Thursday)"),
        "{txt}"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stale_etag_is_412_with_the_current_version_and_nothing_is_saved(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let (v1, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(
        retitle(&owner, &task_id, &v1, "First", &etag)
            .await
            .status(),
        200
    );

    let res = retitle(&owner, &task_id, &v1, "Second", &etag).await;
    assert_eq!(res.status(), 412);
    assert_eq!(res.headers()["etag"], "\"v2\"");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "version_conflict");
    assert_eq!(body["current"]["version"], 2);
    assert_eq!(body["current"]["minutes"]["title"], "First");
    let (latest, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(
        (latest["title"].as_str(), etag.as_str()),
        (Some("First"), "\"v2\"")
    );
    assert_eq!(app.count("SELECT count(*) FROM minutes_revisions").await, 2);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_save_without_if_match_is_428(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let (minutes, _) = minutes_json(&owner, &task_id, None).await;

    let res = put_minutes(&owner, &task_id, &minutes, None).await;
    assert_eq!(res.status(), 428);
    assert_eq!(error_code(res).await, "precondition_required");
    assert_eq!(app.count("SELECT count(*) FROM minutes_revisions").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_invalid_edit_is_422_naming_each_bad_field(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let (minutes, etag) = minutes_json(&owner, &task_id, None).await;

    let mut bad = minutes.clone();
    bad["title"] = json!("");
    bad["decisions"] = json!([{"text": "ok", "segment": 0}, {"text": " ", "segment": 99}]);
    bad["transcript"][0]["start"] = json!(1234.5);
    let res = put_minutes(&owner, &task_id, &bad, Some(&etag)).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    let fields = &body["error"]["fields"];
    assert_eq!(fields["title"], json!(["empty"]), "{body}");
    assert_eq!(fields["decisions[1].text"], json!(["empty"]), "{body}");
    assert_eq!(
        fields["decisions[1].segment"],
        json!(["no_such_segment"]),
        "{body}"
    );
    assert_eq!(fields["transcript[0].start"], json!(["changed"]), "{body}");

    let mut fewer = minutes.clone();
    fewer["transcript"].as_array_mut().unwrap().pop();
    let res = put_minutes(&owner, &task_id, &fewer, Some(&etag)).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"]["transcript"],
        json!(["segment_count_changed"])
    );
    assert_eq!(app.count("SELECT count(*) FROM minutes_revisions").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn two_saves_with_the_same_etag_one_wins_and_one_gets_412(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let (minutes, etag) = minutes_json(&owner, &task_id, None).await;

    let (a, b) = tokio::join!(
        retitle(&owner, &task_id, &minutes, "From tab A", &etag),
        retitle(&owner, &task_id, &minutes, "From tab B", &etag),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    let (latest, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(etag, "\"v2\"");
    let loser: Value = if a.status() == 412 { a } else { b }.json().await.unwrap();
    assert_eq!(loser["current"]["minutes"]["title"], latest["title"]);
    assert_eq!(app.count("SELECT count(*) FROM minutes_revisions").await, 2);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_task_still_processing_cannot_be_edited(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    owner.session().await;
    let task = owner.upload_ok("meeting.txt", MEETING).await;
    let task_id = task["task_id"].as_str().unwrap();

    let res = put_minutes(&owner, task_id, &json!({"title": "x"}), Some("\"v1\"")).await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_code(res).await, "not_ready");
    let history: Value = owner
        .get(&format!("/api/tasks/{task_id}/minutes/revisions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history, json!({"revisions": []}));
}
