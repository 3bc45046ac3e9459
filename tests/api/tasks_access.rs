use sqlx::PgPool;

use crate::helpers::{WAV, accept_recordings, error_code, spawn_app, spawn_app_with};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn another_browser_cannot_list_get_delete_or_download_a_task(db: PgPool) {
    let app = spawn_app(db).await;
    let a = app.browser();
    let task = a.upload_ok("a.txt", "A's meeting").await;
    let id = task["task_id"].as_str().unwrap();

    let b = app.browser();
    b.session().await;
    assert_eq!(a.tasks().await["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(b.tasks().await["tasks"].as_array().unwrap().len(), 0);
    let cookieless = app.browser();
    for browser in [&b, &cookieless] {
        for res in [
            browser.task(id).await,
            browser.delete_task(id).await,
            browser.media(id).await,
        ] {
            assert_eq!(res.status(), 404);
            assert_eq!(error_code(res).await, "task_not_found");
        }
    }

    assert_eq!(a.task(id).await.status(), 200);
    assert_eq!(a.media(id).await.bytes().await.unwrap(), "A's meeting");
    assert_eq!(app.stored_files().len(), 1);
    assert_eq!(app.count("SELECT count(*) FROM jobs").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn deleting_a_task_removes_its_row_its_job_and_its_file(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let task = browser.upload_ok("a.txt", "to be deleted").await;
    let kept = browser.upload_ok("b.txt", "to be kept").await;
    let id = task["task_id"].as_str().unwrap();
    assert_eq!(app.stored_files().len(), 2);

    assert_eq!(browser.delete_task(id).await.status(), 204);
    assert_eq!(browser.task(id).await.status(), 404);
    assert_eq!(browser.delete_task(id).await.status(), 404);
    assert_eq!(app.stored_files().len(), 1);
    assert_eq!(app.count("SELECT count(*) FROM jobs").await, 1);
    let kept_id = kept["task_id"].as_str().unwrap();
    assert_eq!(
        browser.media(kept_id).await.bytes().await.unwrap(),
        "to be kept"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn media_returns_the_exact_bytes_with_the_stored_type(db: PgPool) {
    let app = spawn_app_with(db, accept_recordings).await;
    let browser = app.browser();
    let res = browser.upload("standup.wav", "audio/wav", WAV).await;
    assert_eq!(res.status(), 201);
    let task: serde_json::Value = res.json().await.unwrap();

    let res = browser.media(task["task_id"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200);
    let header = |name: &str| res.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "audio/wav");
    assert_eq!(header("content-length"), WAV.len().to_string());
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"standup.wav\"; filename*=UTF-8''standup.wav"
    );
    assert_eq!(res.bytes().await.unwrap(), WAV);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_path_traversal_name_is_stored_under_a_uuid_and_served_safely(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let task = browser
        .upload_ok("../../etc/passwd.txt", "root:x:0:0")
        .await;
    assert_eq!(task["filename"], "passwd.txt");

    let files = app.stored_files();
    assert_eq!(files.len(), 1);
    uuid::Uuid::parse_str(&files[0]).expect("stored under a UUID name");
    let parent = app.upload_dir.parent().unwrap();
    assert!(!parent.join("etc/passwd.txt").exists());

    let res = browser.media(task["task_id"].as_str().unwrap()).await;
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"passwd.txt\"; filename*=UTF-8''passwd.txt"
    );
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_unusual_name_is_served_with_an_ascii_fallback_and_the_exact_name(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let task = browser
        .upload_ok("議事録 \"final\";100%.txt", "本日の議題")
        .await;
    assert_eq!(task["filename"], "議事録 \"final\";100%.txt");

    let res = browser.media(task["task_id"].as_str().unwrap()).await;
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"___ _final_;100_.txt\"; \
         filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2%20%22final%22%3B100%25.txt"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_malformed_task_id_is_400_in_the_json_error_shape(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().task("not-a-uuid").await;
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(res).await, "bad_request");
}
