use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    fake_openai::{FakeOpenAi, chat_completion, whisper_json},
    helpers::{Browser, TestApp, WAV, spawn_app_with},
};

async fn app_with_asr(db: PgPool, asr: &str, llm: Option<&str>) -> TestApp {
    let (asr, llm) = (asr.to_owned(), llm.map(str::to_owned));
    spawn_app_with(db, move |s| {
        s.processing.transcription.base_url = Some(asr);
        s.processing.transcription.api_key = Some("sk-test".to_owned().into());
        s.processing.transcription.model = Some("large-v3".into());
        s.processing.summarization.base_url = llm;
    })
    .await
}

async fn upload_audio(browser: &Browser) -> String {
    let res = browser.upload("call.wav", "audio/wav", WAV).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["task_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

const SEGMENTS: &[(f64, f64, &str)] = &[
    (
        0.0,
        4.0,
        "Today we discuss the hiring plan for the support team.",
    ),
    (4.0, 9.0, "We agreed to hire two engineers this quarter."),
    (9.0, 13.0, "Carol will draft the job posting by Monday."),
];

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn audio_goes_to_the_asr_backend_over_its_real_protocol(db: PgPool) {
    let (fake, url) = FakeOpenAi::start().await;
    fake.reply(200, whisper_json(SEGMENTS));
    let app = app_with_asr(db, &url, None).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let task_id = upload_audio(&browser).await;

    assert_eq!(browser.finished_task(&task_id).await["status"], "completed");
    let sent = fake.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].authorization.as_deref(), Some("Bearer sk-test"));
    assert_eq!(sent[0].fields["model"], "large-v3");
    assert_eq!(sent[0].fields["response_format"], "verbose_json");
    assert_eq!(sent[0].file_bytes, WAV.len(), "the whole file is streamed");
    let minutes: Value = browser
        .minutes(&task_id, "json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(minutes["transcript"][1]["start"], 4.0);
    assert!(
        minutes["decisions"]
            .to_string()
            .contains("hire two engineers")
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_5xx_from_the_backend_is_retried(db: PgPool) {
    let (fake, url) = FakeOpenAi::start().await;
    fake.reply(503, "loading model")
        .reply(200, whisper_json(SEGMENTS));
    let app = app_with_asr(db, &url, None).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let task_id = upload_audio(&browser).await;

    assert_eq!(browser.finished_task(&task_id).await["status"], "completed");
    assert_eq!(fake.received().len(), 2);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_4xx_from_the_backend_fails_the_task_without_retry(db: PgPool) {
    let (fake, url) = FakeOpenAi::start().await;
    fake.reply(400, r#"{"error": {"message": "unsupported audio"}}"#);
    let app = app_with_asr(db, &url, None).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let task_id = upload_audio(&browser).await;

    let task = browser.finished_task(&task_id).await;
    assert_eq!(task["status"], "failed");
    assert_eq!(task["error_code"], "transcription_failed", "{task}");
    let detail = app.error_detail(&task_id).await;
    assert!(detail.contains("unsupported audio"), "{detail}");
    assert_eq!(fake.received().len(), 1);

    // Retrying a failed task queues it again; this time the backend obliges.
    fake.reply(200, whisper_json(SEGMENTS));
    browser.session().await;
    let res = browser.post(&format!("/api/tasks/{task_id}/retry")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "queued");
    assert_eq!(browser.finished_task(&task_id).await["status"], "completed");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_llm_writes_the_minutes_and_a_bad_answer_gets_one_repair(db: PgPool) {
    let (asr, asr_url) = FakeOpenAi::start().await;
    asr.reply(200, whisper_json(SEGMENTS));
    let (llm, llm_url) = FakeOpenAi::start().await;
    let good = json!({
        "title": "Support hiring",
        "summary": ["Two engineers will be hired."],
        "decisions": [{"text": "Hire two engineers this quarter", "segment": 1}],
        "action_items": [{"text": "Draft the job posting", "segment": 2, "owner": "Carol", "due": "Monday"}]
    });
    llm.reply(200, chat_completion("Sure! Here are your minutes."))
        .reply(200, chat_completion(&good.to_string()));
    let app = app_with_asr(db, &asr_url, Some(&llm_url)).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let task_id = upload_audio(&browser).await;

    assert_eq!(browser.finished_task(&task_id).await["status"], "completed");
    let minutes: Value = browser
        .minutes(&task_id, "json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(minutes["title"], "Support hiring");
    assert_eq!(minutes["action_items"][0]["owner"], "Carol");
    assert_eq!(minutes["transcript"].as_array().unwrap().len(), 3);

    let sent = llm.received();
    assert_eq!(sent.len(), 2, "one repair attempt");
    let repair = sent[1].fields["messages"].as_array().unwrap();
    assert!(
        repair.last().unwrap()["content"]
            .as_str()
            .unwrap()
            .contains("not valid")
    );
    assert!(
        sent[0].fields["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("[1] We agreed to hire two engineers"),
        "the transcript goes to the model as numbered lines"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_llm_that_never_answers_valid_minutes_fails_the_task(db: PgPool) {
    let (asr, asr_url) = FakeOpenAi::start().await;
    asr.reply(200, whisper_json(SEGMENTS));
    let (llm, llm_url) = FakeOpenAi::start().await;
    let no_minutes = json!({"answer": "I cannot help with that."});
    llm.reply(200, chat_completion("not json"))
        .reply(200, chat_completion(&no_minutes.to_string()));
    let app = app_with_asr(db, &asr_url, Some(&llm_url)).await;
    let _workers = app.start_workers(1);
    let browser = app.browser();
    let task_id = upload_audio(&browser).await;

    let task = browser.finished_task(&task_id).await;
    assert_eq!(task["status"], "failed");
    assert_eq!(task["error_code"], "summarization_failed", "{task}");
    let detail = app.error_detail(&task_id).await;
    assert!(
        detail.contains("none of the fields title, summary"),
        "{detail}"
    );
    assert_eq!(llm.received().len(), 2);
}
