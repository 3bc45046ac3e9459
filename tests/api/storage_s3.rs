//! The S3 upload store against a real S3-compatible server (moto, started by
//! `scripts/test` at `MINUTES_TEST_S3_ENDPOINT`). Without that variable each
//! test prints a notice and passes, so a bare `cargo test` still works.
//! Every app gets its own key prefix in one bucket.

use std::time::Duration;

use futures::StreamExt as _;
use object_store::{ObjectStore, ObjectStoreExt as _, aws::AmazonS3Builder, path::Path};
use reqwest::multipart::{Form, Part};
use sqlx::PgPool;

use crate::{
    fake_openai::{FakeOpenAi, whisper_json},
    helpers::{TestApp, WAV, error_code, spawn_app_with},
};

const BUCKET: &str = "minutes-test";

/// `None` (after a notice) when no S3 server is at hand.
fn endpoint() -> Option<String> {
    let endpoint = std::env::var("MINUTES_TEST_S3_ENDPOINT").ok();
    if endpoint.is_none() {
        eprintln!("MINUTES_TEST_S3_ENDPOINT is unset: S3 test skipped (scripts/test sets it)");
    }
    endpoint
}

struct S3App {
    app: TestApp,
    endpoint: String,
    prefix: String,
    bucket: object_store::aws::AmazonS3,
}

async fn spawn_s3_app(
    db: PgPool,
    tweak: impl FnOnce(&mut minutes::config::Settings),
) -> Option<S3App> {
    let endpoint = endpoint()?;
    // moto answers an unsigned bucket creation; creating it twice is fine.
    reqwest::Client::new()
        .put(format!("{endpoint}/{BUCKET}"))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let prefix = format!("test-{}", uuid::Uuid::new_v4());
    let app = spawn_app_with(db, |s| {
        s.storage.backend = minutes::config::StorageBackend::S3;
        let s3 = &mut s.storage.s3;
        s3.bucket = Some(BUCKET.into());
        s3.endpoint = Some(endpoint.clone());
        s3.path_style = true;
        s3.prefix = prefix.clone();
        s3.access_key_id = Some("test".into());
        s3.secret_access_key = Some("test".to_owned().into());
        // The tests upload recordings.
        crate::helpers::accept_recordings(s);
        tweak(s);
    })
    .await;
    let bucket = AmazonS3Builder::new()
        .with_bucket_name(BUCKET)
        .with_endpoint(&endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .build()
        .unwrap();
    Some(S3App {
        app,
        endpoint,
        prefix,
        bucket,
    })
}

impl S3App {
    /// Object names under this app's prefix, sorted.
    async fn objects(&self) -> Vec<String> {
        let prefix = Path::from(self.prefix.as_str());
        let mut names: Vec<String> = self
            .bucket
            .list(Some(&prefix))
            .map(|m| m.unwrap().location.filename().unwrap().to_owned())
            .collect()
            .await;
        names.sort();
        names
    }

    /// Multipart uploads begun under this prefix and neither completed nor
    /// aborted (S3's `ListMultipartUploads`; moto takes it unsigned).
    async fn unfinished_multipart_uploads(&self) -> usize {
        let url = format!("{}/{BUCKET}?uploads&prefix={}", self.endpoint, self.prefix);
        let xml = reqwest::get(url).await.unwrap().text().await.unwrap();
        xml.matches("<UploadId>").count()
    }

    /// Aborts run in the background after the response; give them a moment.
    async fn assert_nothing_stored(&self) {
        for _ in 0..50 {
            if self.objects().await.is_empty() && self.unfinished_multipart_uploads().await == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(self.objects().await, Vec::<String>::new());
        assert_eq!(self.unfinished_multipart_uploads().await, 0);
    }
}

/// A WAV file of `len` bytes: the header, then silence.
fn wav(len: usize) -> Vec<u8> {
    let mut bytes = WAV.to_vec();
    bytes.resize(len, 0);
    bytes
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn s3_upload_streams_back_identical_and_delete_removes_the_object(db: PgPool) {
    let Some(s3) = spawn_s3_app(db, |_| {}).await else {
        return;
    };
    let browser = s3.app.browser();
    browser.session().await;
    let text = "# Weekly sync\n\n- ship it\n";
    let task = browser.upload_ok("notes.md", text).await;
    let task_id = task["task_id"].as_str().unwrap();
    let key: String = sqlx::query_scalar("SELECT storage_key FROM tasks")
        .fetch_one(&s3.app.db)
        .await
        .unwrap();
    assert_eq!(s3.objects().await, [key]);
    assert!(!s3.app.upload_dir.exists(), "nothing in storage.dir");

    let media = browser.media(task_id).await;
    assert_eq!(media.status(), 200);
    assert_eq!(media.headers()["content-length"], text.len().to_string());
    assert_eq!(media.bytes().await.unwrap(), text.as_bytes());

    assert_eq!(browser.delete_task(task_id).await.status(), 204);
    assert_eq!(s3.objects().await, Vec::<String>::new());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn s3_media_is_served_in_byte_ranges_from_the_bucket(db: PgPool) {
    let Some(s3) = spawn_s3_app(db, |_| {}).await else {
        return;
    };
    let browser = s3.app.browser();
    browser.session().await;
    let text = crate::tasks_media::thousand_bytes();
    let task = browser.upload_ok("notes.txt", &text).await;
    crate::tasks_media::ranges_are_served(&browser, task["task_id"].as_str().unwrap(), &text).await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn s3_a_multipart_sized_upload_streams_back_byte_identical(db: PgPool) {
    let Some(s3) = spawn_s3_app(db, |_| {}).await else {
        return;
    };
    let browser = s3.app.browser();
    browser.session().await;
    let mut bytes = wav(12 * 1024 * 1024);
    // Not all zeros, so a misplaced part would show.
    for (i, b) in bytes.iter_mut().enumerate().skip(WAV.len()) {
        *b = (i % 251) as u8;
    }
    let res = browser.upload("big.wav", "audio/wav", &bytes).await;
    assert_eq!(res.status(), 201);
    let task: serde_json::Value = res.json().await.unwrap();
    assert_eq!(s3.objects().await.len(), 1);
    assert_eq!(s3.unfinished_multipart_uploads().await, 0);

    let media = browser.media(task["task_id"].as_str().unwrap()).await;
    assert_eq!(media.status(), 200);
    assert!(media.bytes().await.unwrap() == bytes, "byte-identical");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn s3_refused_and_oversize_uploads_leave_no_object_and_no_row(db: PgPool) {
    // Past two parts, so the 413 comes after a multipart upload has begun.
    let limit = 20 * 1024 * 1024;
    let Some(s3) = spawn_s3_app(db, |s| s.storage.max_upload_bytes = limit).await else {
        return;
    };
    let browser = s3.app.browser();
    browser.session().await;

    let res = browser
        .upload("tool.exe", "application/octet-stream", b"MZ\x90\0")
        .await;
    assert_eq!(res.status(), 415);
    let res = browser
        .upload("big.wav", "audio/wav", &wav(limit as usize + 1))
        .await;
    assert_eq!(res.status(), 413);
    assert_eq!(error_code(res).await, "too_large");

    s3.assert_nothing_stored().await;
    assert_eq!(s3.app.count("SELECT count(*) FROM tasks").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn s3_an_upload_cut_off_mid_body_leaves_no_object(db: PgPool) {
    let Some(s3) = spawn_s3_app(db, |_| {}).await else {
        return;
    };
    let browser = s3.app.browser();
    browser.session().await;
    // Well past one part, then the client goes away.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = std::iter::once(Ok(WAV.to_vec()))
        .chain((0..20).map(|_| Ok(vec![0u8; 1024 * 1024])))
        .chain(std::iter::once(Err(std::io::Error::other("client gone"))))
        .collect();
    let body = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
    let part = Part::stream(body)
        .file_name("cut.wav")
        .mime_str("audio/wav")
        .unwrap();
    let res = browser
        .request(reqwest::Method::POST, "/api/upload")
        .multipart(Form::new().part("file", part))
        .send()
        .await;
    assert!(res.is_err(), "the request never completes");

    s3.assert_nothing_stored().await;
    assert_eq!(s3.app.count("SELECT count(*) FROM tasks").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn s3_the_purge_removes_an_orphan_object_and_keeps_recorded_ones(db: PgPool) {
    let Some(s3) = spawn_s3_app(db, |s| s.storage.orphan_grace_secs = 0).await else {
        return;
    };
    let browser = s3.app.browser();
    browser.session().await;
    browser.upload_ok("kept.md", "# kept\n").await;
    let kept = s3.objects().await;
    let orphan = uuid::Uuid::new_v4().to_string();
    let path = Path::from(s3.prefix.as_str()).join(orphan.as_str());
    s3.bucket.put(&path, "lost".into()).await.unwrap();
    let not_ours = Path::from(s3.prefix.as_str()).join("README");
    s3.bucket.put(&not_ours, "not a key".into()).await.unwrap();
    // Object times have one-second resolution.
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let report = s3.app.purge().await;
    assert_eq!(report.orphan_files, 1);
    let mut left = kept.clone();
    left.push("README".into());
    left.sort();
    assert_eq!(s3.objects().await, left);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn s3_the_transcription_backend_gets_the_file_from_the_bucket(db: PgPool) {
    let (asr, asr_url) = FakeOpenAi::start().await;
    let Some(s3) = spawn_s3_app(db, |s| s.processing.transcription.base_url = Some(asr_url)).await
    else {
        return;
    };
    asr.reply(200, whisper_json(&[(0.0, 2.0, "We ship on Friday.")]));
    let _workers = s3.app.start_workers(1);
    let browser = s3.app.browser();
    browser.session().await;
    let bytes = wav(300_000);
    let res = browser.upload("talk.wav", "audio/wav", &bytes).await;
    assert_eq!(res.status(), 201);
    let task: serde_json::Value = res.json().await.unwrap();
    let done = browser
        .finished_task(task["task_id"].as_str().unwrap())
        .await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(asr.received()[0].file_bytes, bytes.len());
}
