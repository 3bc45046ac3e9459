//! Templates: the built-ins, a caller's own (create, read, replace,
//! delete), their scoping by owner (another session or user can neither
//! see, use nor alter them), and an upload that chooses one.

use reqwest::{
    Method, Response,
    multipart::{Form, Part},
};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app},
    minutes_edit::MEETING,
};

const PASSWORD: &str = "correct horse battery";

pub fn retro() -> Value {
    json!({
        "name": "Retro",
        "sections": [
            {"kind": "action_items", "heading": "Try next sprint"},
            {"kind": "summary", "heading": "What we noticed"}
        ],
        "instructions": "Keep it short."
    })
}

/// Creates `body` as a template, expecting 201; returns it.
pub async fn create(browser: &Browser, body: &Value) -> Value {
    let res = browser.post_json("/api/templates", body).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn send(browser: &Browser, method: Method, id: &str, body: Option<&Value>) -> Response {
    let mut req = browser.request(method, &format!("/api/templates/{id}"));
    if let Some(body) = body {
        req = req.json(body);
    }
    req.send().await.unwrap()
}

async fn list_ids(browser: &Browser) -> Vec<String> {
    let res = browser.get("/api/templates").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Uploads `text` as a `.txt` transcript with the `template` part.
pub async fn upload_with_template(browser: &Browser, text: &str, template: &str) -> Response {
    let file = Part::bytes(text.as_bytes().to_vec())
        .file_name("meeting.txt")
        .mime_str("text/plain")
        .unwrap();
    let form = Form::new()
        .text("template", template.to_owned())
        .part("file", file);
    browser.upload_form(form).await
}

async fn user(app: &TestApp, name: &str) -> Browser {
    app.create_user(name, PASSWORD).await;
    let browser = app.browser();
    browser.session().await;
    assert_eq!(browser.login(name, PASSWORD).await.status(), 200);
    browser
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_built_ins_are_listed_in_both_languages_and_read_only(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let res = browser.get("/api/templates").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let ids: Vec<&str> = body["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "general",
            "one_on_one",
            "standup",
            "customer_call",
            "interview"
        ]
    );
    let standup = &body["templates"][2];
    assert_eq!(standup["builtin"], true);
    assert_eq!(standup["name"], json!({"en": "Stand-up", "ja": "朝会"}));
    assert_eq!(standup["sections"][0]["kind"], "summary");
    assert_eq!(standup["sections"][0]["heading"]["ja"], "進捗");

    browser.session().await;
    let res = send(&browser, Method::PUT, "standup", Some(&retro())).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "template_read_only");
    let res = send(&browser, Method::DELETE, "general", None).await;
    assert_eq!(res.status(), 403);
    let res = send(&browser, Method::GET, "interview", None).await;
    assert_eq!(res.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_owner_creates_reads_replaces_and_deletes_a_template(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let created = create(&browser, &retro()).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["builtin"], false);
    assert_eq!(created["name"], json!({"en": "Retro", "ja": "Retro"}));
    assert_eq!(created["sections"][0]["heading"]["en"], "Try next sprint");
    assert_eq!(created["instructions"], "Keep it short.");
    assert!(list_ids(&browser).await.contains(&id));

    let mut changed = retro();
    changed["name"] = json!("Retrospective");
    let res = send(&browser, Method::PUT, &id, Some(&changed)).await;
    assert_eq!(res.status(), 200);
    let res = send(&browser, Method::GET, &id, None).await;
    let read: Value = res.json().await.unwrap();
    assert_eq!(read["name"]["en"], "Retrospective");

    let res = send(&browser, Method::DELETE, &id, None).await;
    assert_eq!(res.status(), 204);
    let res = send(&browser, Method::GET, &id, None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "template_not_found");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_bad_template_is_refused_naming_each_field(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let bad = json!({
        "name": " ",
        "sections": [
            {"kind": "summary", "heading": "A"},
            {"kind": "summary", "heading": ""}
        ]
    });
    let res = browser.post_json("/api/templates", &bad).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    let fields = &body["error"]["fields"];
    assert_eq!(fields["name"], json!(["empty"]));
    assert_eq!(fields["sections[1].heading"], json!(["empty"]));
    let none = json!({"name": "X", "sections": []});
    let res = browser.post_json("/api/templates", &none).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"]["sections"], json!(["empty"]));
    let unknown_kind = json!({"name": "X", "sections": [{"kind": "jokes", "heading": "J"}]});
    let res = browser.post_json("/api/templates", &unknown_kind).await;
    assert_eq!(res.status(), 422);
}

/// The IDOR attack: a template's id, known to another session or user, gives
/// them nothing — not a read, not a change, not a deletion, not an upload.
#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn another_session_or_user_cannot_see_use_or_alter_your_template(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = user(&app, "olivia").await;
    let id = create(&owner, &retro()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let anonymous = app.browser();
    anonymous.session().await;
    let mallory = user(&app, "mallory").await;
    for attacker in [&anonymous, &mallory] {
        assert!(!list_ids(attacker).await.contains(&id));
        let res = send(attacker, Method::GET, &id, None).await;
        assert_eq!(res.status(), 404);
        assert_eq!(error_code(res).await, "template_not_found");
        let mut hijack = retro();
        hijack["name"] = json!("Hijacked");
        let res = send(attacker, Method::PUT, &id, Some(&hijack)).await;
        assert_eq!(res.status(), 404);
        let res = send(attacker, Method::DELETE, &id, None).await;
        assert_eq!(res.status(), 404);
        let res = upload_with_template(attacker, MEETING, &id).await;
        assert_eq!(res.status(), 404);
        assert_eq!(error_code(res).await, "unknown_template");
    }
    let res = send(&owner, Method::GET, &id, None).await;
    let read: Value = res.json().await.unwrap();
    assert_eq!(read["name"]["en"], "Retro", "untouched by the attempts");
    let tasks: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(tasks, 0, "a refused upload leaves no task");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_anonymous_sessions_templates_follow_it_into_the_account(db: PgPool) {
    let app = spawn_app(db).await;
    app.create_user("olivia", PASSWORD).await;
    let browser = app.browser();
    browser.session().await;
    let id = create(&browser, &retro()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(browser.login("olivia", PASSWORD).await.status(), 200);
    assert!(list_ids(&browser).await.contains(&id));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_upload_with_a_template_gets_its_sections_and_headings(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let _workers = app.start_workers(1);
    let id = create(&browser, &retro()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = upload_with_template(&browser, MEETING, &id).await;
    assert_eq!(res.status(), 201);
    let task: Value = res.json().await.unwrap();
    let task_id = task["task_id"].as_str().unwrap();
    assert_eq!(browser.finished_task(task_id).await["status"], "completed");
    let md = browser.minutes(task_id, "md").await.text().await.unwrap();
    let tried = md.find("\n## Try next sprint\n").expect(&md);
    let noticed = md.find("\n## What we noticed\n").expect(&md);
    assert!(tried < noticed, "{md}");
    for default in [
        "## Summary",
        "## Decisions",
        "## Action items",
        "## Transcript",
    ] {
        assert!(!md.contains(default), "{default} in\n{md}");
    }
    let json: Value = browser.minutes(task_id, "json").await.json().await.unwrap();
    assert_eq!(json["layout"]["template_id"], id.as_str());
    assert_eq!(json["layout"]["template_name"], "Retro");

    let res = upload_with_template(&browser, MEETING, "no_such_template").await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "unknown_template");
}
