//! `POST /api/tasks/{id}/minutes/regenerate`: a new version made with a
//! template through the job queue, named in the history; edits made before
//! and meanwhile stay; a view share cannot, a stranger sees nothing.

use reqwest::{Method, Response};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app},
    minutes_edit::{MEETING, completed_task, minutes_json, retitle},
    templates::{create, retro},
};

const PASSWORD: &str = "correct horse battery";

async fn regenerate(
    browser: &Browser,
    task_id: &str,
    template: &str,
    if_match: Option<&str>,
) -> Response {
    let mut req = browser
        .request(
            Method::POST,
            &format!("/api/tasks/{task_id}/minutes/regenerate"),
        )
        .json(&json!({ "template": template }));
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.unwrap()
}

async fn revisions(browser: &Browser, task_id: &str) -> Vec<Value> {
    let res = browser
        .get(&format!("/api/tasks/{task_id}/minutes/revisions"))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["revisions"].as_array().unwrap().clone()
}

/// Waits until the history has `versions` entries (30 s at most).
async fn history_of(browser: &Browser, task_id: &str, versions: usize) -> Vec<Value> {
    for _ in 0..300 {
        let history = revisions(browser, task_id).await;
        if history.len() >= versions {
            return history;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the history never reached {versions} versions");
}

async fn user(app: &TestApp, name: &str) -> (Browser, uuid::Uuid) {
    let user = app.create_user(name, PASSWORD).await;
    let browser = app.browser();
    browser.session().await;
    assert_eq!(browser.login(name, PASSWORD).await.status(), 200);
    (browser, user.id)
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn regenerating_with_a_template_adds_a_version_named_in_the_history(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let _workers = app.start_workers(1);
    let (v1, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(
        retitle(&owner, &task_id, &v1, "Launch review", &etag)
            .await
            .status(),
        200
    );

    let res = regenerate(&owner, &task_id, "standup", Some("\"v2\"")).await;
    assert_eq!(res.status(), 202);
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued, json!({"from_version": 2, "template": "standup"}));

    let history = history_of(&owner, &task_id, 3).await;
    assert_eq!(history[0]["version"], 3);
    assert_eq!(history[0]["regenerated_with"], "Stand-up");
    assert_eq!(
        history[1]["regenerated_with"],
        Value::Null,
        "the edit stays"
    );
    assert_eq!(history[1]["version"], 2);
    let (v3, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(etag, "\"v3\"");
    assert_eq!(v3["title"], "Launch review", "the edited title is kept");
    assert_eq!(v3["layout"]["template_id"], "standup");
    let md = owner.minutes(&task_id, "md").await.text().await.unwrap();
    assert!(
        md.contains("\n## Updates\n") && md.contains("\n## Next steps\n"),
        "{md}"
    );
    assert!(!md.contains("## Transcript"), "{md}");

    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE kind = 'minutes_regenerated' AND subject = $1",
    )
    .bind(&task_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_users_own_template_regenerates_and_an_edit_meanwhile_is_not_lost(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let id = create(&owner, &retro()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (v1, etag) = minutes_json(&owner, &task_id, None).await;
    // No worker runs yet: the regeneration waits in the queue while an edit
    // is saved.
    let res = regenerate(&owner, &task_id, &id, None).await;
    assert_eq!(res.status(), 202);
    assert_eq!(
        retitle(&owner, &task_id, &v1, "Edited meanwhile", &etag)
            .await
            .status(),
        200
    );
    let _workers = app.start_workers(1);
    let history = history_of(&owner, &task_id, 3).await;
    assert_eq!(history[0]["regenerated_with"], "Retro");
    assert_eq!(history[1]["version"], 2);
    let (v2, _) = minutes_json(&owner, &task_id, Some(2)).await;
    assert_eq!(v2["title"], "Edited meanwhile");
    let (v3, _) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(
        v3["title"], "Edited meanwhile",
        "made from the edited minutes"
    );
    // The editor still holding v2's ETag is told, not overwritten.
    let res = retitle(&owner, &task_id, &v2, "Stale", "\"v2\"").await;
    assert_eq!(res.status(), 412);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_viewer_cannot_regenerate_a_stranger_sees_nothing_and_bad_requests_say_why(db: PgPool) {
    let app = spawn_app(db).await;
    let (owner, _) = user(&app, "olivia").await;
    let (viewer, viewer_id) = user(&app, "victor").await;
    let (stranger, _) = user(&app, "sam").await;
    let task_id = completed_task(&app, &owner, MEETING).await;
    sqlx::query(
        "INSERT INTO task_shares (task_id, grantee_user_id, permission, granted_by)
         SELECT id, $2, 'view', user_id FROM tasks WHERE id = $1::uuid",
    )
    .bind(&task_id)
    .bind(viewer_id)
    .execute(&app.db)
    .await
    .unwrap();

    let res = regenerate(&viewer, &task_id, "standup", None).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "forbidden");
    let res = regenerate(&stranger, &task_id, "standup", None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "task_not_found");
    let res = regenerate(&owner, &task_id, "no_such_template", None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "unknown_template");
    let res = regenerate(&owner, &task_id, "standup", Some("\"v0\"")).await;
    assert_eq!(res.status(), 412);
    assert_eq!(error_code(res).await, "version_conflict");
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(jobs, 0, "nothing was queued");
}
