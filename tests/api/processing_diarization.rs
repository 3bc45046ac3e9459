//! Speakers from the recognizer: `processing.transcription.diarization`
//! asks the transcription server who speaks when — OpenAI's
//! `diarized_json`, or `verbose_json` with `diarize=true` as WhisperX-style
//! servers take it — and a recording's transcript gets the speakers the
//! answer names, as an uploaded transcript does.

use serde_json::Value;
use sqlx::PgPool;

use crate::{
    fake_openai::{FakeOpenAi, diarized_json, whisperx_json},
    helpers::{Browser, TestApp, WAV, spawn_app_with},
};
use minutes::config::Diarization;

const SAID: &[(f64, f64, &str, &str)] = &[
    (
        0.0,
        4.0,
        "A",
        "Today we discuss the hiring plan for the support team.",
    ),
    (
        4.0,
        9.0,
        "B",
        "We agreed to hire two engineers this quarter.",
    ),
    (
        9.0,
        13.0,
        "A",
        "Carol will draft the job posting by Monday.",
    ),
];

async fn app(db: PgPool, url: String, diarization: Diarization) -> TestApp {
    spawn_app_with(db, move |s| {
        s.processing.transcription.base_url = Some(url);
        s.processing.transcription.diarization = diarization;
    })
    .await
}

/// Uploads a recording and answers its minutes' speakers, line by line.
async fn speakers(app: &TestApp) -> Vec<Value> {
    let _workers = app.start_workers(1);
    let browser: Browser = app.browser();
    browser.session().await;
    let res = browser.upload("call.wav", "audio/wav", WAV).await;
    assert_eq!(res.status(), 201);
    let task_id = res.json::<Value>().await.unwrap()["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let task = browser.finished_task(&task_id).await;
    assert_eq!(task["status"], "completed", "{task}");
    let minutes: Value = browser
        .minutes(&task_id, "json")
        .await
        .json()
        .await
        .unwrap();
    minutes["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["speaker"].clone())
        .collect()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn diarized_json_is_asked_for_and_its_speakers_label_the_transcript(db: PgPool) {
    let (fake, url) = FakeOpenAi::start().await;
    fake.reply(200, diarized_json(SAID));
    let app = app(db, url, Diarization::DiarizedJson).await;
    assert_eq!(speakers(&app).await, ["A", "B", "A"]);
    let sent = &fake.received()[0].fields;
    assert_eq!(sent["response_format"], "diarized_json");
    assert_eq!(sent["chunking_strategy"], "auto");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_whisperx_style_server_is_asked_to_diarize_and_its_labels_are_kept(db: PgPool) {
    let (fake, url) = FakeOpenAi::start().await;
    let labelled: Vec<(f64, f64, &str, &str)> = SAID
        .iter()
        .map(|&(start, end, who, text)| {
            let label = if who == "A" {
                "SPEAKER_00"
            } else {
                "SPEAKER_01"
            };
            (start, end, label, text)
        })
        .collect();
    fake.reply(200, whisperx_json(&labelled));
    let app = app(db, url, Diarization::VerboseJson).await;
    assert_eq!(
        speakers(&app).await,
        ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"]
    );
    let sent = &fake.received()[0].fields;
    assert_eq!(sent["response_format"], "verbose_json");
    assert_eq!(sent["diarize"], "true");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn without_diarization_nothing_more_is_asked(db: PgPool) {
    let (fake, url) = FakeOpenAi::start().await;
    fake.reply(200, whisperx_json(SAID));
    let app = app(db, url, Diarization::Off).await;
    assert_eq!(
        speakers(&app).await,
        ["A", "B", "A"],
        "speakers given anyway are kept"
    );
    let sent = &fake.received()[0].fields;
    assert_eq!(sent["response_format"], "verbose_json");
    assert!(sent.get("diarize").is_none() && sent.get("chunking_strategy").is_none());
}
