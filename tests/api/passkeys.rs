//! Passkeys (WebAuthn), driven by a software authenticator
//! (`webauthn-authenticator-rs`'s `SoftToken`: real P-256 keys, real
//! signatures, attestation and counters) behind a small client that plays
//! the browser's part: it builds the client data for the server's origin,
//! and keeps each credential's user handle so it can answer a username-less
//! request as a discoverable credential would. The server runs on
//! `http://localhost:<port>`, a domain WebAuthn accepts as relying party.

use reqwest::{Method, Response, Url};
use serde_json::{Value, json};
use sqlx::PgPool;
use webauthn_authenticator_rs::{AuthenticatorBackend, softtoken::SoftToken};

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app, spawn_app_with},
    people::{PASSWORD, admin, member, patch_user, send_json, user_id},
};

/// The ceremony cookie's name over plain HTTP.
const CEREMONY_COOKIE: &str = "passkey";

/// The server, its public origin on `localhost`.
async fn spawn(db: PgPool) -> TestApp {
    spawn_app_with(db, |s| {
        s.server.public_origin = s.server.public_origin.replace("127.0.0.1", "localhost");
    })
    .await
}

/// A software authenticator and the browser-side part of WebAuthn.
struct Authenticator {
    token: SoftToken,
    origin: Url,
    /// Each credential made: its id and its user handle (base64url).
    credentials: Vec<(String, String)>,
}

impl Authenticator {
    fn new(app: &TestApp) -> Self {
        let (token, _ca) = SoftToken::new(true).unwrap();
        Self {
            token,
            origin: app.settings.server.public_origin.parse().unwrap(),
            credentials: Vec::new(),
        }
    }

    /// Another authenticator with this one's keys and counter as they are
    /// now: a clone.
    fn cloned(&self) -> Self {
        Self {
            token: SoftToken::from_cbor(&self.token.to_cbor().unwrap()).unwrap(),
            origin: self.origin.clone(),
            credentials: self.credentials.clone(),
        }
    }

    /// `navigator.credentials.create(options)`.
    fn create(&mut self, mut options: Value) -> Value {
        let user_handle = options["publicKey"]["user"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // The server asks for a discoverable credential; the soft token
        // keeps its keys itself, and this client keeps the user handle.
        assert_eq!(
            options["publicKey"]["authenticatorSelection"]["residentKey"],
            "required"
        );
        options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = json!(false);
        let options = serde_json::from_value::<
            webauthn_authenticator_rs::prelude::CreationChallengeResponse,
        >(options)
        .unwrap();
        let credential = self
            .token
            .perform_register(self.origin.clone(), options.public_key, 60_000)
            .unwrap();
        let credential = serde_json::to_value(credential).unwrap();
        let id = credential["id"].as_str().unwrap().to_owned();
        self.credentials.push((id, user_handle));
        credential
    }

    /// `navigator.credentials.get(options)` with no credentials listed, the
    /// user picking credential `which`.
    fn get(&mut self, mut options: Value, which: usize) -> Value {
        let public_key = &mut options["publicKey"];
        assert_eq!(
            public_key["allowCredentials"],
            json!([]),
            "a username-less request"
        );
        assert_eq!(public_key["userVerification"], "required");
        let (id, user_handle) = self.credentials[which].clone();
        public_key["allowCredentials"] = json!([{ "type": "public-key", "id": id }]);
        let mut assertion = self.sign(options);
        assertion["response"]["userHandle"] = json!(user_handle);
        assertion
    }

    /// `navigator.credentials.get(options)` as the options list credentials.
    fn sign(&mut self, options: Value) -> Value {
        let options = serde_json::from_value::<
            webauthn_authenticator_rs::prelude::RequestChallengeResponse,
        >(options)
        .unwrap();
        let assertion = self
            .token
            .perform_auth(self.origin.clone(), options.public_key, 60_000)
            .unwrap();
        serde_json::to_value(assertion).unwrap()
    }
}

/// The ceremony cookie a begin gave.
fn ceremony_cookie(res: &Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{CEREMONY_COOKIE}=")))
        .and_then(|v| v.split(';').next())
        .expect("a ceremony cookie")
        .to_owned()
}

/// Registers a passkey named `name` from the signed-in browser `b`.
async fn register(b: &Browser, auth: &mut Authenticator, name: &str) -> Value {
    let begin = b.post("/api/auth/passkeys/register/begin").await;
    assert_eq!(begin.status(), 200);
    let credential = auth.create(begin.json().await.unwrap());
    let body = json!({ "credential": credential, "name": name });
    let res = b
        .post_json("/api/auth/passkeys/register/finish", &body)
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// Signs `b` in with credential `which` of `auth`: the finish's answer.
async fn sign_in(b: &Browser, auth: &mut Authenticator, which: usize) -> Response {
    let begin = b.post("/api/auth/passkeys/sign-in/begin").await;
    assert_eq!(begin.status(), 200);
    let assertion = auth.get(begin.json().await.unwrap(), which);
    let body = json!({ "credential": assertion });
    let res = b
        .post_json("/api/auth/passkeys/sign-in/finish", &body)
        .await;
    if res.status().is_success() {
        b.session().await;
    }
    res
}

/// A browser with a session and no account.
async fn visitor(app: &TestApp) -> Browser {
    let b = app.browser();
    b.session().await;
    b
}

async fn go_stale(app: &TestApp) {
    sqlx::query("UPDATE session_series SET signed_in_at = now() - interval '1 hour'")
        .execute(&app.db)
        .await
        .unwrap();
}

async fn login_events(app: &TestApp, kind: &str) -> Vec<Value> {
    sqlx::query_scalar("SELECT detail FROM audit_events WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_registered_passkey_signs_in_without_a_username_in_a_new_series(db: PgPool) {
    let app = spawn(db).await;
    let ada = member(&app, "ada").await;
    let mut auth = Authenticator::new(&app);
    let made = register(&ada, &mut auth, "  Laptop  ").await;
    assert_eq!(made["name"], "Laptop");
    assert_eq!(made["last_used_at"], Value::Null);
    let listed: Value = ada.get("/api/auth/passkeys").await.json().await.unwrap();
    assert_eq!(listed["passkeys"][0]["id"], made["id"]);

    let b = visitor(&app).await;
    let before = b.cookies().sid.unwrap();
    let res = sign_in(&b, &mut auth, 0).await;
    assert_eq!(res.status(), 200);
    let me: Value = b.me().await.json().await.unwrap();
    assert_eq!(me["username"], "ada");
    // No fixation: the browser's series was replaced, not promoted.
    assert_ne!(b.cookies().sid.unwrap(), before);
    let old = app.replay(Some(&before), None, None);
    assert_eq!(old.me().await.status(), 401);
    let events = login_events(&app, "login_succeeded").await;
    assert_eq!(events.last().unwrap()["method"], "passkey");
    let listed: Value = b.get("/api/auth/passkeys").await.json().await.unwrap();
    assert_ne!(listed["passkeys"][0]["last_used_at"], Value::Null);

    // A passkey sign-in is a fresh one: a sensitive action goes through.
    go_stale(&app).await;
    assert_eq!(sign_in(&b, &mut auth, 0).await.status(), 200);
    let token = json!({ "name": "script", "scopes": ["tasks:read"] });
    assert_eq!(b.post_json("/api/tokens", &token).await.status(), 201);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_removed_passkey_signs_in_no_more(db: PgPool) {
    let app = spawn(db).await;
    let ada = member(&app, "ada").await;
    let mut auth = Authenticator::new(&app);
    let made = register(&ada, &mut auth, "Laptop").await;
    let path = format!("/api/auth/passkeys/{}", made["id"].as_str().unwrap());
    assert_eq!(ada.delete(&path).await.status(), 204);
    let events = login_events(&app, "passkey_removed").await;
    assert_eq!(
        events,
        vec![json!({ "passkey_id": made["id"], "name": "Laptop" })]
    );

    let b = visitor(&app).await;
    let res = sign_in(&b, &mut auth, 0).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "passkey_refused");
    assert_eq!(b.me().await.status(), 401);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_cloned_passkey_whose_counter_goes_back_is_refused_and_audited(db: PgPool) {
    let app = spawn(db).await;
    let ada = member(&app, "ada").await;
    let mut auth = Authenticator::new(&app);
    register(&ada, &mut auth, "Key").await;
    let mut clone = auth.cloned();
    // The original signs in twice: the server has seen counter 2.
    for _ in 0..2 {
        assert_eq!(
            sign_in(&visitor(&app).await, &mut auth, 0).await.status(),
            200
        );
    }
    // The clone's first signature carries counter 1.
    let b = visitor(&app).await;
    let res = sign_in(&b, &mut clone, 0).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "passkey_refused");
    assert_eq!(b.me().await.status(), 401);
    let failed = login_events(&app, "login_failed").await;
    assert_eq!(failed.last().unwrap()["reason"], "passkey_cloned");
    // The original goes on.
    assert_eq!(
        sign_in(&visitor(&app).await, &mut auth, 0).await.status(),
        200
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stale_sign_in_cannot_register_or_remove_a_passkey(db: PgPool) {
    let app = spawn(db).await;
    let ada = member(&app, "ada").await;
    let mut auth = Authenticator::new(&app);
    let made = register(&ada, &mut auth, "Key").await;
    go_stale(&app).await;
    let res = ada.post("/api/auth/passkeys/register/begin").await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "reauthentication_required");
    let path = format!("/api/auth/passkeys/{}", made["id"].as_str().unwrap());
    let res = ada.delete(&path).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "reauthentication_required");
    let left = app.count("SELECT count(*) FROM passkeys").await;
    assert_eq!(left, 1);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_stale_sign_in_signs_in_again_with_its_own_passkey_only(db: PgPool) {
    let app = spawn(db).await;
    let ada = member(&app, "ada").await;
    let mut ada_key = Authenticator::new(&app);
    register(&ada, &mut ada_key, "Ada's key").await;
    let mallory = member(&app, "mallory").await;
    let mut mallory_key = Authenticator::new(&app);
    register(&mallory, &mut mallory_key, "Mallory's key").await;
    go_stale(&app).await;

    // Mallory answers her own request with Ada's passkey.
    let begin = mallory.post("/api/auth/reauthenticate/passkey/begin").await;
    assert_eq!(begin.status(), 200);
    let mut options: Value = begin.json().await.unwrap();
    let (ada_credential, _) = ada_key.credentials[0].clone();
    options["publicKey"]["allowCredentials"] =
        json!([{ "type": "public-key", "id": ada_credential }]);
    let body = json!({ "credential": ada_key.sign(options) });
    let res = mallory
        .post_json("/api/auth/reauthenticate/passkey/finish", &body)
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "passkey_refused");
    let res = mallory.post("/api/auth/passkeys/register/begin").await;
    assert_eq!(res.status(), 403);

    // Ada with her own: fresh again.
    let begin = ada.post("/api/auth/reauthenticate/passkey/begin").await;
    let body = json!({ "credential": ada_key.sign(begin.json().await.unwrap()) });
    let res = ada
        .post_json("/api/auth/reauthenticate/passkey/finish", &body)
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        ada.post("/api/auth/passkeys/register/begin").await.status(),
        200
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_ceremony_is_used_once(db: PgPool) {
    let app = spawn(db).await;
    let ada = member(&app, "ada").await;
    let mut auth = Authenticator::new(&app);
    register(&ada, &mut auth, "Key").await;

    let b = visitor(&app).await;
    let begin = b.post("/api/auth/passkeys/sign-in/begin").await;
    let cookie = ceremony_cookie(&begin);
    let body = json!({ "credential": auth.get(begin.json().await.unwrap(), 0) });
    let first = b
        .post_json("/api/auth/passkeys/sign-in/finish", &body)
        .await;
    assert_eq!(first.status(), 200);

    // The same state and assertion again, from a browser that kept the
    // cookie: the ceremony is gone.
    let thief = visitor(&app).await;
    thief.set_cookie(CEREMONY_COOKIE, &cookie);
    let replay = thief
        .post_json("/api/auth/passkeys/sign-in/finish", &body)
        .await;
    assert_eq!(replay.status(), 401);
    assert_eq!(error_code(replay).await, "passkey_ceremony_expired");
    assert_eq!(thief.me().await.status(), 401);

    // A registration's ceremony is bound to the series that began it.
    let begin = ada.post("/api/auth/passkeys/register/begin").await;
    let cookie = ceremony_cookie(&begin);
    let credential = auth.create(begin.json().await.unwrap());
    let other = app.browser();
    other.session().await;
    assert_eq!(other.login("ada", PASSWORD).await.status(), 200);
    other.set_cookie(CEREMONY_COOKIE, &cookie);
    let body = json!({ "credential": credential });
    let res = other
        .post_json("/api/auth/passkeys/register/finish", &body)
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "passkey_ceremony_expired");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn another_users_passkey_cannot_be_renamed_or_removed(db: PgPool) {
    let app = spawn(db).await;
    let ada = member(&app, "ada").await;
    let mut auth = Authenticator::new(&app);
    let made = register(&ada, &mut auth, "Ada's key").await;
    let path = format!("/api/auth/passkeys/{}", made["id"].as_str().unwrap());

    let mallory = member(&app, "mallory").await;
    let res = send_json(&mallory, Method::PATCH, &path, &json!({ "name": "mine" })).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "passkey_not_found");
    let res = mallory.delete(&path).await;
    assert_eq!(res.status(), 404);
    assert_eq!(error_code(res).await, "passkey_not_found");
    let listed: Value = mallory
        .get("/api/auth/passkeys")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["passkeys"], json!([]));

    let listed: Value = ada.get("/api/auth/passkeys").await.json().await.unwrap();
    assert_eq!(listed["passkeys"][0]["name"], "Ada's key");
    let res = send_json(&ada, Method::PATCH, &path, &json!({ "name": "Phone" })).await;
    assert_eq!(res.status(), 200);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_disabled_account_cannot_sign_in_with_its_passkey(db: PgPool) {
    let app = spawn(db).await;
    let root = admin(&app, "root").await;
    let ada = member(&app, "ada").await;
    let mut auth = Authenticator::new(&app);
    register(&ada, &mut auth, "Key").await;
    let ada_id = user_id(&ada).await;
    let res = patch_user(&root, &ada_id, json!({ "disabled": true })).await;
    assert_eq!(res.status(), 200);

    let b = visitor(&app).await;
    let res = sign_in(&b, &mut auth, 0).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_code(res).await, "account_disabled");
    assert_eq!(b.me().await.status(), 401);
    let live = app
        .count(&format!(
            "SELECT count(*) FROM session_series WHERE user_id = '{ada_id}' AND revoked_at IS NULL"
        ))
        .await;
    assert_eq!(live, 0);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_credential_that_is_no_passkey_is_refused(db: PgPool) {
    let app = spawn(db).await;
    let b = visitor(&app).await;
    assert_eq!(
        b.post("/api/auth/passkeys/sign-in/begin").await.status(),
        200
    );
    let body = json!({ "credential": { "id": "AAAA", "response": {} } });
    let res = b
        .post_json("/api/auth/passkeys/sign-in/finish", &body)
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "passkey_refused");
    // Nor is a signature made for another relying party.
    let ada = member(&app, "ada").await;
    let mut auth = Authenticator::new(&app);
    register(&ada, &mut auth, "Key").await;
    auth.origin = "http://localhost:1".parse().unwrap();
    let res = sign_in(&visitor(&app).await, &mut auth, 0).await;
    assert_eq!(res.status(), 401);
    assert_eq!(error_code(res).await, "passkey_refused");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn passkeys_are_off_when_the_public_origin_is_an_ip_address(db: PgPool) {
    let app = spawn_app(db).await;
    let ada = member(&app, "ada").await;
    for res in [
        ada.post("/api/auth/passkeys/register/begin").await,
        ada.get("/api/auth/passkeys").await,
        ada.post("/api/auth/passkeys/sign-in/begin").await,
    ] {
        assert_eq!(res.status(), 404);
        assert_eq!(error_code(res).await, "passkeys_unavailable");
    }
}
