use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Browser, error_code, spawn_app};

/// Follows `next_cursor` from the first page to the last; returns the task
/// ids in order and the size of each page.
async fn all_pages(browser: &Browser, limit: u32) -> (Vec<String>, Vec<usize>) {
    let (mut ids, mut sizes) = (vec![], vec![]);
    let mut query = format!("?limit={limit}");
    loop {
        let res = browser.tasks_page(&query).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        let tasks = page["tasks"].as_array().unwrap();
        sizes.push(tasks.len());
        ids.extend(
            tasks
                .iter()
                .map(|t| t["task_id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit={limit}&cursor={cursor}"),
            None => return (ids, sizes),
        }
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn tasks_are_listed_newest_first_across_pages_without_duplicates_or_gaps(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let mut uploaded = vec![];
    for i in 0..5 {
        let task = browser.upload_ok(&format!("{i}.txt"), "minutes").await;
        uploaded.push(task["task_id"].as_str().unwrap().to_owned());
    }
    uploaded.reverse();

    let (ids, sizes) = all_pages(&browser, 2).await;
    assert_eq!(ids, uploaded);
    assert_eq!(sizes, [2, 2, 1]);
    let body = browser.tasks().await;
    assert_eq!(body["tasks"].as_array().unwrap().len(), 5, "default limit");
    assert_eq!(body["next_cursor"], Value::Null);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn tasks_uploaded_at_the_same_instant_page_by_id(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    for i in 0..4 {
        browser.upload_ok(&format!("{i}.txt"), "minutes").await;
    }
    sqlx::query("UPDATE tasks SET upload_timestamp = '2026-11-23T10:00:00Z'")
        .execute(&app.db)
        .await
        .unwrap();
    let mut by_id: Vec<String> = sqlx::query_scalar("SELECT id::text FROM tasks")
        .fetch_all(&app.db)
        .await
        .unwrap();
    by_id.sort_unstable_by(|a, b| b.cmp(a));

    let (ids, sizes) = all_pages(&browser, 1).await;
    assert_eq!(ids, by_id);
    assert_eq!(sizes, [1, 1, 1, 1]);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn bad_limits_and_cursors_are_400(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    for (query, code) in [
        ("?limit=0", "invalid_limit"),
        ("?limit=101", "invalid_limit"),
        ("?limit=ten", "invalid_limit"),
        ("?cursor=not-a-cursor", "invalid_cursor"),
        ("?cursor=", "invalid_cursor"),
    ] {
        let res = browser.tasks_page(query).await;
        assert_eq!(res.status(), 400, "{query}");
        assert_eq!(error_code(res).await, code, "{query}");
    }
    assert_eq!(browser.tasks_page("?limit=100").await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn listing_without_cookies_is_empty_and_starts_no_session(db: PgPool) {
    let app = spawn_app(db).await;
    app.browser().upload_ok("someone-else.txt", "minutes").await;
    let browser = app.browser();
    let res = browser.tasks_page("").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("set-cookie").is_none());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"tasks": [], "next_cursor": null}));
    assert_eq!(app.count("SELECT count(*) FROM session_series").await, 1);
}
