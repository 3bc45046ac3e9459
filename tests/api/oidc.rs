//! Single sign-on against a real, certified OpenID Provider
//! (`oidc_provider`): signing in and first-time account creation, linking,
//! and the attacks — a wrong `state`, a replayed callback and code, a
//! callback finished in another browser, an expired ID token — plus a key
//! rotation, the claim→admin mapping, the disable check, anonymous tasks
//! adopted and a new series (no fixation).

use reqwest::Url;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{error_code, spawn_app},
    oidc_provider::{
        NAME, Person, app_with_provider, finish, sign_in, sso_browser, start_url, to_callback,
    },
    people::{PASSWORD, admin},
};

fn person<'a>(account: &'a str, username: &'a str, email: &'a str) -> Person<'a> {
    Person {
        account,
        username: Some(username),
        email: Some(email),
        ..Person::default()
    }
}

/// `url` with its query parameter `name` set to `value`.
fn with_param(url: &Url, name: &str, value: &str) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut changed = url.clone();
    changed.query_pairs_mut().clear().extend_pairs(pairs);
    changed
}

async fn me(b: &crate::helpers::Browser) -> Value {
    let res = b.me().await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_first_sign_in_creates_the_account_in_a_new_series_that_adopts_anonymous_tasks(
    db: PgPool,
) {
    let (app, _provider) = app_with_provider(db, 0, |_| {}).await;
    let b = sso_browser(&app);
    b.session().await;
    let task = b.upload_ok("notes.txt", "we agreed").await;
    let anonymous_sid = b.cookies().sid.unwrap();

    let to = sign_in(&b, person("idp-ada", "ada", "ada@example.test")).await;
    assert_eq!(to, "/#/");
    let ada = me(&b).await;
    assert_eq!(ada["username"], "ada");
    assert_eq!(ada["email"], "ada@example.test");
    // A new series: the anonymous session ID the browser had is dead.
    assert_ne!(b.cookies().sid.unwrap(), anonymous_sid);
    let old = app.replay(Some(&anonymous_sid), None, None);
    assert_eq!(old.me().await.status(), 401);
    let tasks = b.tasks().await;
    assert_eq!(tasks["tasks"][0]["task_id"], task["task_id"], "adopted");
    let method: String = sqlx::query_scalar(
        "SELECT detail->>'method' FROM audit_events WHERE kind = 'login_succeeded'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(method, "oidc");

    // The account has no password: password sign-in and re-authentication
    // say so.
    let res = app.browser().login("ada", "any password at all").await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "password_not_set");
    let body = json!({ "password": "any password at all" });
    let res = b.post_json("/api/auth/reauthenticate", &body).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "password_not_set");
    // Signing in again finds the same account by its identity.
    let again = sso_browser(&app);
    assert_eq!(sign_in(&again, Person::new("idp-ada")).await, "/#/");
    assert_eq!(me(&again).await["id"], ada["id"]);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_first_sign_in_is_refused_when_sign_up_is_not_allowed(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |p| p.allow_signup = false).await;
    let b = sso_browser(&app);
    let to = sign_in(&b, person("idp-ada", "ada", "ada@example.test")).await;
    assert_eq!(to, "/#/login?oidc_error=oidc_no_account");
    assert_eq!(b.me().await.status(), 401);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_first_sign_in_with_an_existing_accounts_email_is_refused_not_linked(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |_| {}).await;
    let owner = app.browser();
    owner.session().await;
    let body = json!({ "username": "ada", "email": "Ada@Example.test", "password": PASSWORD });
    assert_eq!(
        owner.post_json("/api/auth/register", &body).await.status(),
        201
    );

    let attacker = sso_browser(&app);
    let to = sign_in(
        &attacker,
        person("idp-mallory", "mallory", "ada@example.test"),
    )
    .await;
    assert_eq!(to, "/#/login?oidc_error=oidc_email_taken");
    assert_eq!(attacker.me().await.status(), 401);
    assert_eq!(app.count("SELECT count(*) FROM user_identities").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_signed_in_account_links_the_provider_then_signs_in_by_it(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |p| p.allow_signup = false).await;
    let b = sso_browser(&app);
    b.session().await;
    assert_eq!(b.register("ada", PASSWORD).await.status(), 201);
    let res = b.post(&format!("/api/auth/oidc/{NAME}/link")).await;
    assert_eq!(res.status(), 200);
    let link: Value = res.json().await.unwrap();
    let url = link["authorization_url"].as_str().unwrap().parse().unwrap();
    let callback = to_callback(&b, url, Person::new("idp-ada")).await;
    assert_eq!(finish(&b, callback).await, "/#/account?oidc_linked=test");
    let listed: Value = b.get("/api/account/identities").await.json().await.unwrap();
    assert_eq!(listed["has_password"], true);
    assert_eq!(listed["identities"][0]["provider"], NAME);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'identity_linked'")
            .await,
        1
    );

    let elsewhere = sso_browser(&app);
    assert_eq!(sign_in(&elsewhere, Person::new("idp-ada")).await, "/#/");
    assert_eq!(me(&elsewhere).await["username"], "ada");

    // With a password left, the identity may go; then it signs in no more.
    let res = b.delete(&format!("/api/account/identities/{NAME}")).await;
    assert_eq!(res.status(), 204);
    let res = b.delete(&format!("/api/account/identities/{NAME}")).await;
    assert_eq!(error_code(res).await, "identity_not_found");
    let later = sso_browser(&app);
    let to = sign_in(&later, Person::new("idp-ada")).await;
    assert_eq!(to, "/#/login?oidc_error=oidc_no_account");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_only_identity_of_an_account_without_a_password_cannot_be_removed(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |_| {}).await;
    let b = sso_browser(&app);
    assert_eq!(sign_in(&b, Person::new("idp-ada")).await, "/#/");
    let listed: Value = b.get("/api/account/identities").await.json().await.unwrap();
    assert_eq!(listed["has_password"], false);
    let res = b.delete(&format!("/api/account/identities/{NAME}")).await;
    assert_eq!(res.status(), 409);
    assert_eq!(error_code(res).await, "last_sign_in_method");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_callback_with_a_wrong_state_is_refused(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |_| {}).await;
    let b = sso_browser(&app);
    let callback = to_callback(&b, start_url(&b), Person::new("idp-ada")).await;
    let forged = with_param(&callback, "state", "forged");
    assert_eq!(
        finish(&b, forged).await,
        "/#/login?oidc_error=oidc_state_invalid"
    );
    assert_eq!(b.me().await.status(), 401);
    // The real state still works: the refusal was the state's.
    assert_eq!(finish(&b, callback).await, "/#/");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_replayed_callback_or_code_is_refused(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |_| {}).await;
    let b = sso_browser(&app);
    let first = to_callback(&b, start_url(&b), Person::new("idp-ada")).await;
    assert_eq!(finish(&b, first.clone()).await, "/#/");
    // The same callback again: its state was used.
    assert_eq!(
        finish(&b, first.clone()).await,
        "/#/login?oidc_error=oidc_state_invalid"
    );

    // The used code with a new, valid state: the provider refuses the code.
    let second = to_callback(&b, start_url(&b), Person::new("idp-ada")).await;
    let code = first
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let replayed = with_param(&second, "code", &code);
    assert_eq!(
        finish(&b, replayed).await,
        "/#/login?oidc_error=oidc_code_refused"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_callback_carried_to_another_browser_is_refused(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |_| {}).await;
    let attacker = sso_browser(&app);
    let callback = to_callback(&attacker, start_url(&attacker), Person::new("idp-mallory")).await;
    let victim = sso_browser(&app);
    victim.session().await;
    let to = finish(&victim, callback).await;
    assert_eq!(to, "/#/login?oidc_error=oidc_state_invalid");
    assert_eq!(
        victim.me().await.status(),
        401,
        "not signed in as the attacker"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_expired_id_token_is_refused(db: PgPool) {
    // The provider's clock is 15 minutes behind and its ID tokens live 60 s.
    let (app, _provider) = app_with_provider(db, -900, |_| {}).await;
    let b = sso_browser(&app);
    let to = sign_in(&b, Person::new("idp-ada")).await;
    assert_eq!(to, "/#/login?oidc_error=oidc_token_invalid");
    assert_eq!(b.me().await.status(), 401);
    assert_eq!(app.count("SELECT count(*) FROM users").await, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_provider_key_rotation_is_accepted_after_reading_the_jwks_again(db: PgPool) {
    let (app, provider) = app_with_provider(db, 0, |_| {}).await;
    assert_eq!(
        sign_in(&sso_browser(&app), Person::new("idp-ada")).await,
        "/#/"
    );
    assert_eq!(
        sign_in(&sso_browser(&app), Person::new("idp-ada")).await,
        "/#/"
    );
    let reads = provider.jwks_reads().await;
    assert_eq!(reads, 1, "the JWKS is kept between sign-ins");

    provider.rotate_key().await;
    let b = sso_browser(&app);
    assert_eq!(sign_in(&b, Person::new("idp-ada")).await, "/#/");
    assert_eq!(me(&b).await["username"], "idp-ada");
    assert_eq!(provider.jwks_reads().await, reads + 1, "read again once");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_admin_claim_grants_and_removes_the_admin_role_at_each_sign_in(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |p| {
        p.admin_claim = Some("groups".into());
        p.admin_values = vec!["minutes-admins".into()];
    })
    .await;
    admin(&app, "root").await;
    let with_group = Person {
        groups: "staff,minutes-admins",
        ..Person::new("idp-eve")
    };
    let b = sso_browser(&app);
    assert_eq!(sign_in(&b, with_group).await, "/#/");
    assert_eq!(me(&b).await["roles"], json!(["admin", "member"]));
    assert_eq!(b.get("/api/admin/users").await.status(), 200);

    let without = Person {
        groups: "staff",
        ..Person::new("idp-eve")
    };
    let later = sso_browser(&app);
    assert_eq!(sign_in(&later, without).await, "/#/");
    assert_eq!(me(&later).await["roles"], json!(["member"]));
    assert_eq!(later.get("/api/admin/users").await.status(), 403);
    let audited = "SELECT count(*) FROM audit_events
                   WHERE kind IN ('role_granted', 'role_removed') AND subject = 'idp-eve'";
    assert_eq!(app.count(audited).await, 2);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_disabled_account_cannot_sign_in_through_the_provider(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |_| {}).await;
    assert_eq!(
        sign_in(&sso_browser(&app), Person::new("idp-ada")).await,
        "/#/"
    );
    sqlx::query("UPDATE users SET disabled_at = now()")
        .execute(&app.db)
        .await
        .unwrap();
    let b = sso_browser(&app);
    let to = sign_in(&b, Person::new("idp-ada")).await;
    assert_eq!(to, "/#/login?oidc_error=account_disabled");
    assert_eq!(b.me().await.status(), 401);
    let refused = "SELECT count(*) FROM audit_events
                   WHERE kind = 'login_failed' AND detail->>'method' = 'oidc'";
    assert_eq!(app.count(refused).await, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_providers_are_listed_and_an_unknown_one_is_not_found(db: PgPool) {
    let (app, _provider) = app_with_provider(db, 0, |_| {}).await;
    let b = app.browser();
    let listed: Value = b
        .get("/api/auth/oidc/providers")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed,
        json!([{ "name": NAME, "display_name": "Test provider" }])
    );
    let res = b.get("/api/auth/oidc/nope/start").await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "oidc_provider_not_found");
    // Without providers the list is empty.
    let plain = spawn_app(app.db.clone()).await;
    let listed: Value = plain
        .browser()
        .get("/api/auth/oidc/providers")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
}
