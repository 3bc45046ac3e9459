//! A failed task tells its viewers what failed, in a sentence with an error
//! code, never how: a backend's address and its answers are for the server
//! log and admins (`error_detail`).

use serde_json::Value;
use sqlx::PgPool;

use crate::{
    fake_openai::FakeOpenAi,
    helpers::{Browser, TestApp, WAV, spawn_app_with},
    people::admin,
    tasks_ws::{Socket, connect, next_event},
};

/// The app with its transcription backend at `base_url`, one attempt per job.
async fn app_with_asr(db: PgPool, base_url: String) -> TestApp {
    spawn_app_with(db, |s| s.processing.transcription.base_url = Some(base_url)).await
}

/// An anonymous upload of a recording, watched on its socket from the start;
/// then the job fails at its first failure instead of being retried.
async fn upload_watched(app: &TestApp, browser: &Browser) -> (String, Socket) {
    let res = browser.upload("call.wav", "audio/wav", WAV).await;
    assert_eq!(res.status(), 201);
    let task_id = res.json::<Value>().await.unwrap()["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    sqlx::query("UPDATE jobs SET max_attempts = 1")
        .execute(&app.db)
        .await
        .unwrap();
    let socket = connect(app, browser, &task_id, None).await.unwrap();
    (task_id, socket)
}

/// Every event the socket sends until the task has failed, as text.
async fn events_until_failed(socket: &mut Socket) -> String {
    let mut seen = String::new();
    loop {
        let event = next_event(socket).await;
        seen.push_str(&event.to_string());
        if event["status"] == "failed" {
            return seen;
        }
    }
}

/// What the uploader can read about the task: the task, their list, and
/// what their socket said.
async fn everything_the_uploader_sees(browser: &Browser, task_id: &str, socket: &str) -> String {
    let task = browser.finished_task(task_id).await;
    assert_eq!(task["status"], "failed");
    assert!(
        task.get("error_detail").is_none(),
        "no detail for a non-admin: {task}"
    );
    let list = browser.tasks().await;
    format!("{task}\n{list}\n{socket}")
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_uploader_never_sees_the_transcription_backends_address(db: PgPool) {
    // A backend address that refuses connections, with a path worth hiding.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let secret_path = "internal-asr-7f3a";
    let app = app_with_asr(db, format!("http://127.0.0.1:{port}/{secret_path}")).await;
    let anonymous = app.browser();
    let (task_id, mut socket) = upload_watched(&app, &anonymous).await;
    let _workers = app.start_workers(1);
    let socket_said = events_until_failed(&mut socket).await;

    let seen = everything_the_uploader_sees(&anonymous, &task_id, &socket_said).await;
    for hidden in [
        secret_path,
        &port.to_string(),
        "127.0.0.1",
        "http://",
        "error sending",
    ] {
        assert!(
            !seen.contains(hidden),
            "{hidden:?} shown to the uploader: {seen}"
        );
    }
    let task = anonymous.finished_task(&task_id).await;
    assert_eq!(task["error_code"], "transcription_unavailable");
    assert_eq!(
        task["error"],
        "the transcription service could not be reached; the administrator can see why in the server log"
    );

    // The admin sees what went wrong, on the task and in the list of all tasks.
    let ada = admin(&app, "ada").await;
    let detail = ada.task(&task_id).await.json::<Value>().await.unwrap()["error_detail"].clone();
    let detail = detail.as_str().unwrap_or_else(|| panic!("{detail}"));
    assert!(
        detail.contains(secret_path) && detail.contains("unreachable"),
        "{detail}"
    );
    let all: Value = ada.get("/api/admin/tasks").await.json().await.unwrap();
    assert_eq!(all["tasks"][0]["error_detail"], detail);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn what_a_backend_answers_when_it_refuses_is_not_shown_to_the_uploader(db: PgPool) {
    let (asr, url) = FakeOpenAi::start().await;
    asr.reply(
        400,
        r#"{"error": {"message": "model /srv/models/large-v3.bin not loaded"}}"#,
    );
    let app = app_with_asr(db, url).await;
    let anonymous = app.browser();
    let (task_id, mut socket) = upload_watched(&app, &anonymous).await;
    let _workers = app.start_workers(1);
    let socket_said = events_until_failed(&mut socket).await;

    let seen = everything_the_uploader_sees(&anonymous, &task_id, &socket_said).await;
    assert!(!seen.contains("/srv/models"), "{seen}");
    let task = anonymous.finished_task(&task_id).await;
    assert_eq!(task["error_code"], "transcription_failed");

    let ada = admin(&app, "ada").await;
    let task: Value = ada.task(&task_id).await.json().await.unwrap();
    assert!(
        task["error_detail"]
            .as_str()
            .is_some_and(|d| d.contains("/srv/models/large-v3.bin")),
        "{task}"
    );
}
