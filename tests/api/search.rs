//! `GET /api/search`: Japanese two-character words, Japanese phrases,
//! English words by stem and speaker names, across the meetings the caller
//! can open and no others (the access table's callers), current at once
//! after an edit, a share, an unshare, a disable and a delete, a page at a
//! time.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp, spawn_app};
use crate::minutes_edit::{minutes_json, put_minutes};
use crate::people::{PASSWORD, admin, finished, member, patch_user, share, unshare, user_id};

const JA_MEETING: &str = "第3四半期 定例会議

田中: 予算の見直しは来月に決定します。
鈴木: 資料は金曜日までに準備します。
";

const EN_MEETING: &str = "Launch review

Priya: We decided to launch the mobile app on Monday.
Omar: I will send the release notes by Friday.
";

/// The search answer for `q` (with `extra` query parameters).
async fn search(b: &Browser, q: &str, extra: &str) -> Value {
    let q = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
    let res = b.get(&format!("/api/search?q={q}{extra}")).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The tasks `q` finds, in order.
async fn found(b: &Browser, q: &str, extra: &str) -> Vec<String> {
    search(b, q, extra).await["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["task"]["task_id"].as_str().unwrap().to_owned())
        .collect()
}

/// A hit's snippet with its matches in brackets.
fn marked(hit: &Value) -> String {
    hit["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let text = p["text"].as_str().unwrap();
            if p["hit"] == true {
                format!("[{text}]")
            } else {
                text.to_owned()
            }
        })
        .collect()
}

async fn meeting(app: &TestApp, owner: &Browser, name: &str, text: &str) -> String {
    finished(app, owner, name, text).await
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn japanese_words_phrases_english_stems_and_speakers_are_found(db: PgPool) {
    let app = spawn_app(db).await;
    let me = app.browser();
    me.session().await;
    let ja = meeting(&app, &me, "ja.txt", JA_MEETING).await;
    let en = meeting(&app, &me, "en.txt", EN_MEETING).await;

    let answer = search(&me, "予算", "").await;
    let result = &answer["results"][0];
    assert_eq!(answer["results"].as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(result["task"]["task_id"], ja.as_str());
    assert_eq!(result["task"]["title"], "第3四半期 定例会議");
    let hit = result["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["part"] == "transcript")
        .unwrap_or_else(|| panic!("{result}"));
    assert_eq!(hit["segment"], 0, "{hit}");
    assert_eq!(marked(hit), "田中: [予算]の見直しは来月に決定します。");

    assert_eq!(found(&me, "見直しは来月", "").await, [ja.as_str()]);
    assert_eq!(found(&me, "鈴", "").await, [ja.as_str()], "one character");
    assert_eq!(found(&me, "定例会議", "").await, [ja.as_str()], "the title");
    assert_eq!(found(&me, "鈴木", "").await, [ja.as_str()], "a speaker");
    assert_eq!(found(&me, "decide", "").await, [en.as_str()], "by stem");
    assert_eq!(found(&me, "RELEASE NOTES", "").await, [en.as_str()]);
    assert_eq!(found(&me, "Omar", "").await, [en.as_str()]);
    assert!(found(&me, "議事録なし", "").await.is_empty());
    assert!(
        found(&me, "100%_", "").await.is_empty(),
        "wildcards are literal"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn search_answers_only_meetings_the_caller_can_open(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = member(&app, "olive").await;
    let boss = admin(&app, "ada").await;
    let edit = member(&app, "eddie").await;
    let view = member(&app, "vera").await;
    let stranger = member(&app, "sam").await;
    let anonymous = app.browser();
    anonymous.session().await;
    let task = meeting(&app, &owner, "plan.txt", JA_MEETING).await;
    assert_eq!(share(&owner, &task, "eddie", "edit").await.status(), 200);
    assert_eq!(share(&owner, &task, "vera", "view").await.status(), 200);
    let strangers = meeting(&app, &stranger, "own.txt", JA_MEETING).await;
    let anonymous_own = meeting(&app, &anonymous, "anon.txt", JA_MEETING).await;

    let sees = |ids: &[&String]| ids.iter().map(|s| (*s).clone()).collect::<Vec<_>>();
    for (who, b, want) in [
        ("owner", &owner, sees(&[&task])),
        ("admin", &boss, sees(&[])),
        ("edit", &edit, sees(&[&task])),
        ("view", &view, sees(&[&task])),
        ("stranger", &stranger, sees(&[&strangers])),
        ("anonymous", &anonymous, sees(&[&anonymous_own])),
    ] {
        for extra in ["", "&all=true"] {
            if who == "admin" && extra == "&all=true" {
                continue;
            }
            assert_eq!(found(b, "予算", extra).await, want, "{who}{extra}");
        }
        let none = search(b, "予算", "").await;
        for result in none["results"].as_array().unwrap() {
            assert!(want.contains(&result["task"]["task_id"].as_str().unwrap().to_owned()));
        }
    }
    let mut everything = found(&boss, "予算", "&all=true").await;
    everything.sort();
    let mut all = vec![task, strangers, anonymous_own];
    all.sort();
    assert_eq!(everything, all, "an admin who asks searches every task");

    let nobody = app.browser();
    let answer = search(&nobody, "予算", "").await;
    assert_eq!(answer["results"], json!([]), "no session: nothing");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn search_follows_edits_shares_unshares_disables_and_deletes_at_once(db: PgPool) {
    let app = spawn_app(db).await;
    let owner = member(&app, "olive").await;
    let root = admin(&app, "ada").await;
    let guest = member(&app, "vera").await;
    let task = meeting(&app, &owner, "plan.txt", EN_MEETING).await;

    let (minutes, etag) = minutes_json(&owner, &task, None).await;
    // Every passage that says it: the transcript, the action item, the summary.
    let edit: Value =
        serde_json::from_str(&minutes.to_string().replace("release notes", "changelog")).unwrap();
    assert_eq!(
        put_minutes(&owner, &task, &edit, Some(&etag))
            .await
            .status(),
        200
    );
    assert!(
        found(&owner, "release notes", "").await.is_empty(),
        "edited away"
    );
    assert_eq!(found(&owner, "changelog", "").await, [task.as_str()]);

    assert!(found(&guest, "changelog", "").await.is_empty());
    assert_eq!(share(&owner, &task, "vera", "view").await.status(), 200);
    assert_eq!(
        found(&guest, "changelog", "").await,
        [task.as_str()],
        "shared"
    );
    assert_eq!(unshare(&owner, &task, "vera").await.status(), 204);
    assert!(found(&guest, "changelog", "").await.is_empty(), "unshared");

    assert_eq!(share(&owner, &task, "vera", "view").await.status(), 200);
    let olive = user_id(&owner).await;
    let res = patch_user(&root, &olive, json!({"disabled": true})).await;
    assert_eq!(res.status(), 200);
    assert!(
        found(&guest, "changelog", "").await.is_empty(),
        "owner disabled"
    );
    let res = patch_user(&root, &olive, json!({"disabled": false})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(found(&guest, "changelog", "").await, [task.as_str()]);

    let owner = member_again(&app).await;
    assert_eq!(owner.delete_task(&task).await.status(), 204);
    assert!(found(&owner, "changelog", "").await.is_empty(), "deleted");
    assert!(found(&guest, "changelog", "").await.is_empty());
    assert_eq!(
        app.count("SELECT count(*) FROM search_passages").await,
        0,
        "the passages went with the task"
    );
}

/// Olive logged in again (a disable ends her sessions).
async fn member_again(app: &TestApp) -> Browser {
    let b = app.browser();
    b.session().await;
    assert_eq!(b.login("olive", PASSWORD).await.status(), 200);
    b
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn meetings_adopted_at_login_are_found_by_their_new_owner(db: PgPool) {
    let app = spawn_app(db).await;
    let olive = member(&app, "olive").await;
    let anonymous = app.browser();
    anonymous.session().await;
    let task = meeting(&app, &anonymous, "anon.txt", JA_MEETING).await;
    assert_eq!(found(&anonymous, "予算", "").await, [task.as_str()]);
    assert!(found(&olive, "予算", "").await.is_empty(), "not hers yet");

    // Logging in hands the browser's meetings to olive: her search (which
    // looks up her own passages by owner) finds them at once, from any
    // of her sessions, in both kinds of lookup (bigrams, one character).
    assert_eq!(anonymous.login("olive", PASSWORD).await.status(), 200);
    for b in [&anonymous, &olive] {
        assert_eq!(found(b, "予算", "").await, [task.as_str()], "adopted");
        assert_eq!(found(b, "予", "").await, [task.as_str()], "one character");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM search_passages WHERE user_id IS NULL")
            .await,
        0,
        "every passage names its new owner"
    );
    let fresh = app.browser();
    fresh.session().await;
    assert!(
        found(&fresh, "予算", "").await.is_empty(),
        "a new anonymous browser"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn results_come_a_page_at_a_time_and_bad_queries_are_refused(db: PgPool) {
    let app = spawn_app(db).await;
    let me = app.browser();
    me.session().await;
    let mut made = vec![];
    for i in 0..3 {
        made.push(meeting(&app, &me, &format!("m{i}.txt"), JA_MEETING).await);
    }
    let mut seen = vec![];
    let mut cursor = String::new();
    loop {
        let page = search(&me, "予算", &format!("&limit=2{cursor}")).await;
        let results = page["results"].as_array().unwrap();
        assert!(results.len() <= 2);
        seen.extend(
            results
                .iter()
                .map(|r| r["task"]["task_id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    seen.sort();
    made.sort();
    assert_eq!(seen, made, "every meeting once");

    // Only spaces asks for nothing, and finds nothing.
    let res = me.get("/api/search?q=%20%20").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["results"], json!([]));

    for (query, code) in [
        ("/api/search", "invalid_query"),
        (
            &format!("/api/search?q={}", "x".repeat(201)),
            "invalid_query",
        ),
        ("/api/search?q=a&all=yes", "invalid_all"),
        ("/api/search?q=a&cursor=nope", "invalid_cursor"),
        ("/api/search?q=a&limit=0", "invalid_limit"),
    ] {
        let res = me.get(query).await;
        assert_eq!(res.status(), 400, "{query}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{query}");
    }
}
