//! Sharing a task: what a view and an edit grantee may do, revocation,
//! strangers, anonymous callers, and the refusals.

use serde_json::Value;
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app},
    people::{admin, completed, failed, member, retry, share, shares, unshare},
};

async fn json(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_view_grantee_lists_and_reads_the_task_but_may_not_retry_delete_or_share(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let id = completed(&app, &alice).await;

    let res = share(&alice, &id, "bob", "view").await;
    assert_eq!(res.status(), 200);
    let granted = json(res).await;
    assert_eq!(granted["username"], "bob");
    assert_eq!(granted["permission"], "view");
    assert_eq!(granted["granted_by"], "alice");

    let listed = bob.tasks().await;
    let task = &listed["tasks"][0];
    assert_eq!(task["task_id"], id.as_str());
    assert_eq!(task["access"], "view");
    assert_eq!(task["owner"], serde_json::json!({"username": "alice"}));
    assert_eq!(json(alice.task(&id).await).await["owner"], Value::Null);
    assert_eq!(bob.task(&id).await.status(), 200);
    assert_eq!(bob.media(&id).await.status(), 200);
    assert_eq!(bob.minutes(&id, "md").await.status(), 200);

    for res in [
        retry(&bob, &id).await,
        bob.delete_task(&id).await,
        shares(&bob, &id).await,
        share(&bob, &id, "bob", "edit").await,
        unshare(&bob, &id, "bob").await,
    ] {
        assert_eq!(res.status(), 403);
        assert_eq!(error_code(res).await, "forbidden");
    }
    assert_eq!(alice.task(&id).await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn upgrading_to_edit_in_place_lets_the_grantee_retry_but_not_delete(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let id = failed(&app, &alice).await;
    let first = json(share(&alice, &id, "bob", "view").await).await;
    assert_eq!(retry(&bob, &id).await.status(), 403);

    let res = share(&alice, &id, "bob", "edit").await;
    assert_eq!(res.status(), 200);
    let upgraded = json(res).await;
    assert_eq!(upgraded["permission"], "edit");
    assert_eq!(upgraded["created_at"], first["created_at"]);
    let list = json(shares(&alice, &id).await).await;
    assert_eq!(list["shares"].as_array().unwrap().len(), 1);
    assert_eq!(list["shares"][0]["permission"], "edit");
    assert_eq!(json(bob.task(&id).await).await["access"], "edit");

    let res = retry(&bob, &id).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["status"], "queued");
    let res = bob.delete_task(&id).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "forbidden");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn put_is_idempotent_and_records_one_grant(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    member(&app, "bob").await;
    let id = completed(&app, &alice).await;
    let one = json(share(&alice, &id, "bob", "view").await).await;
    let two = json(share(&alice, &id, "bob", "view").await).await;
    assert_eq!(one, two);
    let shares_n = app.count("SELECT count(*) FROM task_shares").await;
    assert_eq!(shares_n, 1);
    let grants = app
        .count("SELECT count(*) FROM audit_events WHERE kind LIKE 'share_%'")
        .await;
    assert_eq!(grants, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revoking_a_share_makes_the_task_404_for_the_grantee_everywhere(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let id = failed(&app, &alice).await;
    share(&alice, &id, "bob", "edit").await;
    assert_eq!(bob.task(&id).await.status(), 200);

    assert_eq!(unshare(&alice, &id, "bob").await.status(), 204);
    for res in [
        bob.task(&id).await,
        bob.media(&id).await,
        bob.minutes(&id, "md").await,
        retry(&bob, &id).await,
        bob.delete_task(&id).await,
        shares(&bob, &id).await,
    ] {
        assert_eq!(res.status(), 404);
        assert_eq!(error_code(res).await, "task_not_found");
    }
    assert!(bob.tasks().await["tasks"].as_array().unwrap().is_empty());
    let again = unshare(&alice, &id, "bob").await;
    assert_eq!(again.status(), 404);
    assert_eq!(error_code(again).await, "share_not_found");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stranger_gets_404_on_every_task_and_share_endpoint(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    member(&app, "bob").await;
    let carol = member(&app, "carol").await;
    let id = failed(&app, &alice).await;
    share(&alice, &id, "bob", "edit").await;

    for res in [
        carol.task(&id).await,
        carol.media(&id).await,
        carol.minutes(&id, "md").await,
        retry(&carol, &id).await,
        carol.delete_task(&id).await,
        shares(&carol, &id).await,
        share(&carol, &id, "carol", "view").await,
        unshare(&carol, &id, "bob").await,
    ] {
        assert_eq!(res.status(), 404);
        assert_eq!(error_code(res).await, "task_not_found");
    }
    assert_eq!(app.count("SELECT count(*) FROM task_shares").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn anonymous_callers_get_401_login_required_on_share_endpoints(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let id = completed(&app, &alice).await;
    let with_session = app.browser();
    with_session.session().await;
    let without = app.browser();
    for b in [&with_session, &without] {
        for res in [
            shares(b, &id).await,
            share(b, &id, "alice", "view").await,
            unshare(b, &id, "alice").await,
        ] {
            assert_eq!(res.status(), 401);
            assert_eq!(error_code(res).await, "login_required");
        }
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn sharing_with_the_owner_is_422_and_with_an_unknown_or_disabled_user_404(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    member(&app, "dave").await;
    let id = completed(&app, &alice).await;

    let res = share(&alice, &id, "alice", "view").await;
    assert_eq!(res.status(), 422);
    let body = json(res).await;
    assert_eq!(body["error"]["fields"]["username"][0], "is_owner");

    sqlx::query("UPDATE users SET disabled_at = now() WHERE username = 'dave'")
        .execute(&app.db)
        .await
        .unwrap();
    for name in ["nobody", "dave"] {
        let res = share(&alice, &id, name, "view").await;
        assert_eq!(res.status(), 404, "{name}");
        assert_eq!(error_code(res).await, "user_not_found");
    }
    let res = share(&alice, &id, "dave", "admin").await;
    assert_eq!(res.status(), 422, "permission is an enum");
    assert_eq!(app.count("SELECT count(*) FROM task_shares").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_anonymous_sessions_task_cannot_be_shared_even_by_an_admin(db: PgPool) {
    let app = spawn_app(db).await;
    let anonymous = app.browser();
    let task = anonymous.upload_ok("a.txt", "anonymous meeting").await;
    let id = task["task_id"].as_str().unwrap();
    let root = admin(&app, "root").await;
    member(&app, "bob").await;

    let res = share(&root, id, "bob", "view").await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_code(res).await, "anonymous_task");
}
