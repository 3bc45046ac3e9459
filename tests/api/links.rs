//! Share links as their owner and their holders use them: made with an
//! expiry and options, opened without an account, each opening recorded,
//! stopped by expiry, revocation (on every instance at once), the owner's
//! disabling and the meeting's deletion.

use reqwest::{Method, Response};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app, spawn_app_with},
    people::{admin, audit, completed, member, send_json, share, user_id},
    tokens::{Script, token},
};

pub const MINUTES_TEXT: &str = "We decided to ship on Friday.";

pub async fn create_link(b: &Browser, task: &str, body: Value) -> Response {
    b.post_json(&format!("/api/tasks/{task}/links"), &body)
        .await
}

/// A new link to `task` made by `b`: its secret and id.
pub async fn link(b: &Browser, task: &str, body: Value) -> (String, String) {
    let res = create_link(b, task, body).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        created["url"].as_str().unwrap(),
        format!("{}l#{secret}", b.base())
    );
    (secret, created["link"]["id"].as_str().unwrap().to_owned())
}

pub async fn links(b: &Browser, task: &str) -> Value {
    let res = b.get(&format!("/api/tasks/{task}/links")).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

pub async fn revoke_link(b: &Browser, id: &str) -> Response {
    b.delete(&format!("/api/links/{id}")).await
}

/// Someone holding the link and nothing else: no cookies, no account.
pub async fn open_at(
    app: &TestApp,
    endpoint: &str,
    secret: &str,
    passphrase: Option<&str>,
) -> Response {
    let body = match passphrase {
        Some(p) => json!({ "passphrase": p }),
        None => json!({}),
    };
    reqwest::Client::new()
        .post(app.url(&format!("/api/links/{endpoint}")))
        .header("Link-Secret", secret)
        .header("User-Agent", "LinkTest/1.0 (X11; Linux x86_64)")
        .json(&body)
        .send()
        .await
        .unwrap()
}

pub async fn open(app: &TestApp, secret: &str) -> Response {
    open_at(app, "view", secret, None).await
}

async fn set_disabled(admin: &Browser, user: &str, disabled: bool) {
    let res = send_json(
        admin,
        Method::PATCH,
        &format!("/api/admin/users/{user}"),
        &json!({ "disabled": disabled }),
    )
    .await;
    assert_eq!(res.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_link_opens_the_minutes_without_an_account_and_each_reader_is_recorded(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let (secret, id) = link(&alice, &task, json!({"expires_in_days": 7})).await;

    let res = open(&app, &secret).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-robots-tag"], "noindex, nofollow");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert!(
        res.headers().get("set-cookie").is_none(),
        "a link starts no session"
    );
    let meeting: Value = res.json().await.unwrap();
    assert_eq!(meeting["status"], "completed");
    assert!(meeting["minutes"]["title"].is_string());
    assert_eq!(meeting["minutes"]["transcript"][0]["text"], MINUTES_TEXT);
    assert!(meeting.get("owner").is_none() && meeting.get("task_id").is_none());
    // A reload is the same reader; another browser is another view.
    assert_eq!(open(&app, &secret).await.status(), 200);
    let other = reqwest::Client::new()
        .post(app.url("/api/links/view"))
        .header("Link-Secret", &secret)
        .header("User-Agent", "curl/8.5.0")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);

    let list = links(&alice, &task).await;
    let shown = &list["links"][0];
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["prefix"], secret.split('_').nth(1).unwrap());
    assert_eq!(shown["view_count"], 2);
    assert_eq!(shown["views"][0]["user_agent"], "curl/8.5.0");
    assert_eq!(
        shown["views"][1]["user_agent"],
        "LinkTest/1.0 (X11; Linux x86_64)"
    );
    assert_eq!(shown["views"][0]["ip"], "127.0.0.1");
    assert_eq!(list["editors_may_create"], false);
    assert!(shown.get("secret").is_none());

    let events = audit(&root, "?kind=link_created").await;
    let event = &events["events"][0];
    assert_eq!(event["subject"], id.as_str());
    assert_eq!(event["detail"]["task_id"], task.as_str());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_expiry_is_required_and_at_most_link_max_days(db: PgPool) {
    let app = spawn_app_with(db, |s| s.sharing.link_max_days = 7).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    assert_eq!(create_link(&alice, &task, json!({})).await.status(), 422);
    for days in [json!(0), json!(8), json!(30), json!(1e12)] {
        let res = create_link(&alice, &task, json!({"expires_in_days": days})).await;
        assert_eq!(res.status(), 422, "{days}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["error"]["fields"]["expires_in_days"][0],
            "out_of_range"
        );
    }
    link(&alice, &task, json!({"expires_in_days": 7.0})).await;
    let doc = app.openapi().await;
    let days = &doc["components"]["schemas"]["NewLinkRequest"]["properties"]["expires_in_days"];
    assert_eq!(
        days["maximum"], 7,
        "the document says what the handler checks"
    );
    let shown = &links(&alice, &task).await["links"][0];
    let created = time::OffsetDateTime::parse(
        shown["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        shown["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((expires - created).whole_days(), 7);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_link_past_its_expiry_stops(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let (secret, id) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    assert_eq!(open(&app, &secret).await.status(), 200);
    sqlx::query(
        "UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = $1::uuid",
    )
    .bind(&id)
    .execute(&app.db)
    .await
    .unwrap();
    let res = open(&app, &secret).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "link_not_found");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_revoked_link_stops_at_once_and_the_revocation_is_audited(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let (secret, id) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    assert_eq!(open(&app, &secret).await.status(), 200);

    assert_eq!(revoke_link(&alice, &id).await.status(), 204);
    assert_eq!(open(&app, &secret).await.status(), 404);
    assert_eq!(revoke_link(&alice, &id).await.status(), 204, "idempotent");
    assert!(links(&alice, &task).await["links"][0]["revoked_at"].is_string());
    let events = audit(&root, "?kind=link_revoked").await;
    assert_eq!(
        events["events"].as_array().unwrap().len(),
        1,
        "revoked once"
    );
    assert_eq!(events["events"][0]["subject"], id.as_str());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_revocation_on_one_instance_stops_the_link_on_another_at_once(db: PgPool) {
    let one = spawn_app(db.clone()).await;
    let alice = member(&one, "alice").await;
    let task = completed(&one, &alice).await;
    let (secret, id) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    // Its own pool, as another process has: the test's pool is small.
    let own_pool = PgPool::connect_with((*db.connect_options()).clone())
        .await
        .unwrap();
    let two = spawn_app(own_pool).await;
    assert_eq!(open(&two, &secret).await.status(), 200);
    assert_eq!(revoke_link(&alice, &id).await.status(), 204);
    // No waiting for a NOTIFY: every use is decided in the database.
    assert_eq!(open(&two, &secret).await.status(), 404);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn disabling_the_owner_stops_their_links_until_enabled_again(db: PgPool) {
    let app = spawn_app(db).await;
    let root = admin(&app, "root").await;
    let alice = member(&app, "alice").await;
    let alice_id = user_id(&alice).await;
    let task = completed(&app, &alice).await;
    let (secret, _) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    set_disabled(&root, &alice_id, true).await;
    assert_eq!(open(&app, &secret).await.status(), 404);
    set_disabled(&root, &alice_id, false).await;
    assert_eq!(open(&app, &secret).await.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn deleting_the_meeting_deletes_its_links(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let (secret, _) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    assert_eq!(open(&app, &secret).await.status(), 200);
    assert_eq!(alice.delete_task(&task).await.status(), 204);
    assert_eq!(open(&app, &secret).await.status(), 404);
    assert_eq!(app.count("SELECT count(*) FROM share_links").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM share_link_views").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_link_without_the_transcript_or_the_recording_gives_neither(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;

    let (full, _) = link(&alice, &task, json!({"expires_in_days": 1})).await;
    let res = open_at(&app, "recording", &full, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-robots-tag"], "noindex, nofollow");
    assert_eq!(res.text().await.unwrap(), MINUTES_TEXT);

    let body =
        json!({"expires_in_days": 1, "include_transcript": false, "include_recording": false});
    let (bare, _) = link(&alice, &task, body).await;
    let meeting: Value = open(&app, &bare).await.json().await.unwrap();
    assert_eq!(meeting["include_transcript"], false);
    assert_eq!(meeting["minutes"]["transcript"], json!([]));
    let res = open_at(&app, "recording", &bare, None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "recording_not_shared");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn editors_make_links_only_when_the_owner_lets_them(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let bob = member(&app, "bob").await;
    let carol = member(&app, "carol").await;
    let task = completed(&app, &alice).await;
    assert_eq!(share(&alice, &task, "bob", "edit").await.status(), 200);
    assert_eq!(share(&alice, &task, "carol", "view").await.status(), 200);
    let policy = |on: bool| json!({ "editors_may_create": on });
    let path = format!("/api/tasks/{task}/links/policy");

    let res = create_link(&bob, &task, json!({"expires_in_days": 1})).await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        send_json(&bob, Method::PUT, &path, &policy(true))
            .await
            .status(),
        403
    );

    assert_eq!(
        send_json(&alice, Method::PUT, &path, &policy(true))
            .await
            .status(),
        200
    );
    let (secret, id) = link(&bob, &task, json!({"expires_in_days": 1})).await;
    assert_eq!(open(&app, &secret).await.status(), 200);
    assert_eq!(links(&bob, &task).await["links"][0]["created_by"], "bob");
    assert_eq!(
        create_link(&carol, &task, json!({"expires_in_days": 1}))
            .await
            .status(),
        403
    );
    assert_eq!(revoke_link(&carol, &id).await.status(), 403);

    assert_eq!(
        send_json(&alice, Method::PUT, &path, &policy(false))
            .await
            .status(),
        200
    );
    assert_eq!(revoke_link(&bob, &id).await.status(), 403);
    assert_eq!(links(&alice, &task).await["editors_may_create"], false);
    assert_eq!(
        open(&app, &secret).await.status(),
        200,
        "the owner's to revoke"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_passphrase_link_opens_only_with_its_passphrase(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let res = create_link(
        &alice,
        &task,
        json!({"expires_in_days": 1, "passphrase": "short"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let body = json!({"expires_in_days": 1, "passphrase": "会議の合言葉です"});
    let (secret, _) = link(&alice, &task, body).await;

    let res = open(&app, &secret).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "passphrase_required");
    let res = open_at(&app, "view", &secret, Some("会議の合言葉でした")).await;
    assert_eq!(error_code(res).await, "passphrase_required");
    assert_eq!(
        open_at(&app, "recording", &secret, None).await.status(),
        401
    );
    assert_eq!(
        open_at(&app, "view", &secret, Some("会議の合言葉です"))
            .await
            .status(),
        200
    );
    assert_eq!(
        open_at(&app, "recording", &secret, Some("会議の合言葉です"))
            .await
            .status(),
        200
    );

    let shown = &links(&alice, &task).await["links"][0];
    assert_eq!(shown["has_passphrase"], true);
    assert_eq!(shown["view_count"], 1, "only the opening that got through");
    let stored: String = sqlx::query_scalar("SELECT passphrase_hash FROM share_links")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_token_manages_links_with_shares_write_only(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task = completed(&app, &alice).await;
    let reader = Script::new(&app, &token(&alice, &["tasks:read"]).await);
    let sharer = Script::new(&app, &token(&alice, &["shares:write"]).await);
    let path = format!("/api/tasks/{task}/links");

    let res = reader
        .request(Method::POST, &path)
        .json(&json!({"expires_in_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "insufficient_scope");

    let res = sharer
        .request(Method::POST, &path)
        .json(&json!({"expires_in_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(sharer.get(&path).await.status(), 200);
    let id = created["link"]["id"].as_str().unwrap();
    assert_eq!(
        sharer
            .send(Method::DELETE, &format!("/api/links/{id}"))
            .await
            .status(),
        204
    );
    assert_eq!(
        open(&app, created["secret"].as_str().unwrap())
            .await
            .status(),
        404
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_link_page_is_the_app_kept_out_of_search_engines_and_referrers(db: PgPool) {
    let app = spawn_app(db).await;
    let res = reqwest::get(app.url("/l")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-robots-tag"], "noindex, nofollow");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert!(res.headers().get("set-cookie").is_none());
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
}
