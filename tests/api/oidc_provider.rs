//! The real OpenID Provider the single sign-on tests sign in at:
//! `tests/oidc-provider/server.mjs` (panva's oidc-provider, installed by
//! `scripts/test` with `npm ci`), one process per test on a free loopback
//! port, and a browser that goes through its sign-in page as a person
//! would: follows every redirect, fills in the provider's form, and stops
//! at the app's callback answer to read where it sends the page.

use std::{process::Stdio, time::Duration};

use minutes::config::{OidcProviderSettings, Settings};
use reqwest::{Url, redirect::Policy};
use serde_json::Value;
use sqlx::PgPool;
use tokio::{
    io::AsyncReadExt as _,
    process::{Child, Command},
};

use crate::helpers::{Browser, TestApp, spawn_app_with};

/// The provider's name in the app's configuration.
pub const NAME: &str = "test";

pub struct TestProvider {
    process: Child,
    pub issuer: String,
    http: reqwest::Client,
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The app's settings for a provider at `issuer`.
pub fn provider_settings(issuer: &str) -> OidcProviderSettings {
    OidcProviderSettings {
        issuer: issuer.to_owned(),
        client_id: "minutes".into(),
        client_secret: Some("minutes-secret".to_owned().into()),
        scopes: ["openid", "email", "profile"].map(String::from).to_vec(),
        display_name: Some("Test provider".into()),
        username_claim: "preferred_username".into(),
        allow_signup: true,
        admin_claim: None,
        admin_values: vec![],
    }
}

/// An app with the provider `test` configured (sign-up allowed, adjusted by
/// `tweak`) and that provider running; `clock_skew_secs` moves the
/// provider's clock (with ID tokens living 60 s when it is not zero).
pub async fn app_with_provider(
    db: PgPool,
    clock_skew_secs: i64,
    tweak: impl FnOnce(&mut OidcProviderSettings),
) -> (TestApp, TestProvider) {
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let mut settings = provider_settings(&issuer);
    tweak(&mut settings);
    let app = spawn_app_with(db, |s: &mut Settings| {
        s.auth.oidc.insert(NAME.into(), settings);
    })
    .await;
    let redirect = app.url(&format!("/api/auth/oidc/{NAME}/callback"));
    let process = Command::new("node")
        .arg("server.mjs")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc-provider"))
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_REDIRECT_URIS", redirect.as_str())
        .env("OIDC_CLOCK_SKEW_SECS", clock_skew_secs.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs tests/oidc-provider/server.mjs (npm ci --prefix tests/oidc-provider)");
    let mut provider = TestProvider {
        process,
        issuer,
        http: reqwest::Client::new(),
    };
    provider.wait_ready().await;
    (app, provider)
}

impl TestProvider {
    /// Polls the discovery document until the provider answers: up to a
    /// minute, since node starts slowly beside a whole parallel test run;
    /// a provider that exits says why.
    async fn wait_ready(&mut self) {
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        for _ in 0..1200 {
            if let Ok(res) = self.http.get(&url).send().await {
                if res.status() == 200 {
                    return;
                }
            }
            if let Ok(Some(status)) = self.process.try_wait() {
                let mut stderr = String::new();
                if let Some(mut pipe) = self.process.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr).await;
                }
                panic!("the test provider exited ({status}): {stderr}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the test provider did not come up at {url} within a minute");
    }

    /// Swaps the provider's signing key for a new one (a new `kid`).
    pub async fn rotate_key(&self) {
        let res = self
            .http
            .post(format!("{}/admin/rotate", self.issuer))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }

    /// How often the provider's JWKS was read.
    pub async fn jwks_reads(&self) -> u64 {
        let stats: Value = self
            .http
            .get(format!("{}/admin/stats", self.issuer))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        stats["jwks"].as_u64().unwrap()
    }
}

/// Who signs in at the provider, and the claims it gives them.
#[derive(Clone, Copy, Default)]
pub struct Person<'a> {
    pub account: &'a str,
    pub email: Option<&'a str>,
    pub username: Option<&'a str>,
    /// Comma-separated.
    pub groups: &'a str,
}

impl<'a> Person<'a> {
    pub fn new(account: &'a str) -> Self {
        Self {
            account,
            ..Self::default()
        }
    }
}

/// A browser that follows redirects, except into the app's callback (so a
/// test may alter what the provider sends back) and out of it (so a test
/// reads where it sends the page).
pub fn sso_browser(app: &TestApp) -> Browser {
    let policy = Policy::custom(|attempt| {
        let callback = |u: &Url| u.path().ends_with("/callback");
        if callback(attempt.url()) || attempt.previous().last().is_some_and(callback) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    Browser::new(
        app.base.clone(),
        reqwest::Client::builder().redirect(policy),
    )
}

/// Goes to `url` (the app's start, or a link's authorization URL), signs
/// in at the provider as `person` if it asks, and returns the callback URL
/// the provider sends the browser to (with its `code` and `state`).
pub async fn to_callback(b: &Browser, url: Url, person: Person<'_>) -> Url {
    let res = b.client.get(url).send().await.unwrap();
    let res = if res.url().path().starts_with("/interaction/") {
        assert_eq!(res.status(), 200, "the provider's sign-in page");
        let action = format!("{}/login", res.url());
        let form = [
            ("login", person.account),
            ("email", person.email.unwrap_or_default()),
            ("username", person.username.unwrap_or_default()),
            ("groups", person.groups),
            ("email_verified", "true"),
        ];
        b.client.post(action).form(&form).send().await.unwrap()
    } else {
        res
    };
    assert!(
        res.status().is_redirection(),
        "{} {}",
        res.status(),
        res.url()
    );
    let to = res.headers()["location"].to_str().unwrap();
    res.url().join(to).unwrap()
}

/// Comes back to the app's callback at `url`; where it sends the page (its
/// `Location`). A sign-in also fetches the new session's CSRF token, as
/// the page does.
pub async fn finish(b: &Browser, url: Url) -> String {
    let res = b.client.get(url).send().await.unwrap();
    assert_eq!(res.status(), 303, "the app's callback answers");
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    if to == "/#/" {
        b.session().await;
    }
    to
}

/// The app's start URL for the provider.
pub fn start_url(b: &Browser) -> Url {
    b.base()
        .join(&format!("/api/auth/oidc/{NAME}/start"))
        .unwrap()
}

/// Signs in through the provider from the login page's button: where the
/// page is sent.
pub async fn sign_in(b: &Browser, person: Person<'_>) -> String {
    let callback = to_callback(b, start_url(b), person).await;
    finish(b, callback).await
}
