use sqlx::PgPool;

use crate::helpers::{spawn_app, spawn_app_with};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn purging_a_dead_anonymous_series_removes_its_tasks_and_their_files(db: PgPool) {
    let app = spawn_app(db).await;
    let dead = app.browser();
    dead.session().await;
    dead.upload_ok("a.txt", "gone soon").await;
    dead.upload_ok("b.txt", "gone soon too").await;
    let live = app.browser();
    let kept = live.upload_ok("c.txt", "kept").await;
    assert_eq!(app.stored_files().len(), 3);

    let dead_series = dead.sessions().await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    sqlx::query(&format!(
        "UPDATE session_series
         SET idle_expires_at = now() - interval '{} seconds' - interval '1 minute'
         WHERE id = '{dead_series}'",
        app.settings.session.revoked_retention_secs
    ))
    .execute(&app.db)
    .await
    .unwrap();

    let report = app.purge().await;
    assert_eq!(report.series, 1);
    assert_eq!(report.task_files, 2);
    let kept_id = kept["task_id"].as_str().unwrap();
    let remaining: Vec<String> = sqlx::query_scalar("SELECT id::text FROM tasks")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(remaining, [kept_id]);
    assert_eq!(app.count("SELECT count(*) FROM jobs").await, 1);
    let kept_key: String = sqlx::query_scalar("SELECT storage_key FROM tasks")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(app.stored_files(), [kept_key]);
    assert_eq!(live.media(kept_id).await.bytes().await.unwrap(), "kept");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_purge_removes_orphaned_files_and_stale_partial_uploads(db: PgPool) {
    let app = spawn_app_with(db, |s| s.storage.orphan_grace_secs = 0).await;
    let browser = app.browser();
    browser.session().await;
    browser.upload_ok("kept.md", "# kept\n").await;
    let kept = app.stored_files();
    let orphan = uuid::Uuid::new_v4().to_string();
    std::fs::write(app.upload_dir.join(&orphan), b"lost").unwrap();
    std::fs::write(app.upload_dir.join(format!("{orphan}.part")), b"crashed").unwrap();
    std::fs::write(app.upload_dir.join("notes.txt"), b"not ours").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    let report = app.purge().await;
    assert_eq!((report.orphan_files, report.unfinished_uploads), (1, 1));
    let mut left = kept;
    left.push("notes.txt".into());
    left.sort();
    assert_eq!(app.stored_files(), left);
}
