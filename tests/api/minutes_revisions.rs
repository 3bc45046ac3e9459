//! Who may edit minutes, what the revision history shows, restoring,
//! the `minutes_updated` event, the audit trail and the meeting's language.

use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app},
    minutes_edit::{MEETING, completed_task, minutes_json, put_minutes, retitle},
    tasks_ws::{connect, next_event},
};

const PASSWORD: &str = "correct horse battery";

/// A browser logged in as a new user `name`, and the user's id.
async fn user(app: &TestApp, name: &str) -> (Browser, Uuid) {
    let user = app.create_user(name, PASSWORD).await;
    let browser = app.browser();
    browser.session().await;
    assert_eq!(browser.login(name, PASSWORD).await.status(), 200);
    (browser, user.id)
}

/// What the sharing endpoints will do, done in SQL (they are built apart).
async fn share(app: &TestApp, task_id: &str, grantee: Uuid, permission: &str) {
    sqlx::query(
        "INSERT INTO task_shares (task_id, grantee_user_id, permission, granted_by)
         SELECT id, $2, $3, user_id FROM tasks WHERE id = $1::uuid",
    )
    .bind(task_id)
    .bind(grantee)
    .bind(permission)
    .execute(&app.db)
    .await
    .unwrap();
}

async fn revisions(browser: &Browser, task_id: &str) -> Vec<Value> {
    let res = browser
        .get(&format!("/api/tasks/{task_id}/minutes/revisions"))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["revisions"].as_array().unwrap().clone()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_view_grantee_gets_403_an_edit_grantee_saves_and_a_stranger_gets_404(db: PgPool) {
    let app = spawn_app(db).await;
    let (owner, _) = user(&app, "olivia").await;
    let (viewer, viewer_id) = user(&app, "victor").await;
    let (editor, editor_id) = user(&app, "edith").await;
    let (stranger, _) = user(&app, "sam").await;
    let task_id = completed_task(&app, &owner, MEETING).await;
    share(&app, &task_id, viewer_id, "view").await;
    share(&app, &task_id, editor_id, "edit").await;
    let (minutes, etag) = minutes_json(&viewer, &task_id, None).await;

    let res = retitle(&viewer, &task_id, &minutes, "By the viewer", &etag).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "forbidden");
    let res = retitle(&stranger, &task_id, &minutes, "By a stranger", &etag).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "task_not_found");
    for path in ["minutes", "minutes/revisions"] {
        let res = stranger.get(&format!("/api/tasks/{task_id}/{path}")).await;
        assert_eq!(res.status(), 404, "{path}");
    }

    let res = retitle(&editor, &task_id, &minutes, "By the editor", &etag).await;
    assert_eq!(res.status(), 200);
    let (latest, _) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(latest["title"], "By the editor");
    assert_eq!(revisions(&viewer, &task_id).await[0]["author"], "edith");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_history_shows_authors_and_devices_newest_first(db: PgPool) {
    let app = spawn_app(db).await;
    let (owner, _) = user(&app, "olivia").await;
    let (editor, editor_id) = user(&app, "edith").await;
    let task_id = completed_task(&app, &owner, MEETING).await;
    share(&app, &task_id, editor_id, "edit").await;
    let (minutes, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(
        retitle(&owner, &task_id, &minutes, "Two", &etag)
            .await
            .status(),
        200
    );
    assert_eq!(
        retitle(&editor, &task_id, &minutes, "Three", "\"v2\"")
            .await
            .status(),
        200
    );

    let history = revisions(&owner, &task_id).await;
    let versions: Vec<(i64, Value)> = history
        .iter()
        .map(|r| (r["version"].as_i64().unwrap(), r["author"].clone()))
        .collect();
    assert_eq!(
        versions,
        [(3, json!("edith")), (2, json!("olivia")), (1, Value::Null)]
    );
    let device = |browser_sessions: Value| {
        let s = &browser_sessions["sessions"][0];
        json!({"user_agent": s["user_agent"], "ip": s["ip"]})
    };
    assert_eq!(history[0]["device"], device(editor.sessions().await));
    assert_eq!(history[1]["device"], device(owner.sessions().await));
    assert_eq!(history[1]["device"]["ip"], "127.0.0.1");
    assert_eq!(
        history[2]["device"],
        Value::Null,
        "processing has no device"
    );
    assert!(history.iter().all(|r| r["created_at"].is_string()));

    // The device outlives its series.
    sqlx::query("DELETE FROM session_series WHERE user_id = $1")
        .bind(editor_id)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        revisions(&owner, &task_id).await[0]["device"]["ip"],
        "127.0.0.1"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn only_the_owner_and_admins_see_the_address_a_revision_was_saved_from(db: PgPool) {
    let app = spawn_app(db).await;
    let (owner, _) = user(&app, "olivia").await;
    let (viewer, viewer_id) = user(&app, "victor").await;
    let (editor, editor_id) = user(&app, "edith").await;
    let admin = crate::people::admin(&app, "ada").await;
    let task_id = completed_task(&app, &owner, MEETING).await;
    share(&app, &task_id, viewer_id, "view").await;
    share(&app, &task_id, editor_id, "edit").await;
    let (minutes, etag) = minutes_json(&editor, &task_id, None).await;
    let res = retitle(&editor, &task_id, &minutes, "By the editor", &etag).await;
    assert_eq!(res.status(), 200);

    for (who, browser) in [("owner", &owner), ("admin", &admin)] {
        let device = &revisions(browser, &task_id).await[0]["device"];
        assert_eq!(device["ip"], "127.0.0.1", "{who}");
        assert!(device.get("user_agent").is_some(), "{who}");
    }
    for (who, browser) in [("view grantee", &viewer), ("edit grantee", &editor)] {
        let device = &revisions(browser, &task_id).await[0]["device"];
        assert_eq!(device["ip"], Value::Null, "{who} sees no address");
        assert!(
            device.get("user_agent").is_some(),
            "{who} still sees the browser and system"
        );
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn restoring_an_old_version_is_a_put_of_its_content(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let (original, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(
        retitle(&owner, &task_id, &original, "Mistake", &etag)
            .await
            .status(),
        200
    );

    let (v1, _) = minutes_json(&owner, &task_id, Some(1)).await;
    let res = put_minutes(&owner, &task_id, &v1, Some("\"v2\"")).await;
    assert_eq!(res.status(), 200);
    let restored: Value = res.json().await.unwrap();
    assert_eq!(restored["version"], 3);
    let (latest, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!((latest, etag.as_str()), (original, "\"v3\""));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_restore_that_names_its_version_is_listed_as_restored_from_it(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let task_id = completed_task(&app, &owner, MEETING).await;
    let (original, etag) = minutes_json(&owner, &task_id, None).await;
    let res = retitle(&owner, &task_id, &original, "Mistake", &etag).await;
    assert_eq!(res.status(), 200);

    let restore = |from: &str| {
        owner
            .request(
                reqwest::Method::PUT,
                &format!("/api/tasks/{task_id}/minutes?restored_from={from}"),
            )
            .json(&original)
            .header("if-match", "\"v2\"")
    };
    for bad in ["0", "2", "3"] {
        let res = restore(bad).send().await.unwrap();
        assert_eq!(res.status(), 422, "{bad}");
    }
    let res = restore("1").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let history = revisions(&owner, &task_id).await;
    let restored: Vec<_> = history.iter().map(|r| r["restored_from"].clone()).collect();
    assert_eq!(restored, [json!(1), Value::Null, Value::Null]);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_save_is_audited_as_minutes_edited_with_its_version(db: PgPool) {
    let app = spawn_app(db).await;
    let (owner, owner_id) = user(&app, "olivia").await;
    let task_id = completed_task(&app, &owner, MEETING).await;
    let (minutes, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(
        retitle(&owner, &task_id, &minutes, "Two", &etag)
            .await
            .status(),
        200
    );
    assert_eq!(
        retitle(&owner, &task_id, &minutes, "Lost", &etag)
            .await
            .status(),
        412
    );

    type Event = (Option<Uuid>, Option<String>, Value, Option<String>);
    let events: Vec<Event> = sqlx::query_as(
        "SELECT actor_user_id, subject, detail, host(ip) FROM audit_events
         WHERE kind = 'minutes_edited' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        events,
        [(
            Some(owner_id),
            Some(task_id),
            json!({"version": 2}),
            Some("127.0.0.1".into())
        )],
        "one event, for the save that happened"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_watcher_of_the_task_socket_hears_minutes_updated(db: PgPool) {
    let app = spawn_app(db).await;
    let (owner, _) = user(&app, "olivia").await;
    let task = owner.upload_ok("meeting.txt", MEETING).await;
    let task_id = task["task_id"].as_str().unwrap().to_owned();
    let mut socket = connect(&app, &owner, &task_id, None).await.unwrap();
    assert_eq!(next_event(&mut socket).await["status"], "queued");
    // The task socket closes once a task finishes, so complete this one
    // behind its back (no notification) to save while the socket is open.
    sqlx::query(
        "WITH done AS (UPDATE tasks SET status = 'completed', progress = 100 WHERE id = $1::uuid)
         INSERT INTO minutes_revisions (task_id, version, content) VALUES ($1::uuid, 1, $2)",
    )
    .bind(&task_id)
    .bind(
        json!({"title": "t", "summary": [], "decisions": [], "action_items": [],
                 "transcript": [{"start": null, "end": null, "speaker": null, "text": "Hello."}]}),
    )
    .execute(&app.db)
    .await
    .unwrap();

    let (minutes, etag) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(
        retitle(&owner, &task_id, &minutes, "Two", &etag)
            .await
            .status(),
        200
    );
    let event = next_event(&mut socket).await;
    assert_eq!(
        event,
        json!({"type": "minutes_updated", "task_id": task_id, "version": 2, "author": "olivia"})
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_japanese_meeting_downloads_with_japanese_headings(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    let meeting = "田中: 本日は新製品の販売計画について話し合います。
佐藤: 先行販売は四月から開始することに決定しました。
佐藤: 販売資料は来週の金曜日までに私が準備します。
";
    let task_id = completed_task(&app, &owner, meeting).await;
    let (minutes, _) = minutes_json(&owner, &task_id, None).await;
    assert_eq!(minutes["language"], "ja");

    let md = owner.minutes(&task_id, "md").await.text().await.unwrap();
    for heading in [
        "\n## 概要\n",
        "\n## 決定事項\n",
        "\n## アクションアイテム\n",
        "\n## 文字起こし\n",
    ] {
        assert!(md.contains(heading), "{heading} missing from\n{md}");
    }
    let txt = owner.minutes(&task_id, "txt").await.text().await.unwrap();
    for heading in [
        "\n概要\n",
        "\n決定事項\n",
        "\nアクションアイテム\n",
        "\n文字起こし\n",
    ] {
        assert!(txt.contains(heading), "{heading} missing from\n{txt}");
    }
    for english in ["Summary", "Decisions", "Action items", "Transcript"] {
        assert!(!md.contains(english) && !txt.contains(english), "{english}");
    }
}
