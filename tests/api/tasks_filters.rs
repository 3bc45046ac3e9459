//! The task list's filters and its sort by meeting date: each narrows the
//! list inside the caller's access and never widens it, and keyset paging
//! holds in both sorts.

use serde_json::Value;
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app},
    people::{member, share},
};

/// The ids of the listed tasks, in order, following every `next_cursor`.
async fn listed(browser: &Browser, query: &str) -> Vec<String> {
    let mut ids = vec![];
    let mut cursor = String::new();
    loop {
        let res = browser.tasks_page(&format!("?{query}{cursor}")).await;
        assert_eq!(res.status(), 200, "{query}");
        let page: Value = res.json().await.unwrap();
        ids.extend(
            page["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["task_id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return ids,
        }
    }
}

async fn upload(browser: &Browser, name: &str) -> String {
    let task = browser
        .upload_ok(name, "We decided to ship on Friday.")
        .await;
    task["task_id"].as_str().unwrap().to_owned()
}

async fn set(app: &TestApp, task: &str, column: &str, value: &str) {
    sqlx::query(&format!(
        "UPDATE tasks SET {column} = $2::text::{} WHERE id = $1::uuid",
        if column == "meeting_date" {
            "date"
        } else {
            "text"
        }
    ))
    .bind(task)
    .bind(value)
    .execute(&app.db)
    .await
    .unwrap();
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_status_filter_lists_only_tasks_in_those_states(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let queued = upload(&browser, "queued.txt").await;
    let completed = upload(&browser, "completed.txt").await;
    let failed = upload(&browser, "failed.txt").await;
    set(&app, &completed, "status", "completed").await;
    set(&app, &failed, "status", "failed").await;

    assert_eq!(
        listed(&browser, "status=completed").await,
        [completed.as_str()]
    );
    assert_eq!(
        listed(&browser, "status=completed,failed").await,
        [failed.clone(), completed.clone()]
    );
    assert_eq!(
        listed(&browser, "status=queued,processing").await,
        [queued.as_str()]
    );
    assert_eq!(listed(&browser, "").await, [failed, completed, queued]);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn mine_and_shared_split_the_list(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let own = upload(&alice, "own.txt").await;
    let bobs = upload(&bob, "bobs.txt").await;
    assert_eq!(share(&bob, &bobs, "alice", "view").await.status(), 200);

    assert_eq!(listed(&alice, "scope=mine").await, [own.as_str()]);
    assert_eq!(listed(&alice, "scope=shared").await, [bobs.as_str()]);
    assert_eq!(listed(&alice, "").await, [bobs, own]);
    assert!(listed(&bob, "scope=shared").await.is_empty());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn filtering_by_an_owner_never_shows_what_is_not_shared_with_the_caller(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let carol = member(&app, "carol").await;
    let admin = crate::people::admin(&app, "root").await;
    let shared = upload(&carol, "shared.txt").await;
    let private = upload(&carol, "private.txt").await;
    let alices = upload(&alice, "alices.txt").await;
    assert_eq!(share(&carol, &shared, "alice", "edit").await.status(), 200);

    // Alice asks for everything Carol owns: she gets what Carol shared
    // with her, not Carol's private meeting, and none of her own.
    assert_eq!(listed(&alice, "owner=carol").await, [shared.as_str()]);
    assert_eq!(
        listed(&alice, "owner=CAROL&scope=shared").await,
        [shared.as_str()]
    );
    assert!(listed(&alice, "owner=carol&scope=mine").await.is_empty());
    // Every other filter narrows further, never past the shares.
    assert!(
        listed(&alice, "owner=carol&status=completed")
            .await
            .is_empty()
    );
    // Bob and an admin have nothing of Carol's shared with them: an owner
    // filter is not a way into her meetings (the admin's every task is
    // the admin list, not this one).
    assert!(listed(&bob, "owner=carol").await.is_empty());
    assert!(listed(&admin, "owner=carol").await.is_empty());
    assert!(listed(&admin, "owner=alice").await.is_empty());
    // Names that own nothing list nothing, whatever they hold.
    for name in ["nobody", "%", "carol' OR 'x'='x", "alice"] {
        assert!(
            listed(&alice, &format!("owner={}", urlencode(name)))
                .await
                .is_empty(),
            "{name}"
        );
    }
    assert!(!listed(&carol, "").await.contains(&alices));
    assert_eq!(listed(&carol, "").await, [private, shared]);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_date_range_keeps_meetings_held_on_its_first_and_last_days(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let mut by_date = vec![];
    for date in [
        "2024-08-31",
        "2024-09-01",
        "2024-09-15",
        "2024-09-30",
        "2024-10-01",
    ] {
        let id = upload(&browser, &format!("{date}.txt")).await;
        set(&app, &id, "meeting_date", date).await;
        by_date.push(id);
    }
    let september = listed(&browser, "from=2024-09-01&to=2024-09-30&sort=meeting_date").await;
    assert_eq!(
        september,
        [by_date[3].clone(), by_date[2].clone(), by_date[1].clone()]
    );
    assert_eq!(
        listed(&browser, "from=2024-10-01").await,
        [by_date[4].clone()]
    );
    assert_eq!(
        listed(&browser, "to=2024-08-31").await,
        [by_date[0].clone()]
    );
    // A range that ends before it starts holds nothing; it is not an error.
    assert!(
        listed(&browser, "from=2024-10-01&to=2024-09-01")
            .await
            .is_empty()
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn sorting_by_meeting_date_pages_without_duplicates_or_gaps(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    // Uploaded in one order, held in another, two on one day, one shared.
    let mut expected = vec![];
    for (name, date, owner) in [
        ("a", "2024-09-02", &alice),
        ("b", "2024-09-30", &alice),
        ("c", "2024-09-02", &bob),
        ("d", "2023-01-10", &alice),
        ("e", "2025-03-03", &alice),
    ] {
        let id = upload(owner, &format!("{name}.txt")).await;
        set(&app, &id, "meeting_date", date).await;
        if name == "c" {
            assert_eq!(share(&bob, &id, "alice", "view").await.status(), 200);
        }
        expected.push((date, id));
    }
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();

    for limit in [1, 2, 3, 100] {
        let got = listed(&alice, &format!("sort=meeting_date&limit={limit}")).await;
        assert_eq!(got, expected, "limit {limit}");
    }
    // Filters hold across pages too.
    let from = listed(&alice, "sort=meeting_date&limit=1&from=2024-09-02").await;
    assert_eq!(from, expected[..4]);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_cursor_of_one_sort_is_refused_by_the_other(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    for name in ["a.txt", "b.txt"] {
        upload(&browser, name).await;
    }
    for (sort, other) in [("uploaded", "meeting_date"), ("meeting_date", "uploaded")] {
        let page: Value = browser
            .tasks_page(&format!("?sort={sort}&limit=1"))
            .await
            .json()
            .await
            .unwrap();
        let cursor = page["next_cursor"].as_str().unwrap();
        let res = browser
            .tasks_page(&format!("?sort={other}&limit=1&cursor={cursor}"))
            .await;
        assert_eq!(res.status(), 400, "{sort} cursor in {other}");
        assert_eq!(error_code(res).await, "invalid_cursor");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn filters_the_list_cannot_use_are_400_with_or_without_a_session(db: PgPool) {
    let app = spawn_app(db).await;
    let anonymous = app.browser();
    let browser = app.browser();
    browser.session().await;
    for query in [
        "status=",
        "status=done",
        "status=completed,,failed",
        "scope=all",
        "sort=title",
        "from=2024-02-30",
        "to=30/09/2024",
    ] {
        for b in [&anonymous, &browser] {
            let res = b.tasks_page(&format!("?{query}")).await;
            assert_eq!(res.status(), 400, "{query}");
            assert_eq!(error_code(res).await, "invalid_filter", "{query}");
        }
    }
    let res = anonymous
        .tasks_page("?status=completed&sort=meeting_date")
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["tasks"],
        serde_json::json!([])
    );
}
