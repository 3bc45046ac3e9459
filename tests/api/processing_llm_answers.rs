//! The summarization backend is input too: answers that miss the asked-for
//! shape in small ways still give minutes, and a server that refuses
//! `response_format` is asked again without it, once per process.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    fake_openai::{FakeOpenAi, chat_completion},
    helpers::{Browser, spawn_app_with},
};

const TRANSCRIPT: &str = "Alice: Today we discuss the hiring plan for the support team.
Bob: We agreed to hire two engineers this quarter.
Carol: I will draft the job posting by Monday.
";

/// Uploads the transcript and waits for its task; the browser must have a
/// session (and so its CSRF token).
async fn minutes_for(browser: &Browser) -> (Value, Value) {
    let task_id = browser.upload_ok("hiring.txt", TRANSCRIPT).await["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let task = browser.finished_task(&task_id).await;
    let minutes = browser
        .minutes(&task_id, "json")
        .await
        .json()
        .await
        .unwrap();
    (task, minutes)
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn near_miss_answers_from_the_llm_still_give_minutes(db: PgPool) {
    let (llm, url) = FakeOpenAi::start().await;
    let app = spawn_app_with(db, |s| s.processing.summarization.base_url = Some(url)).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    browser.session().await;

    let near_misses = [
        // A summary as one string, decisions and action items as plain strings.
        json!({"title": "Support hiring", "summary": "Two engineers will be hired.",
               "decisions": ["Hire two engineers this quarter"],
               "action_items": ["Carol drafts the job posting by Monday"]}),
        // Numbers as strings and strings as numbers.
        json!({"title": 2026, "summary": ["Two engineers will be hired."],
               "decisions": [{"text": "Hire two engineers this quarter", "segment": "1"}],
               "action_items": [{"text": "Draft the job posting", "segment": 2.0,
                                 "owner": "Carol", "due": 20261130}]}),
        // A line reference past the transcript's end.
        json!({"title": "Support hiring", "summary": ["Two engineers will be hired."],
               "decisions": [{"text": "Hire two engineers this quarter", "segment": 99}],
               "action_items": [{"text": "Draft the job posting", "segment": 2,
                                 "owner": "Carol", "due": null}]}),
    ];
    for answer in near_misses {
        llm.reply(200, chat_completion(&answer.to_string()));
        let (task, minutes) = minutes_for(&browser).await;
        assert_eq!(task["status"], "completed", "{answer} → {task}");
        assert_eq!(
            minutes["summary"],
            json!(["Two engineers will be hired."]),
            "{answer}"
        );
        assert_eq!(
            minutes["decisions"][0]["text"],
            "Hire two engineers this quarter"
        );
        assert_eq!(minutes["decisions"][0]["segment"], 1, "{answer}");
        assert_eq!(minutes["action_items"][0]["segment"], 2, "{answer}");
        assert!(!minutes["title"].as_str().unwrap().is_empty());
    }
    assert_eq!(llm.received().len(), 3, "no repair was needed");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_server_refusing_response_format_is_asked_without_it_once_per_process(db: PgPool) {
    let (llm, url) = FakeOpenAi::start().await;
    let good = json!({"title": "Support hiring", "summary": ["Two hires."],
                      "decisions": [], "action_items": []})
    .to_string();
    let refusal = |what: &str| {
        json!({"error": {"message": format!("response_format type {what} is not supported")}})
            .to_string()
    };
    llm.reply(400, refusal("json_schema"))
        .reply(400, refusal("json_object"))
        .reply(200, chat_completion(&good))
        .reply(200, chat_completion(&good));
    let app = spawn_app_with(db, |s| s.processing.summarization.base_url = Some(url)).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    browser.session().await;

    let (first, _) = minutes_for(&browser).await;
    assert_eq!(first["status"], "completed", "{first}");
    let sent = llm.received();
    assert_eq!(sent.len(), 3);
    let schema = &sent[0].fields["response_format"];
    assert_eq!(schema["type"], "json_schema");
    assert_eq!(schema["json_schema"]["strict"], true);
    assert_eq!(
        schema["json_schema"]["schema"]["required"],
        json!(["title", "summary", "decisions", "action_items"])
    );
    assert_eq!(
        sent[1].fields["response_format"],
        json!({"type": "json_object"})
    );
    assert!(sent[2].fields.get("response_format").is_none());

    let (second, _) = minutes_for(&browser).await;
    assert_eq!(second["status"], "completed", "{second}");
    let sent = llm.received();
    assert_eq!(sent.len(), 4, "the refusals are remembered");
    assert!(sent[3].fields.get("response_format").is_none());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_400_about_something_else_still_fails_the_task(db: PgPool) {
    let (llm, url) = FakeOpenAi::start().await;
    llm.reply(400, r#"{"error": {"message": "model not found"}}"#);
    let app = spawn_app_with(db, |s| s.processing.summarization.base_url = Some(url)).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    browser.session().await;

    let (task, _) = minutes_for(&browser).await;
    assert_eq!(task["status"], "failed");
    assert_eq!(task["error_code"], "summarization_failed", "{task}");
    let detail = app.error_detail(task["task_id"].as_str().unwrap()).await;
    assert!(detail.contains("model not found"), "{detail}");
    assert_eq!(llm.received().len(), 1);
}
