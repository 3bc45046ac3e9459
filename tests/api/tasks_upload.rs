use reqwest::multipart::Form;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{WAV, accept_recordings, error_code, spawn_app, spawn_app_with};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_accepted_transcript_is_queued_with_its_job_and_its_file(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let text = "# Weekly sync\n\n- ship it\n";
    let task = browser.upload_ok("notes.md", text).await;

    let mut keys: Vec<&str> = task
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "access",
            "content_type",
            "error",
            "error_code",
            "filename",
            "meeting_date",
            "owner",
            "progress",
            "size_bytes",
            "stage",
            "state_version",
            "status",
            "task_id",
            "title",
            "updated_at",
            "upload_timestamp"
        ]
    );
    assert_eq!(task["filename"], "notes.md");
    assert_eq!(task["content_type"], "text/markdown; charset=utf-8");
    assert_eq!(task["size_bytes"], text.len());
    assert_eq!(task["status"], "queued");
    assert_eq!(task["stage"], Value::Null);
    assert_eq!(task["progress"], 0);
    assert_eq!(task["access"], "owner");
    assert_eq!(task["owner"], Value::Null);
    assert!(task["upload_timestamp"].as_str().unwrap().ends_with('Z'));

    let task_id = task["task_id"].as_str().unwrap();
    let job = format!("SELECT count(*) FROM jobs WHERE task_id = '{task_id}' AND kind = 'process'");
    assert_eq!(app.count(&job).await, 1);
    let files = app.stored_files();
    assert_eq!(files.len(), 1);
    assert_eq!(
        std::fs::read(app.upload_dir.join(&files[0])).unwrap(),
        text.as_bytes()
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_upload_without_cookies_starts_a_session_and_needs_csrf_afterwards(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let res = browser.upload("a.txt", "text/plain", b"first").await;
    assert_eq!(res.status(), 201);
    assert!(res.headers().get("set-cookie").is_some());
    assert_eq!(app.count("SELECT count(*) FROM session_series").await, 1);

    let res = browser.upload("b.txt", "text/plain", b"second").await;
    assert_eq!(
        res.status(),
        403,
        "a cookie-carrying upload needs the token"
    );
    assert_eq!(error_code(res).await, "csrf_failed");
    browser.session().await;
    assert_eq!(
        browser
            .upload("b.txt", "text/plain", b"second")
            .await
            .status(),
        201
    );
    assert_eq!(browser.tasks().await["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(app.count("SELECT count(*) FROM session_series").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn refused_files_are_415_with_a_code_saying_why_and_leave_nothing_behind(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let long_text = "x".repeat(100_000);
    let json_without_segments = format!(r#"{{"text": "{long_text}"}}"#);
    let cases: [(&str, &str, &[u8], &str); 10] = [
        (
            "setup.exe",
            "application/octet-stream",
            b"MZ\x90\0\x03\0\0\0\x04\0",
            "unsupported_media_type",
        ),
        (
            "noise",
            "application/octet-stream",
            &[0x13, 0x37, 0xde, 0xad],
            "unsupported_media_type",
        ),
        ("empty.vtt", "text/vtt", b"", "empty_file"),
        ("empty.txt", "text/plain", b"", "empty_file"),
        (
            "talk.vtt",
            "text/vtt",
            b"1\n00:00:00,000 --> 00:00:01,000\nhello\n",
            "content_mismatch",
        ),
        (
            "talk.json",
            "application/json",
            json_without_segments.as_bytes(),
            "content_mismatch",
        ),
        (
            "talk.mp3",
            "audio/mpeg",
            b"just some text pretending",
            "content_mismatch",
        ),
        // A Windows program renamed: still not an MP3.
        (
            "setup.mp3",
            "audio/mpeg",
            b"MZ\x90\0\x03\0\0\0\x04\0",
            "content_mismatch",
        ),
        (
            "talk.txt",
            "text/plain",
            b"\xff\xfe\0\0binary",
            "content_mismatch",
        ),
        // A real recording, and no transcription backend on this server.
        ("call.wav", "audio/wav", WAV, "transcription_unavailable"),
    ];
    for (name, content_type, bytes, code) in cases {
        let res = browser.upload(name, content_type, bytes).await;
        assert_eq!(res.status(), 415, "{name}");
        assert_eq!(error_code(res).await, code, "{name}");
    }
    assert_eq!(app.stored_files(), Vec::<String>::new());
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM session_series").await,
        0,
        "a refused upload starts no session"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn capabilities_say_whether_recordings_are_accepted_and_start_no_session(db: PgPool) {
    let without = spawn_app(db.clone()).await;
    let res = without.browser().get("/api/capabilities").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("set-cookie").is_none());
    let caps: Value = res.json().await.unwrap();
    assert_eq!(caps["recordings"], false);
    assert_eq!(caps["formats"]["recordings"], serde_json::json!([]));
    assert_eq!(
        caps["formats"]["transcripts"],
        serde_json::json!(["txt", "md", "srt", "vtt", "json"])
    );
    assert_eq!(
        caps["max_upload_bytes"],
        without.settings.storage.max_upload_bytes
    );

    let with = spawn_app_with(db, accept_recordings).await;
    let caps: Value = with
        .browser()
        .get("/api/capabilities")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(caps["recordings"], true);
    let recordings = caps["formats"]["recordings"].as_array().unwrap();
    assert!(recordings.iter().any(|e| e == "wav") && recordings.iter().any(|e| e == "mp3"));
    let res = with.browser().upload("call.wav", "audio/wav", WAV).await;
    assert_eq!(res.status(), 201);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn whisper_json_and_media_get_a_content_type_from_their_content(db: PgPool) {
    let app = spawn_app_with(db, accept_recordings).await;
    let browser = app.browser();
    // verbose_json puts "segments" after the whole text, far past the first chunk.
    let whisper = format!(
        r#"{{"task": "transcribe", "text": "{}", "segments": [{{"start": 0.0, "end": 1.0, "text": "hi"}}]}}"#,
        "word ".repeat(40_000)
    );
    let cases: [(&str, &str, &[u8], &str); 4] = [
        (
            "w.json",
            "application/json",
            whisper.as_bytes(),
            "application/json",
        ),
        ("rec.wav", "audio/x-wav", WAV, "audio/x-wav"),
        (
            "rec.webm",
            "text/html",
            b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01",
            "video/webm",
        ),
        (
            "talk.vtt",
            "text/plain",
            b"WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n",
            "text/vtt",
        ),
    ];
    for (name, client_type, bytes, stored_type) in cases {
        browser.session().await;
        let res = browser.upload(name, client_type, bytes).await;
        assert_eq!(res.status(), 201, "{name}");
        let task: Value = res.json().await.unwrap();
        assert_eq!(task["content_type"], stored_type, "{name}");
        assert_eq!(task["size_bytes"], bytes.len(), "{name}");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_multipart_body_without_a_file_field_is_400(db: PgPool) {
    // A form with other parts only is refused at its first part
    // (`unexpected_part`, tests/api/api_schema.rs); one with no part at all
    // is `missing_file`, or `bad_request` where the framing itself is empty.
    let app = spawn_app(db).await;
    let res = app.browser().upload_form(Form::new()).await;
    assert_eq!(res.status(), 400);
    let code = error_code(res).await;
    assert!(
        ["missing_file", "bad_request"].contains(&code.as_str()),
        "{code}"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_upload_over_the_limit_is_413_and_leaves_nothing_behind(db: PgPool) {
    // Larger than the sniffed head, so the limit trips while streaming to disk.
    let limit = 40_000;
    let app = spawn_app_with(db, |s| s.storage.max_upload_bytes = limit).await;
    let browser = app.browser();
    browser.session().await;
    for size in [limit + 1, limit * 3 / 2] {
        let res = browser
            .upload("big.txt", "text/plain", &vec![b'a'; size as usize])
            .await;
        assert_eq!(res.status(), 413, "{size} bytes");
        assert_eq!(error_code(res).await, "too_large");
    }
    assert_eq!(
        app.stored_files(),
        Vec::<String>::new(),
        "no partial file is left"
    );
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM jobs").await, 0);

    let exact = browser
        .upload("exact.txt", "text/plain", &vec![b'a'; limit as usize])
        .await;
    assert_eq!(exact.status(), 201, "exactly the limit is allowed");
    assert_eq!(app.stored_files().len(), 1);
}
