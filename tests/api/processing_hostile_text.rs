//! Text a job reads (an uploaded transcript, a backend's answer) is input
//! too: NUL, which the database cannot store, is dropped when it is parsed;
//! and minutes the database refuses all the same fail their task at once,
//! saying so, instead of the job being run again every lease.

use std::{sync::Arc, time::Duration};

use minutes::{
    jobs::{Processor, worker},
    summary::{Minutes, Transcript, summarize},
};
use serde_json::{Value, json};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::{
    fake_openai::{FakeOpenAi, chat_completion},
    helpers::{Browser, TestApp, spawn_app, spawn_app_with},
};

/// The task once it has finished, well before a job lease (30 s) could
/// lapse: a job that failed to store its outcome and waits to be run again
/// does not finish in time.
async fn finished_soon(browser: &Browser, task_id: &str) -> Value {
    for _ in 0..100 {
        let task: Value = browser.task(task_id).await.json().await.unwrap();
        if task["status"] == "completed" || task["status"] == "failed" {
            return task;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("task {task_id} did not finish within 10 s");
}

async fn upload(browser: &Browser, filename: &str, text: &str) -> String {
    let task = browser.upload_ok(filename, text).await;
    task["task_id"].as_str().unwrap().to_owned()
}

async fn minutes_json(browser: &Browser, task_id: &str) -> Value {
    browser.minutes(task_id, "json").await.json().await.unwrap()
}

async fn no_nul_stored(app: &TestApp) {
    let stored: i64 = app
        .count("SELECT count(*) FROM minutes_revisions WHERE content::text LIKE '%\\u0000%'")
        .await;
    assert_eq!(stored, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_whisper_transcript_with_escaped_nul_completes_without_it(db: PgPool) {
    let app = spawn_app(db).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    browser.session().await;
    // No NUL byte in the file, so it passes the upload: the JSON escape
    // becomes one only when it is parsed.
    let whisper = r#"{"segments": [
        {"start": 0.0, "end": 2.0, "speaker": "Alice\u0000", "text": "We agreed\u0000 to ship on Friday."},
        {"start": 2.0, "end": 4.0, "text": "Bob will\u0000 write the notes."}
    ]}"#;
    assert!(!whisper.contains('\0'));
    let task_id = upload(&browser, "meeting.json", whisper).await;

    let task = finished_soon(&browser, &task_id).await;
    assert_eq!(task["status"], "completed", "{task}");
    let minutes = minutes_json(&browser, &task_id).await;
    assert_eq!(
        minutes["transcript"][0]["text"],
        "We agreed to ship on Friday."
    );
    assert_eq!(minutes["transcript"][0]["speaker"], "Alice");
    no_nul_stored(&app).await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_llm_answer_with_nul_completes_without_it(db: PgPool) {
    let (llm, url) = FakeOpenAi::start().await;
    let answer = json!({
        "title": "Launch\u{0} plan",
        "summary": ["We ship\u{0} on Friday."],
        "decisions": [{"text": "Ship\u{0} on Friday", "segment": 0}],
        "action_items": [{"text": "Write notes", "segment": 1, "owner": "Bob\u{0}", "due": "Friday"}]
    });
    llm.reply(200, chat_completion(&answer.to_string()));
    let app = spawn_app_with(db, |s| s.processing.summarization.base_url = Some(url)).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    browser.session().await;
    let task_id = upload(
        &browser,
        "meeting.txt",
        "Alice: We agreed to ship on Friday.\nBob: I will write the notes.\n",
    )
    .await;

    let task = finished_soon(&browser, &task_id).await;
    assert_eq!(task["status"], "completed", "{task}");
    let minutes = minutes_json(&browser, &task_id).await;
    assert_eq!(minutes["title"], "Launch plan");
    assert_eq!(minutes["action_items"][0]["owner"], "Bob");
    no_nul_stored(&app).await;
}

/// The built-in summarizer, but the title it writes holds NUL: minutes the
/// database refuses, which no input can make any more.
fn nul_titled(t: &Transcript) -> Minutes {
    Minutes {
        title: "Weekly\u{0}sync".into(),
        ..summarize(t)
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn minutes_the_database_refuses_fail_the_task_at_once_saying_why(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let task_id = upload(&browser, "meeting.txt", "Alice: We agreed to ship.\n").await;

    let mut processor = Processor::new(&app.settings.processing, app.db.clone(), app.uploads());
    processor.summarizer = nul_titled;
    let _workers = worker::spawn(Arc::new(processor), 1, CancellationToken::new());

    let task = finished_soon(&browser, &task_id).await;
    assert_eq!(task["status"], "failed", "{task}");
    assert_eq!(task["error_code"], "unstorable_text", "{task}");
    assert!(
        !task["error"]
            .as_str()
            .unwrap()
            .contains("worker may have crashed"),
        "{task}"
    );
    let detail = app.error_detail(&task_id).await;
    assert!(
        detail.contains("the database refused the minutes"),
        "{detail}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM jobs").await,
        0,
        "not retried"
    );
    assert_eq!(app.count("SELECT count(*) FROM minutes_revisions").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_backend_refusal_holding_nul_still_fails_the_task_at_once(db: PgPool) {
    let (asr, url) = FakeOpenAi::start().await;
    asr.reply(400, "{\"error\": \"unsupported\u{0}audio\"}");
    let app = spawn_app_with(db, |s| s.processing.transcription.base_url = Some(url)).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let res = browser
        .upload("call.wav", "audio/wav", crate::helpers::WAV)
        .await;
    let task_id = res.json::<Value>().await.unwrap()["task_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let task = finished_soon(&browser, &task_id).await;
    assert_eq!(task["error_code"], "transcription_failed", "{task}");
    let detail = app.error_detail(&task_id).await;
    assert!(detail.contains("unsupportedaudio"), "{detail}");
}
