//! Attacks on share links: other users' links, guessing passphrases all at
//! once, telling a dead link from an unknown one, and using a link's secret
//! as anything but a link.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app},
    links::{create_link, link, links, open, open_at, revoke_link},
    people::{completed, member, send_json, user_id},
};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn another_user_can_neither_list_nor_make_nor_revoke_links(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let mallory = member(&app, "mallory").await;
    let task = completed(&app, &alice).await;
    let (secret, id) = link(&alice, &task, json!({"expires_in_days": 1})).await;

    let res = mallory.get(&format!("/api/tasks/{task}/links")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "task_not_found");
    let res = create_link(&mallory, &task, json!({"expires_in_days": 1})).await;
    assert_eq!(res.status(), 404);
    let res = revoke_link(&mallory, &id).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "link_not_found");
    let path = format!("/api/tasks/{task}/links/policy");
    let res = send_json(
        &mallory,
        Method::PUT,
        &path,
        &json!({"editors_may_create": true}),
    )
    .await;
    assert_eq!(res.status(), 404);

    assert_eq!(open(&app, &secret).await.status(), 200, "still alive");
    assert!(links(&alice, &task).await["links"][0]["revoked_at"].is_null());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn concurrent_wrong_passphrases_get_no_more_guesses_than_the_limit(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let (secret, _) = link(
        &alice,
        &task,
        json!({"expires_in_days": 1, "passphrase": "the right one"}),
    )
    .await;
    let (other, _) = link(
        &alice,
        &task,
        json!({"expires_in_days": 1, "passphrase": "the right one"}),
    )
    .await;

    let guesses = (0..30).map(|n| {
        let (app, secret) = (&app, &secret);
        async move { open_at(app, "view", secret, Some(&format!("guess number {n}"))).await }
    });
    let mut answers: BTreeMap<u16, usize> = BTreeMap::new();
    for res in futures::future::join_all(guesses).await {
        if res.status() == 429 {
            assert!(res.headers().contains_key("retry-after"));
        }
        *answers.entry(res.status().as_u16()).or_default() += 1;
    }
    assert_eq!(
        answers,
        BTreeMap::from([(401, 10), (429, 20)]),
        "{answers:?}"
    );
    // The right passphrase waits too: the guesser cannot tell it.
    let res = open_at(&app, "view", &secret, Some("the right one")).await;
    assert_eq!(res.status(), 429);
    assert_eq!(error_code(res).await, "too_many_attempts");
    // Per link: another link of the same meeting is not held back.
    assert_eq!(
        open_at(&app, "view", &other, Some("the right one"))
            .await
            .status(),
        200
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn unknown_malformed_expired_revoked_and_disabled_links_answer_alike(db: PgPool) {
    let app = spawn_app(db).await;
    let root = crate::people::admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let task = completed(&app, &alice).await;
    let bobs = completed(&app, &bob).await;
    let (expired, expired_id) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    let (revoked, revoked_id) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    let (disabled, _) = link(&bob, &bobs, json!({"expires_in_days": 1})).await;
    sqlx::query(
        "UPDATE share_links SET expires_at = now() - interval '1 minute' WHERE id = $1::uuid",
    )
    .bind(&expired_id)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(revoke_link(&alice, &revoked_id).await.status(), 204);
    let bob_id = user_id(&bob).await;
    let res = send_json(
        &root,
        Method::PATCH,
        &format!("/api/admin/users/{bob_id}"),
        &json!({"disabled": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let unknown = format!("mnl_0123abcd_{}", "A".repeat(43));

    let mut bodies = Vec::new();
    for secret in [
        unknown.as_str(),
        "garbage",
        "",
        &expired,
        &revoked,
        &disabled,
    ] {
        let res = open(&app, secret).await;
        assert_eq!(res.status(), 404, "{secret}");
        bodies.push(res.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    // No header at all is a malformed request, not a question about a link.
    let res = reqwest::Client::new()
        .post(app.url("/api/links/view"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(res).await, "link_secret_missing");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_link_secret_is_no_token_no_cookie_and_opens_nothing_else(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let other = completed(&app, &alice).await;
    let (secret, _) = link(&alice, &task, json!({"expires_in_days": 1})).await;

    let client = reqwest::Client::new();
    let res = client
        .get(app.url(&format!("/api/tasks/{task}")))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "invalid_token");
    for path in [
        format!("/api/tasks/{task}"),
        format!("/api/tasks/{other}/minutes"),
        format!("/api/tasks/{task}/media"),
    ] {
        let res = client
            .get(app.url(&path))
            .header("Link-Secret", &secret)
            .header("Cookie", format!("sid={secret}; rt={secret}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    // The holder of a link cannot edit the meeting with it.
    let res = client
        .put(app.url(&format!("/api/tasks/{task}/minutes")))
        .header("Link-Secret", &secret)
        .header("If-Match", "*")
        .json(&json!({"title": "defaced"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Opening the link leaves nothing behind that a later request could use.
    let b = app.browser();
    b.session().await;
    let res = b
        .request(Method::POST, "/api/links/view")
        .header("Link-Secret", &secret)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("set-cookie").is_none());
    assert_eq!(b.task(&task).await.status(), 404);
    assert_eq!(b.tasks().await["tasks"], json!([]));
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn only_the_secrets_hash_is_stored(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let (secret, _) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    let stored: Vec<u8> = sqlx::query_scalar("SELECT secret_hash FROM share_links")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, Sha256::digest(secret.as_bytes()).to_vec());
    let body = secret.rsplit('_').next().unwrap();
    let leaks = app
        .count(&format!(
            "SELECT count(*) FROM share_links l WHERE l::text LIKE '%{body}%'"
        ))
        .await;
    assert_eq!(leaks, 0);
    let audit_leaks = app
        .count(&format!(
            "SELECT count(*) FROM audit_events e WHERE e::text LIKE '%{body}%'"
        ))
        .await;
    assert_eq!(audit_leaks, 0);
}
