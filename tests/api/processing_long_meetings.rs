//! A transcript longer than `processing.summarization.context_tokens` goes
//! to the LLM in parts of whole lines, then one merge call writes the
//! minutes from the parts' notes; a part whose call fails is asked again.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    fake_openai::{FakeOpenAi, chat_completion},
    helpers::{Browser, TestApp, spawn_app_with},
};

/// 256 tokens of context: parts of at most 128.
const CONTEXT_TOKENS: usize = 256;

async fn app(db: PgPool, url: String) -> TestApp {
    spawn_app_with(db, move |s| {
        s.processing.summarization.base_url = Some(url);
        s.processing.summarization.context_tokens = CONTEXT_TOKENS;
    })
    .await
}

/// Uploads `text` and waits for its task.
async fn finished(browser: &Browser, text: &str) -> (Value, String) {
    browser.session().await;
    let task = browser.upload_ok("long.txt", text).await;
    let task_id = task["task_id"].as_str().unwrap().to_owned();
    (browser.finished_task(&task_id).await, task_id)
}

async fn minutes_json(browser: &Browser, task_id: &str) -> Value {
    browser.minutes(task_id, "json").await.json().await.unwrap()
}

fn system(request: &Value) -> &str {
    request["messages"][0]["content"].as_str().unwrap()
}

fn user(request: &Value) -> &str {
    request["messages"][1]["content"].as_str().unwrap()
}

/// The line numbers a part's request carries, checking each line is whole.
fn part_lines(request: &Value, lines: &[String]) -> Vec<usize> {
    user(request)
        .lines()
        .map(|line| {
            let n: usize = line[1..line.find(']').unwrap()].parse().unwrap();
            assert_eq!(line, lines[n], "line {n} is sent whole");
            n
        })
        .collect()
}

/// Twelve English lines of 156 characters as the LLM sees them
/// (`[n] Alice: …`): 40 tokens each with its newline, so three to a part.
fn english_meeting() -> (String, Vec<String>) {
    let mut text = String::new();
    let mut lines = Vec::new();
    for i in 0..12 {
        let prefix = format!("[{i}] Alice: ");
        let head = format!("Point {i} of the review, ");
        let said = head.clone() + &"x".repeat(156 - prefix.len() - head.len());
        text.push_str(&format!("Alice: {said}\n"));
        lines.push(format!("{prefix}{said}"));
    }
    (text, lines)
}

fn notes(decision: &str, segment: usize) -> String {
    chat_completion(
        &json!({"title": "Part", "summary": [format!("About {decision}")],
                "decisions": [{"text": decision, "segment": segment}],
                "action_items": [{"text": "Send the notes", "segment": segment,
                                  "owner": "Alice", "due": "Friday"}]})
        .to_string(),
    )
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_long_transcript_is_summarized_in_parts_of_whole_lines_then_merged(db: PgPool) {
    let (llm, url) = FakeOpenAi::start().await;
    let app = app(db, url).await;
    let _workers = app.start_workers(1);
    let (text, lines) = english_meeting();
    // Four parts; the launch is decided in the first and said again in the third.
    for (decision, segment) in [
        ("Launch on Monday", 1),
        ("Hire two", 4),
        ("Launch on Monday", 7),
        ("Budget", 10),
    ] {
        llm.reply(200, notes(decision, segment));
    }
    let merged = json!({"title": "Launch review", "summary": ["The launch is on Monday."],
        "decisions": [{"text": "Launch on Monday", "segment": 1}, {"text": "Hire two", "segment": 4},
                      {"text": "Budget", "segment": 10}],
        "action_items": [{"text": "Send the notes", "segment": 1, "owner": "Alice", "due": "Friday"}]});
    llm.reply(200, chat_completion(&merged.to_string()));

    let browser = app.browser();
    let (task, task_id) = finished(&browser, &text).await;
    assert_eq!(task["status"], "completed", "{task}");
    let requests: Vec<Value> = llm.received().into_iter().map(|r| r.fields).collect();
    assert_eq!(requests.len(), 5, "four parts and one merge");

    let parts: Vec<Vec<usize>> = requests[..4]
        .iter()
        .map(|r| part_lines(r, &lines))
        .collect();
    assert_eq!(
        parts,
        [vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9, 10, 11]],
        "consecutive parts of whole lines, each within half the context"
    );
    assert!(system(&requests[1]).contains("lines [3] to [5] of a longer meeting"));
    assert!(system(&requests[1]).contains("Write in English."));

    let merge: Value = serde_json::from_str(user(&requests[4])).unwrap();
    let noted: Vec<(Value, Value)> = merge
        .as_array()
        .unwrap()
        .iter()
        .map(|part| (part["lines"].clone(), part["decisions"][0].clone()))
        .collect();
    assert_eq!(
        noted[0],
        (
            json!([0, 2]),
            json!({"text": "Launch on Monday", "segment": 1})
        )
    );
    assert_eq!(
        noted[2],
        (
            json!([6, 8]),
            json!({"text": "Launch on Monday", "segment": 7})
        )
    );
    assert_eq!(merge[3]["action_items"][0]["owner"], "Alice");
    assert!(system(&requests[4]).contains("An item said again in a later part is one item"));

    let minutes = minutes_json(&browser, &task_id).await;
    assert_eq!(minutes["title"], "Launch review");
    let decisions: Vec<&str> = minutes["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        decisions,
        ["Launch on Monday", "Hire two", "Budget"],
        "the merge's, once each"
    );
    assert_eq!(minutes["transcript"].as_array().unwrap().len(), 12);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_part_that_fails_is_asked_again_and_a_japanese_meeting_gets_japanese_prompts(db: PgPool) {
    let (llm, url) = FakeOpenAi::start().await;
    let app = app(db, url).await;
    let _workers = app.start_workers(1);
    let text: String = (0..8)
        .map(|i| format!("佐藤: 議題{i}について、来週の展示会の準備と予算の配分を確認し、担当者と期限を決めました。\n"))
        .collect();
    let answer = json!({"title": "展示会の準備", "summary": ["展示会の準備を確認した。"],
        "decisions": [{"text": "展示会に出展する", "segment": 0}], "action_items": []});
    llm.reply(200, chat_completion(&answer.to_string()));
    llm.reply(500, "the model crashed");
    // Every other part, and the merge, give these notes.
    llm.reply_always(200, chat_completion(&answer.to_string()));

    let browser = app.browser();
    let (task, task_id) = finished(&browser, &text).await;
    assert_eq!(task["status"], "completed", "{task}");
    let requests: Vec<Value> = llm.received().into_iter().map(|r| r.fields).collect();
    assert_eq!(
        user(&requests[1]),
        user(&requests[2]),
        "the failed part is asked again"
    );
    let parts = requests
        .iter()
        .filter(|r| system(r).contains("メモを取ります"))
        .count();
    assert!(parts >= 2, "{parts} parts");
    assert_eq!(
        requests.len(),
        parts + 1,
        "the parts (one of them twice) and the merge"
    );
    for request in &requests {
        assert!(
            system(request).contains("日本語で書いてください。"),
            "{}",
            system(request)
        );
    }
    let minutes = minutes_json(&browser, &task_id).await;
    assert_eq!(minutes["title"], "展示会の準備");
    assert_eq!(minutes["language"], "ja");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_part_the_backend_refuses_fails_the_task_without_asking_again(db: PgPool) {
    let (llm, url) = FakeOpenAi::start().await;
    let app = app(db, url).await;
    let _workers = app.start_workers(1);
    let (text, _) = english_meeting();
    llm.reply(200, notes("Launch on Monday", 1));
    llm.reply(401, r#"{"error": {"message": "bad key"}}"#);

    let browser = app.browser();
    let (task, _) = finished(&browser, &text).await;
    assert_eq!(task["status"], "failed");
    assert_eq!(task["error_code"], "summarization_failed");
    assert_eq!(llm.received().len(), 2, "a refusal is not asked again");
}
