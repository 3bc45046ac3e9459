//! The audit trail of sharing and admin actions, and the admin's audit log.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app},
    people::{admin, audit, completed, member, patch_user, share, unshare, user_id},
};

/// `(kind, actor, subject)` of the events, oldest first.
fn trail(log: &Value) -> Vec<(String, Value, Value)> {
    let mut events: Vec<_> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["actor"].clone(),
                e["subject"].clone(),
            )
        })
        .collect();
    events.reverse();
    events
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn share_and_admin_actions_are_audited_in_order_with_actor_and_subject(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let bob_id = user_id(&bob).await;
    let id = completed(&app, &alice).await;

    share(&alice, &id, "bob", "view").await;
    share(&alice, &id, "bob", "edit").await;
    unshare(&alice, &id, "bob").await;
    patch_user(&root, &bob_id, json!({"roles": ["admin"]})).await;
    patch_user(&root, &bob_id, json!({"roles": ["member"]})).await;
    patch_user(&root, &bob_id, json!({"disabled": true})).await;
    patch_user(&root, &bob_id, json!({"disabled": false})).await;
    root.delete(&format!("/api/admin/users/{bob_id}/sessions"))
        .await;

    let kinds = [
        "share_granted",
        "share_changed",
        "share_revoked",
        "role_granted",
        "role_removed",
        "user_disabled",
        "user_enabled",
        "sessions_revoked_by_admin",
    ];
    let log = audit(&root, "?limit=100").await;
    let ours: Vec<_> = trail(&log)
        .into_iter()
        .filter(|(k, _, _)| kinds.contains(&k.as_str()))
        .collect();
    let expected: Vec<(String, Value, Value)> = [
        ("share_granted", "alice", "bob"),
        ("share_changed", "alice", "bob"),
        ("share_revoked", "alice", "bob"),
        ("role_granted", "root", "bob"),
        ("role_removed", "root", "bob"),
        ("user_disabled", "root", "bob"),
        ("user_enabled", "root", "bob"),
        ("sessions_revoked_by_admin", "root", "bob"),
    ]
    .iter()
    .map(|(k, a, s)| (k.to_string(), json!(a), json!(s)))
    .collect();
    assert_eq!(ours, expected);

    let events = log["events"].as_array().unwrap();
    let granted = events
        .iter()
        .find(|e| e["kind"] == "share_granted")
        .unwrap();
    assert_eq!(
        granted["detail"],
        json!({"task_id": id, "grantee": "bob", "permission": "view"})
    );
    assert_eq!(granted["ip"], "127.0.0.1");
    let role = events.iter().find(|e| e["kind"] == "role_granted").unwrap();
    assert_eq!(role["detail"], json!({"role": "admin"}));
    // Disabling revoked bob's series, each with its own event.
    let revoked = events
        .iter()
        .find(|e| e["kind"] == "series_revoked" && e["detail"]["reason"] == "user_disabled");
    assert!(revoked.is_some(), "{log}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_audit_log_filters_by_kind_and_user_and_pages_newest_first(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    for name in ["bob", "carol", "dave"] {
        member(&app, name).await;
    }
    let id = completed(&app, &alice).await;
    for name in ["bob", "carol", "dave"] {
        share(&alice, &id, name, "view").await;
    }

    let granted = audit(&root, "?kind=share_granted").await;
    let subjects: Vec<_> = granted["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(subjects, ["dave", "carol", "bob"], "newest first");

    let carol = audit(&root, "?user=carol").await;
    for e in carol["events"].as_array().unwrap() {
        assert!(e["actor"] == "carol" || e["subject"] == "carol", "{e}");
    }
    assert!(
        carol["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "share_granted")
    );

    let mut seen = vec![];
    let mut query = "?kind=share_granted&limit=2".to_owned();
    loop {
        let page = audit(&root, &query).await;
        for e in page["events"].as_array().unwrap() {
            seen.push(e["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?kind=share_granted&limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
    let res = root.get("/api/admin/audit?cursor=nope").await;
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(res).await, "invalid_cursor");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_audit_log_names_sessions_and_tasks_and_filters_by_time_and_left_out_kind(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    member(&app, "bob").await;
    let id = completed(&app, &alice).await;
    share(&alice, &id, "bob", "view").await;
    let minutes: Value = alice
        .get(&format!("/api/tasks/{id}/minutes?format=json"))
        .await
        .json()
        .await
        .unwrap();

    let granted = audit(&root, "?kind=share_granted").await;
    assert_eq!(granted["events"][0]["task_name"], minutes["title"]);
    assert_eq!(
        granted["events"][0]["subject_name"],
        Value::Null,
        "a username"
    );
    assert_eq!(alice.logout().await.status(), 204);
    let ended = audit(&root, "?kind=series_revoked&limit=100").await;
    assert!(
        ended["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject_name"] == "alice" && e["detail"]["reason"] == "logout"),
        "a session is named by its owner: {ended}"
    );

    let without = audit(&root, "?exclude_kind=series_created&limit=100").await;
    let kinds: Vec<_> = without["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !kinds.is_empty() && !kinds.iter().any(|k| k == "series_created"),
        "{kinds:?}"
    );

    let all = audit(&root, "?limit=100").await["events"]
        .as_array()
        .unwrap()
        .len();
    let since_2000 = audit(&root, "?since=2000-01-01T00:00:00Z&limit=100").await;
    assert_eq!(since_2000["events"].as_array().unwrap().len(), all);
    let until_2000 = audit(&root, "?until=2000-01-01T00:00:00Z").await;
    assert_eq!(until_2000["events"], json!([]));
    let future = audit(&root, "?since=2999-01-01T00:00:00%2B09:00").await;
    assert_eq!(future["events"], json!([]));
    let res = root.get("/api/admin/audit?since=yesterday").await;
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(res).await, "invalid_time");
}
