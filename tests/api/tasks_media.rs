//! A task's media in byte ranges, as a player seeking in a recording asks
//! for it: 206 with `Content-Range`, 416 past the end, the whole file for
//! anything else; the same from the local and the S3 store (`storage_s3.rs`
//! runs `ranges_are_served` against the bucket).

use reqwest::Method;
use sqlx::PgPool;

use crate::helpers::{Browser, error_code, spawn_app};

/// A transcript of exactly 1000 bytes, every byte telling its place.
pub fn thousand_bytes() -> String {
    (0..1000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect()
}

async fn get_range(browser: &Browser, task_id: &str, range: &str) -> reqwest::Response {
    browser
        .request(Method::GET, &format!("/api/tasks/{task_id}/media"))
        .header("range", range)
        .send()
        .await
        .unwrap()
}

/// Asks `task_id`'s media (`text`, 1000 bytes) in ranges and checks every answer.
pub async fn ranges_are_served(browser: &Browser, task_id: &str, text: &str) {
    let whole = browser.media(task_id).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");

    for (range, first, last) in [
        ("bytes=0-99", 0, 99),
        ("bytes=900-", 900, 999),
        ("bytes=990-5000", 990, 999),
        ("bytes=-10", 990, 999),
        ("bytes=500-500", 500, 500),
    ] {
        let res = get_range(browser, task_id, range).await;
        assert_eq!(res.status(), 206, "{range}");
        let headers = res.headers().clone();
        assert_eq!(
            headers["content-range"],
            format!("bytes {first}-{last}/1000"),
            "{range}"
        );
        assert_eq!(
            headers["content-length"],
            (last - first + 1).to_string(),
            "{range}"
        );
        assert_eq!(headers["accept-ranges"], "bytes");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(res.text().await.unwrap(), text[first..=last], "{range}");
    }

    for range in ["bytes=1000-", "bytes=5000-6000", "bytes=-0"] {
        let res = get_range(browser, task_id, range).await;
        assert_eq!(res.status(), 416, "{range}");
        assert_eq!(res.headers()["content-range"], "bytes */1000");
        assert_eq!(error_code(res).await, "range_not_satisfiable");
    }

    for ignored in ["bytes=0-1,5-9", "lines=1-2", "bytes=9-1", "nonsense"] {
        let res = get_range(browser, task_id, ignored).await;
        assert_eq!(res.status(), 200, "{ignored}");
        assert_eq!(res.text().await.unwrap(), text, "{ignored}");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn media_is_served_in_byte_ranges_from_the_local_store(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let text = thousand_bytes();
    let task = browser.upload_ok("notes.txt", &text).await;
    ranges_are_served(&browser, task["task_id"].as_str().unwrap(), &text).await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_range_of_someone_elses_media_is_404_like_the_whole_file(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = app.browser();
    owner.session().await;
    let task = owner.upload_ok("notes.txt", &thousand_bytes()).await;
    let stranger = app.browser();
    stranger.session().await;
    let res = get_range(&stranger, task["task_id"].as_str().unwrap(), "bytes=0-9").await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "task_not_found");
}
