use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Browser, spawn_app, spawn_app_with};

const VTT: &str = "WEBVTT

00:00:01.000 --> 00:00:05.000
<v Alice>Welcome everyone, today we review the launch plan for the mobile app.

00:00:05.000 --> 00:00:10.000
<v Bob>The beta feedback on the mobile app was positive and the crash rate is low.

00:00:10.000 --> 00:00:15.000
<v Alice>We agreed to launch the mobile app on the first of March.

00:00:15.000 --> 00:00:20.000
<v Bob>I will send the release notes by Friday.
";

const JAPANESE: &str = "田中: 本日は新製品の販売計画について話し合います。
佐藤: 販売計画の初期案では東京と大阪で先行販売を行います。
田中: 先行販売は四月から開始することに決定しました。
佐藤: 販売資料は来週の金曜日までに私が準備します。
";

async fn upload(browser: &Browser, name: &str, text: &str) -> String {
    browser.upload_ok(name, text).await["task_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn minutes_json(browser: &Browser, task_id: &str) -> Value {
    let res = browser.minutes(task_id, "json").await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_vtt_upload_becomes_minutes_drawn_from_its_content(db: PgPool) {
    let app = spawn_app(db).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let task_id = upload(&browser, "launch.vtt", VTT).await;

    let task = browser.finished_task(&task_id).await;
    assert_eq!(task["status"], "completed", "{task}");
    assert_eq!(task["progress"], 100);

    let minutes = minutes_json(&browser, &task_id).await;
    let decisions = minutes["decisions"].as_array().unwrap();
    assert!(
        decisions
            .iter()
            .any(|d| d["text"].as_str().unwrap().contains("agreed to launch")),
        "{minutes}"
    );
    let actions = minutes["action_items"].as_array().unwrap();
    let send = actions
        .iter()
        .find(|a| a["text"].as_str().unwrap().contains("release notes"))
        .unwrap_or_else(|| panic!("{minutes}"));
    assert_eq!(send["owner"], "Bob");
    assert_eq!(minutes["transcript"][0]["speaker"], "Alice");
    assert!(!minutes["summary"].as_array().unwrap().is_empty());

    let md = browser.minutes(&task_id, "md").await;
    assert_eq!(md.headers()["content-type"], "text/markdown; charset=utf-8");
    assert!(md.text().await.unwrap().starts_with("# "));
    let txt = browser.minutes(&task_id, "txt").await;
    assert!(txt.text().await.unwrap().contains("release notes"));
    assert_eq!(
        app.count("SELECT count(*) FROM jobs").await,
        0,
        "the job is done"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_japanese_transcript_yields_its_decision_and_action_item(db: PgPool) {
    let app = spawn_app(db).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let task_id = upload(&browser, "会議.txt", JAPANESE).await;
    assert_eq!(browser.finished_task(&task_id).await["status"], "completed");

    let minutes = minutes_json(&browser, &task_id).await;
    let decisions = minutes["decisions"].to_string();
    assert!(decisions.contains("決定"), "{minutes}");
    let actions = minutes["action_items"].as_array().unwrap();
    let prep = actions
        .iter()
        .find(|a| a["text"].as_str().unwrap().contains("までに"))
        .unwrap_or_else(|| panic!("{minutes}"));
    assert_eq!(prep["owner"], "佐藤");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_malformed_transcript_fails_with_a_clear_error_and_is_not_retried(db: PgPool) {
    let app = spawn_app(db).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let srt = "1\n00:00:01,000 --> 00:00:xx,000\nhello\n";
    let task_id = upload(&browser, "broken.srt", srt).await;

    let task = browser.finished_task(&task_id).await;
    assert_eq!(task["status"], "failed");
    let error = task["error"].as_str().unwrap();
    assert!(error.contains("timestamp"), "{error}");
    assert_eq!(task["error_code"], "invalid_transcript");
    assert_eq!(app.count("SELECT count(*) FROM jobs").await, 0);
    let res = browser.minutes(&task_id, "md").await;
    assert_eq!(res.status(), 409);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn audio_without_a_transcription_backend_fails_naming_the_setting(db: PgPool) {
    // Accepted while a backend was configured; the workers have none.
    let mut app = spawn_app_with(db, crate::helpers::accept_recordings).await;
    let browser = app.browser();
    let res = browser
        .upload("call.wav", "audio/wav", crate::helpers::WAV)
        .await;
    let task_id = res.json::<Value>().await.unwrap()["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.settings.processing.transcription.base_url = None;
    let _workers = app.start_workers(1);
    let task = browser.finished_task(&task_id).await;
    assert_eq!(task["status"], "failed");
    assert_eq!(task["error_code"], "transcription_not_configured", "{task}");
    let detail = app.error_detail(&task_id).await;
    assert!(
        detail.contains("processing.transcription.base_url"),
        "{detail}"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn minutes_are_409_before_completion_and_retry_is_409_unless_failed(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let task_id = upload(&browser, "launch.vtt", VTT).await;
    let res = browser.minutes(&task_id, "md").await;
    assert_eq!(res.status(), 409);
    assert_eq!(crate::helpers::error_code(res).await, "not_ready");
    browser.session().await;
    let res = browser.post(&format!("/api/tasks/{task_id}/retry")).await;
    assert_eq!(res.status(), 409);
    assert_eq!(crate::helpers::error_code(res).await, "not_failed");
    let res = browser.minutes(&task_id, "pdf").await;
    assert_eq!(res.status(), 400);

    let stranger = app.browser();
    stranger.session().await;
    assert_eq!(stranger.minutes(&task_id, "md").await.status(), 404);
    let res = stranger.post(&format!("/api/tasks/{task_id}/retry")).await;
    assert_eq!(res.status(), 404);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn websocket_clients_see_each_stage(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let task_id = upload(&browser, "launch.vtt", VTT).await;
    let mut socket = crate::tasks_ws::connect(&app, &browser, &task_id, None)
        .await
        .unwrap();
    assert_eq!(
        crate::tasks_ws::next_event(&mut socket).await["status"],
        "queued"
    );

    let _workers = app.start_workers(1);
    let mut seen = Vec::new();
    loop {
        let event = crate::tasks_ws::next_event(&mut socket).await;
        seen.push((event["status"].clone(), event["stage"].clone()));
        if event["status"] == "completed" {
            break;
        }
    }
    let stages: Vec<_> = seen.iter().filter_map(|(_, s)| s.as_str()).collect();
    assert!(stages.contains(&"transcribing"), "{seen:?}");
    assert!(stages.contains(&"summarizing"), "{seen:?}");
}
