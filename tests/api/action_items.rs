//! "My action items": the caller's items across meetings (by username or a
//! claimed speaker name), marked done as an edit of the minutes (a
//! revision, `If-Match`, the event socket), who may see and mark them, and
//! the calendar feed behind a secret address.

use reqwest::{Method, Response};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app},
    minutes_edit::{MEETING, completed_task, minutes_json, put_minutes},
    people::{audit, member, patch_user, send_json, share, unshare, user_id},
    tasks_events::events,
    tasks_ws::next_event,
};

/// A meeting of `owner`'s whose action items are exactly `items`; returns
/// its id.
async fn meeting_with(app: &TestApp, owner: &Browser, items: Value) -> String {
    let task_id = completed_task(app, owner, MEETING).await;
    let (mut minutes, etag) = minutes_json(owner, &task_id, None).await;
    minutes["action_items"] = items;
    let res = put_minutes(owner, &task_id, &minutes, Some(&etag)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    task_id
}

fn item(text: &str, owner: &str, due_date: Option<&str>, done: bool) -> Value {
    json!({"text": text, "segment": 1, "owner": owner, "due": null, "due_date": due_date, "done": done})
}

async fn my_items(b: &Browser) -> Value {
    let res = b.get("/api/action-items").await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn texts(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect()
}

async fn mark(
    b: &Browser,
    task_id: &str,
    index: usize,
    done: bool,
    if_match: Option<&str>,
) -> Response {
    let mut req = b
        .request(
            Method::PATCH,
            &format!("/api/tasks/{task_id}/action-items/{index}"),
        )
        .json(&json!({ "done": done }));
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.unwrap()
}

async fn claim(b: &Browser, names: &[&str]) -> Response {
    send_json(
        b,
        Method::PUT,
        "/api/action-items/names",
        &json!({ "names": names }),
    )
    .await
}

/// A new feed address for `b`'s user.
async fn new_feed(b: &Browser) -> String {
    let res = b.post("/api/action-items/feed").await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    body["url"].as_str().unwrap().to_owned()
}

/// The feed fetched as a calendar app does: no cookies, no session.
async fn fetch_feed(url: &str) -> Response {
    reqwest::get(url).await.unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn items_owned_by_the_username_or_a_claimed_name_are_listed_open_and_overdue_first(
    db: PgPool,
) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task_id = meeting_with(
        &app,
        &alice,
        json!([
            item("Later", "alice", Some("2999-01-01"), false),
            item("Done already", "ALICE", Some("2000-01-01"), true),
            item("Undated", " alice ", None, false),
            item("Bob's", "Bob", Some("2000-01-01"), false),
            item("Overdue", "Ali", Some("2000-01-01"), false),
        ]),
    )
    .await;

    let before = my_items(&alice).await;
    assert_eq!(texts(&before), ["Later", "Undated", "Done already"]);
    assert_eq!(before["names"], json!([]));

    assert_eq!(claim(&alice, &[" Ali ", "ali", ""]).await.status(), 200);
    let after = my_items(&alice).await;
    assert_eq!(after["names"], json!(["Ali"]));
    assert_eq!(
        texts(&after),
        ["Overdue", "Later", "Undated", "Done already"]
    );
    let overdue = &after["items"][0];
    assert_eq!(overdue["task_id"], task_id.as_str());
    assert_eq!(overdue["index"], 4);
    assert_eq!(overdue["owner"], "Ali");
    assert_eq!(overdue["overdue"], true);
    assert_eq!(overdue["done"], false);
    assert_eq!(overdue["version"], 2);
    assert_eq!(overdue["access"], "owner");
    assert_eq!(overdue["segment"], 1);
    assert!(overdue["title"].is_string() && overdue["meeting_date"].is_string());
    assert_eq!(after["items"][1]["overdue"], false);
    assert_eq!(
        after["items"][3]["overdue"], false,
        "a done item is never overdue"
    );

    let too_long = claim(&alice, &[&"x".repeat(101)]).await;
    assert_eq!(too_long.status(), 422);
    assert_eq!(
        my_items(&alice).await["names"],
        json!(["Ali"]),
        "nothing changed"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn marking_done_is_a_new_revision_heard_on_the_event_socket(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task_id = meeting_with(
        &app,
        &alice,
        json!([item("Send the notes", "alice", None, false)]),
    )
    .await;
    let mut socket = events(&app, &alice).await;

    let res = mark(&alice, &task_id, 0, true, Some("\"v2\"")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"v3\"");
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["minutes"]["action_items"][0]["done"], true);
    // The socket may still hear of the save that set the items up (v2).
    let event = loop {
        let event = next_event(&mut socket).await;
        if event["type"] == "minutes_updated" && event["version"] != 2 {
            break event;
        }
    };
    assert_eq!(
        event,
        json!({"type": "minutes_updated", "task_id": task_id, "version": 3, "author": "alice"})
    );
    let (minutes, _) = minutes_json(&alice, &task_id, None).await;
    assert_eq!(minutes["action_items"][0]["done"], true);
    let md = alice.minutes(&task_id, "md").await.text().await.unwrap();
    assert!(md.contains("- [x] Send the notes"), "{md}");
    let history: Value = alice
        .get(&format!("/api/tasks/{task_id}/minutes/revisions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["revisions"][0]["version"], 3);
    assert_eq!(history["revisions"][0]["author"], "alice");
    assert_eq!(my_items(&alice).await["items"][0]["done"], true);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stale_or_missing_version_and_a_missing_item_change_nothing(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task_id = meeting_with(
        &app,
        &alice,
        json!([item("Send the notes", "alice", None, false)]),
    )
    .await;

    let stale = mark(&alice, &task_id, 0, true, Some("\"v1\"")).await;
    assert_eq!(stale.status(), 412);
    assert_eq!(stale.headers()["etag"], "\"v2\"");
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["error"]["code"], "version_conflict");
    assert_eq!(body["current"]["version"], 2);
    let missing = mark(&alice, &task_id, 0, true, None).await;
    assert_eq!(missing.status(), 428);
    let nowhere = mark(&alice, &task_id, 7, true, Some("\"v2\"")).await;
    assert_eq!(nowhere.status(), 404);
    assert_eq!(error_code(nowhere).await, "action_item_not_found");

    let (_, etag) = minutes_json(&alice, &task_id, None).await;
    assert_eq!(etag, "\"v2\"", "no version was saved");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_view_grantee_sees_their_items_but_cannot_mark_them_and_a_stranger_never_sees_them(
    db: PgPool,
) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let carol = member(&app, "carol").await;
    let task_id = meeting_with(
        &app,
        &alice,
        json!([
            item("Bob's task", "bob", Some("2999-01-01"), false),
            item("Carol's task", "carol", None, false)
        ]),
    )
    .await;

    // Carol owns an item but cannot open the meeting: she never sees it,
    // and marking it is as if the meeting did not exist.
    assert_eq!(texts(&my_items(&carol).await), Vec::<&str>::new());
    let res = mark(&carol, &task_id, 1, true, Some("\"v2\"")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "task_not_found");

    assert_eq!(share(&alice, &task_id, "bob", "view").await.status(), 200);
    let bobs = my_items(&bob).await;
    assert_eq!(texts(&bobs), ["Bob's task"]);
    assert_eq!(bobs["items"][0]["access"], "view");
    let res = mark(&bob, &task_id, 0, true, Some("\"v2\"")).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "forbidden");

    assert_eq!(share(&alice, &task_id, "bob", "edit").await.status(), 200);
    assert_eq!(
        mark(&bob, &task_id, 0, true, Some("\"v2\"")).await.status(),
        200
    );
    assert_eq!(my_items(&bob).await["items"][0]["done"], true);

    assert_eq!(unshare(&alice, &task_id, "bob").await.status(), 204);
    assert_eq!(texts(&my_items(&bob).await), Vec::<&str>::new());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn anonymous_callers_have_no_items(db: PgPool) {
    let app = spawn_app(db).await;
    let anonymous = app.browser();
    anonymous.session().await;
    for res in [
        anonymous.get("/api/action-items").await,
        anonymous.get("/api/action-items/feed").await,
        anonymous.post("/api/action-items/feed").await,
    ] {
        assert_eq!(res.status(), 401);
        assert_eq!(error_code(res).await, "not_authenticated");
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_feed_serves_open_due_items_as_icalendar_without_cookies(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task_id = meeting_with(
        &app,
        &alice,
        json!([
            item(
                "Send the notes, finally; really\\truly",
                "alice",
                Some("2026-10-11"),
                false
            ),
            item("Done already", "alice", Some("2026-10-12"), true),
            item("Undated", "alice", None, false),
            item("Bob's", "bob", Some("2026-10-13"), false),
        ]),
    )
    .await;
    let status: Value = alice
        .get("/api/action-items/feed")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["active"], false);

    let url = new_feed(&alice).await;
    assert!(
        url.starts_with(app.url("/ics/").as_str()) && url.ends_with(".ics"),
        "{url}"
    );
    let status: Value = alice
        .get("/api/action-items/feed")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["active"], true);
    assert!(
        !status.to_string().contains(&url),
        "the address is shown once"
    );

    let res = fetch_feed(&url).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert!(
        res.headers().get("set-cookie").is_none(),
        "no session is started"
    );
    let ics = res.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(
        ics.contains("\r\nSUMMARY:Send the notes\\, finally\\; really\\\\truly\r\n"),
        "{ics}"
    );
    assert!(ics.contains("\r\nDTSTART;VALUE=DATE:20261011\r\n"), "{ics}");
    assert!(
        ics.contains(&format!("\r\nUID:{task_id}.0@minutes\r\n")),
        "{ics}"
    );
    assert_eq!(
        ics.matches("BEGIN:VEVENT").count(),
        1,
        "only the open, dated item of hers: {ics}"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_replaced_or_ended_feed_address_stops_at_once(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let first = new_feed(&alice).await;
    assert_eq!(fetch_feed(&first).await.status(), 200);

    let second = new_feed(&alice).await;
    assert_ne!(first, second);
    assert_eq!(fetch_feed(&first).await.status(), 404);
    assert_eq!(fetch_feed(&second).await.status(), 200);
    // A guessed secret, and the right one without its suffix, are unknown.
    assert_eq!(
        fetch_feed(app.url("/ics/AAAA.ics").as_str()).await.status(),
        404
    );
    assert_eq!(
        fetch_feed(second.trim_end_matches(".ics")).await.status(),
        404
    );

    assert_eq!(alice.delete("/api/action-items/feed").await.status(), 204);
    assert_eq!(fetch_feed(&second).await.status(), 404);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn making_replacing_and_ending_a_feed_are_audited_and_a_disabled_users_feed_is_404(
    db: PgPool,
) {
    let app = spawn_app(db).await;
    let root = crate::people::admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let url = new_feed(&alice).await;
    assert_eq!(fetch_feed(&url).await.status(), 200);

    let second = new_feed(&alice).await;
    assert_eq!(fetch_feed(&url).await.status(), 404);
    assert_eq!(alice.delete("/api/action-items/feed").await.status(), 204);
    assert_eq!(alice.delete("/api/action-items/feed").await.status(), 204);
    let made = audit(&root, "?kind=calendar_feed_created").await;
    let replaced: Vec<&Value> = made["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["detail"]["replaced"])
        .collect();
    assert_eq!(replaced, [&json!(true), &json!(false)], "newest first");
    let stopped = audit(&root, "?kind=calendar_feed_stopped").await;
    assert_eq!(
        stopped["events"].as_array().unwrap().len(),
        1,
        "ending no feed is no event"
    );

    let url = new_feed(&alice).await;
    assert_ne!(url, second);
    let id = user_id(&alice).await;
    let res = patch_user(&root, &id, json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    let res = fetch_feed(&url).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "calendar_not_found");
}
