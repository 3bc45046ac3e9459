//! `spawn_app` and a cookie-aware `Browser` with one method per endpoint.

use std::sync::{Arc, Mutex, Once};

use minutes::{
    app::{self, AppState},
    config::Settings,
};
use reqwest::{Method, RequestBuilder, Response, Url, cookie::CookieStore, cookie::Jar};
use serde_json::Value;
use sqlx::PgPool;
use tokio::net::TcpListener;

pub struct TestApp {
    pub base: Url,
    pub db: PgPool,
    pub settings: Settings,
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber_init();
        }
    });
}

fn tracing_subscriber_init() -> anyhow::Result<()> {
    let settings = test_settings(|_| {});
    minutes::telemetry::init(&settings.log)
}

/// The `test` profile from `config/`, adjusted by `tweak`.
pub fn test_settings(tweak: impl FnOnce(&mut Settings)) -> Settings {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/config");
    let mut settings =
        Settings::from_figment(Settings::figment(dir, "test")).expect("the test profile loads");
    tweak(&mut settings);
    settings
}

pub async fn spawn_app(db: PgPool) -> TestApp {
    spawn_app_with(db, |_| {}).await
}

pub async fn spawn_app_with(db: PgPool, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    init_logs();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = test_settings(|s| {
        s.server.public_origin = format!("http://{addr}");
        tweak(s);
    });
    let state = AppState::new(settings.clone(), db.clone()).unwrap();
    tokio::spawn(app::serve(listener, state, std::future::pending()));
    TestApp {
        base: format!("http://{addr}").parse().unwrap(),
        db,
        settings,
    }
}

impl TestApp {
    /// A new browser: its own cookie jar, nothing shared with any other.
    pub fn browser(&self) -> Browser {
        let jar = Arc::new(Jar::default());
        Browser {
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .build()
                .unwrap(),
            jar,
            base: self.base.clone(),
            csrf: Mutex::new(None),
        }
    }

    pub fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db).await.unwrap()
    }
}

pub struct Browser {
    pub client: reqwest::Client,
    jar: Arc<Jar>,
    base: Url,
    csrf: Mutex<Option<String>>,
}

pub struct Cookies {
    pub sid: Option<String>,
    pub rt: Option<String>,
}

impl Browser {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut req = self.client.request(method, self.base.join(path).unwrap());
        if let Some(token) = self.csrf.lock().unwrap().clone() {
            req = req.header("x-csrf-token", token);
        }
        req
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn post(&self, path: &str) -> Response {
        self.request(Method::POST, path).send().await.unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path).send().await.unwrap()
    }

    /// `GET /api/session`, remembering the CSRF token for later unsafe requests.
    pub async fn session(&self) -> Value {
        let res = self.get("/api/session").await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        self.set_csrf(body["csrf_token"].as_str());
        body
    }

    pub async fn refresh(&self) -> Response {
        self.post("/api/session/refresh").await
    }

    pub async fn sessions(&self) -> Value {
        let res = self.get("/api/sessions").await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    pub fn set_csrf(&self, token: Option<&str>) {
        *self.csrf.lock().unwrap() = token.map(str::to_owned);
    }

    /// The session cookies this browser would send now.
    pub fn cookies(&self) -> Cookies {
        let header = self
            .jar
            .cookies(&self.base)
            .map(|h| h.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let get = |name: &str| {
            header
                .split("; ")
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .map(str::to_owned)
        };
        Cookies {
            sid: get("sid"),
            rt: get("rt"),
        }
    }

    /// Sets cookies as an attacker (or a restored backup) would.
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &self.base);
    }

    pub fn drop_cookie(&self, name: &str) {
        self.jar
            .add_cookie_str(&format!("{name}=; Path=/; Max-Age=0"), &self.base);
    }
}

/// The `error.code` of a JSON error response.
pub async fn error_code(res: Response) -> String {
    let body: Value = res.json().await.unwrap();
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
