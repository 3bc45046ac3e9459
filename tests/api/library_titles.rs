//! Titles and dates: a task is named by its minutes' title once it has
//! one (its file name before), dated by its meeting, in the list, a single
//! read, the admin list, the event socket and the downloads' names.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp, spawn_app};
use crate::minutes_edit::{minutes_json, put_minutes};
use crate::people;
use crate::tasks_events::{events, user};
use crate::tasks_ws::{next_event, ready};

const JA_MEETING: &str = "第3四半期 定例会議

田中: 予算の見直しは来月に決定します。
鈴木: 資料は金曜日までに準備します。
";

async fn listed(browser: &Browser, task_id: &str) -> Value {
    let list: Value = browser.get("/api/tasks").await.json().await.unwrap();
    list["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task_id"] == task_id)
        .cloned()
        .unwrap_or_else(|| panic!("{task_id} not listed: {list}"))
}

async fn finished(app: &TestApp, browser: &Browser, filename: &str, text: &str) -> String {
    browser.session().await;
    let id = people::finished(app, browser, filename, text).await;
    assert_eq!(listed(browser, &id).await["status"], "completed");
    id
}

fn disposition(res: &reqwest::Response) -> String {
    res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_task_is_named_by_its_file_until_its_minutes_title_it(db: PgPool) {
    let app = spawn_app(db).await;
    let me = app.browser();
    me.session().await;
    let queued = me.upload_ok("定例会議_2024-09-30.txt", JA_MEETING).await;
    assert_eq!(queued["title"], Value::Null, "{queued}");
    assert_eq!(queued["meeting_date"], "2024-09-30", "from the file name");
    let id = queued["task_id"].as_str().unwrap().to_owned();
    assert_eq!(listed(&me, &id).await["title"], Value::Null);

    let _workers = app.start_workers(1);
    me.finished_task(&id).await;
    let task = listed(&me, &id).await;
    assert_eq!(task["title"], "第3四半期 定例会議", "{task}");
    assert_eq!(task["filename"], "定例会議_2024-09-30.txt");
    assert_eq!(task["meeting_date"], "2024-09-30");
    let (minutes, etag) = minutes_json(&me, &id, None).await;
    assert_eq!(minutes["meeting_date"], "2024-09-30", "{minutes}");

    let mut edit = minutes.clone();
    edit["title"] = json!("第3四半期 定例会議（9/30）");
    edit["meeting_date"] = json!("2024-10-01");
    assert_eq!(
        put_minutes(&me, &id, &edit, Some(&etag)).await.status(),
        200
    );
    let task: Value = me.task(&id).await.json().await.unwrap();
    assert_eq!(task["title"], "第3四半期 定例会議（9/30）");
    assert_eq!(task["meeting_date"], "2024-10-01");
    assert_eq!(
        listed(&me, &id).await["title"],
        "第3四半期 定例会議（9/30）"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn downloads_are_named_by_the_meetings_date_and_title(db: PgPool) {
    let app = spawn_app(db).await;
    let me = app.browser();
    let id = finished(&app, &me, "notes_2026-09-30.txt", JA_MEETING).await;

    let res = me.get(&format!("/api/tasks/{id}/minutes")).await;
    assert_eq!(res.status(), 200);
    let exact = percent_encoding::utf8_percent_encode(
        "2026-09-30 第3四半期 定例会議.md",
        percent_encoding::NON_ALPHANUMERIC,
    )
    .to_string();
    let header = disposition(&res);
    let (fallback, encoded) = header
        .split_once("; filename*=UTF-8''")
        .unwrap_or_else(|| panic!("{header}"));
    assert!(
        fallback.starts_with("attachment; filename=\"2026-09-30 "),
        "{header}"
    );
    assert!(fallback.is_ascii());
    assert_eq!(
        percent_encoding::percent_decode_str(encoded)
            .decode_utf8()
            .unwrap(),
        percent_encoding::percent_decode_str(&exact)
            .decode_utf8()
            .unwrap(),
    );
    assert!(
        res.text().await.unwrap().contains("2026-09-30"),
        "the date is in the minutes"
    );

    let (minutes, etag) = minutes_json(&me, &id, None).await;
    let mut edit = minutes.clone();
    edit["title"] = json!("Q3 review 9/30: \"final\"");
    assert_eq!(
        put_minutes(&me, &id, &edit, Some(&etag)).await.status(),
        200
    );
    let res = me.get(&format!("/api/tasks/{id}/minutes?format=txt")).await;
    assert_eq!(
        disposition(&res),
        "attachment; filename=\"2026-09-30 Q3 review 9-30- -final-.txt\"; \
         filename*=UTF-8''2026-09-30%20Q3%20review%209-30-%20-final-.txt"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_meeting_date_comes_from_the_transcript_else_the_upload(db: PgPool) {
    let app = spawn_app(db).await;
    let me = app.browser();
    let said = "Weekly sync October 3, 2024\n\nAnn: We agreed to ship.\n";
    let id = finished(&app, &me, "sync_2020-01-01.txt", said).await;
    assert_eq!(
        listed(&me, &id).await["meeting_date"],
        "2024-10-03",
        "the transcript wins"
    );

    let id = finished(&app, &me, "standup.txt", "Ann: We agreed to ship.\n").await;
    let task = listed(&me, &id).await;
    let uploaded = &task["upload_timestamp"].as_str().unwrap()[..10];
    assert_eq!(task["meeting_date"], uploaded, "{task}");

    let (minutes, etag) = minutes_json(&me, &id, None).await;
    assert_eq!(
        minutes["meeting_date"], uploaded,
        "reads say the date that stands"
    );
    let mut edit = minutes.clone();
    edit["meeting_date"] = json!("2024-02-30");
    let res = put_minutes(&me, &id, &edit, Some(&etag)).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"]["meeting_date"],
        json!(["invalid"]),
        "{body}"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn grantees_admins_and_event_sockets_see_the_title(db: PgPool) {
    let app = spawn_app(db).await;
    let (ann, _) = user(&app, "ann").await;
    let (bob, _) = user(&app, "bob").await;
    let boss = people::admin(&app, "boss").await;
    let id = finished(&app, &ann, "定例会議_2024-09-30.txt", JA_MEETING).await;
    let mut bobs = events(&app, &bob).await;
    ready(&mut bobs).await;
    assert_eq!(people::share(&ann, &id, "bob", "view").await.status(), 200);
    assert_eq!(next_event(&mut bobs).await["type"], "task_shared");
    assert_eq!(listed(&bob, &id).await["title"], "第3四半期 定例会議");
    let all: Value = boss.get("/api/admin/tasks").await.json().await.unwrap();
    assert_eq!(all["tasks"][0]["title"], "第3四半期 定例会議", "{all}");
    assert_eq!(all["tasks"][0]["meeting_date"], "2024-09-30");

    let (minutes, etag) = minutes_json(&ann, &id, None).await;
    let mut edit = minutes.clone();
    edit["title"] = json!("予算会議");
    edit["meeting_date"] = json!("2024-10-01");
    assert_eq!(
        put_minutes(&ann, &id, &edit, Some(&etag)).await.status(),
        200
    );
    let mut seen = vec![];
    let state = loop {
        let event = next_event(&mut bobs).await;
        seen.push(event["type"].clone());
        if event["type"] == "progress" {
            break event;
        }
        assert!(seen.len() < 5, "no progress event: {seen:?}");
    };
    assert_eq!(state["task_id"], id.as_str());
    assert_eq!(state["title"], "予算会議", "{state}");
    assert_eq!(state["meeting_date"], "2024-10-01");
}
