//! `spawn_app` and a cookie-aware `Browser` with one method per endpoint.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex, Once},
};

use minutes::{
    app::{self, AppState},
    config::Settings,
};
use reqwest::{
    Method, RequestBuilder, Response, Url,
    cookie::{CookieStore, Jar},
    multipart::{Form, Part},
};
use serde_json::Value;
use sqlx::PgPool;
use tokio::net::TcpListener;

/// A minimal WAV file: the RIFF/WAVE header and an empty data chunk.
pub const WAV: &[u8] =
    b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0\x02\0\x10\0data\0\0\0\0";

pub struct TestApp {
    pub base: Url,
    pub db: PgPool,
    pub settings: Settings,
    /// The running instance's state, to look inside it (counters, its
    /// session cache).
    pub state: AppState,
    /// This app's own upload store, removed when the test ends.
    pub upload_dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.upload_dir);
    }
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
    let upload_dir = std::env::temp_dir().join(format!("minutes-test-{}", uuid::Uuid::new_v4()));
    let settings = test_settings(|s| {
        s.server.public_origin = format!("http://{addr}");
        s.storage.dir = upload_dir.clone();
        tweak(s);
    });
    let state = AppState::new(settings.clone(), db.clone()).unwrap();
    tokio::spawn(app::serve(listener, state.clone(), std::future::pending()));
    TestApp {
        base: format!("http://{addr}").parse().unwrap(),
        db,
        settings,
        state,
        upload_dir,
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

    /// A fresh browser holding exactly these cookies and CSRF token, as a
    /// second tab, a restored backup or a thief would.
    pub fn replay(&self, sid: Option<&str>, rt: Option<&str>, csrf: Option<&str>) -> Browser {
        let b = self.browser();
        for (name, value) in [("sid", sid), ("rt", rt)] {
            if let Some(value) = value {
                b.set_cookie(name, value);
            }
        }
        b.set_csrf(csrf);
        b
    }

    /// The served OpenAPI document.
    pub async fn openapi(&self) -> Value {
        self.browser()
            .get("/api/openapi.json")
            .await
            .json()
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db).await.unwrap()
    }

    /// A handle on this app's upload store, as another process would open it.
    pub fn uploads(&self) -> Arc<minutes::storage::Uploads> {
        minutes::storage::Uploads::from_settings(&self.settings.storage).unwrap()
    }

    /// Runs the session purge once, against this app's upload store.
    pub async fn purge(&self) -> minutes::retention::PurgeReport {
        minutes::retention::purge(&self.db, &self.settings, &self.uploads())
            .await
            .unwrap()
    }

    /// A failed task's `error_detail`, which the API shows admins only.
    pub async fn error_detail(&self, task_id: &str) -> String {
        sqlx::query_scalar("SELECT error_detail FROM tasks WHERE id = $1::uuid")
            .bind(task_id)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// Names of the files in the upload store, sorted.
    pub fn stored_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.upload_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
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

    /// `POST /api/upload` with `bytes` as the multipart field `file`.
    pub async fn upload(&self, filename: &str, content_type: &str, bytes: &[u8]) -> Response {
        let part = Part::bytes(bytes.to_vec())
            .file_name(filename.to_owned())
            .mime_str(content_type)
            .unwrap();
        self.upload_form(Form::new().part("file", part)).await
    }

    pub async fn upload_form(&self, form: Form) -> Response {
        self.request(Method::POST, "/api/upload")
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Uploads a small transcript, expecting 201; returns the Task.
    pub async fn upload_ok(&self, filename: &str, text: &str) -> Value {
        let res = self.upload(filename, "text/plain", text.as_bytes()).await;
        assert_eq!(res.status(), 201, "{filename}");
        res.json().await.unwrap()
    }

    /// `GET /api/tasks` with a query string such as `?limit=2`.
    pub async fn tasks_page(&self, query: &str) -> Response {
        self.get(&format!("/api/tasks{query}")).await
    }

    pub async fn tasks(&self) -> Value {
        let res = self.tasks_page("").await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    pub async fn task(&self, task_id: &str) -> Response {
        self.get(&format!("/api/tasks/{task_id}")).await
    }

    pub async fn delete_task(&self, task_id: &str) -> Response {
        self.delete(&format!("/api/tasks/{task_id}")).await
    }

    pub async fn media(&self, task_id: &str) -> Response {
        self.get(&format!("/api/tasks/{task_id}/media")).await
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

/// Accounts.
impl TestApp {
    /// An account made as `minutes user create` makes it; nobody logged in.
    pub async fn create_user(&self, username: &str, password: &str) -> minutes::auth::User {
        let new = minutes::auth::NewAccount {
            username: username.to_owned(),
            email: None,
            password: password.to_owned(),
            admin: false,
        };
        minutes::auth::create_user(&self.db, &self.settings.auth, new)
            .await
            .unwrap()
    }
}

/// Accounts (`/api/auth/*`). A success that starts a new series fetches its
/// CSRF token at once, as the frontend does.
impl Browser {
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn with_new_series(&self, res: Response) -> Response {
        if res.status().is_success() {
            self.session().await;
        }
        res
    }

    pub async fn register(&self, username: &str, password: &str) -> Response {
        let body = serde_json::json!({ "username": username, "password": password });
        let res = self.post_json("/api/auth/register", &body).await;
        self.with_new_series(res).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        let body = serde_json::json!({ "username": username, "password": password });
        let res = self.post_json("/api/auth/login", &body).await;
        self.with_new_series(res).await
    }

    pub async fn logout(&self) -> Response {
        self.post("/api/auth/logout").await
    }

    pub async fn me(&self) -> Response {
        self.get("/api/auth/me").await
    }

    pub async fn change_password(&self, current: &str, new: &str) -> Response {
        let body = serde_json::json!({ "current_password": current, "new_password": new });
        let res = self.post_json("/api/auth/password", &body).await;
        self.with_new_series(res).await
    }
}

/// In-process processing workers for one test app; they stop when dropped.
/// Holding the set keeps them running; dropping it aborts them.
pub struct TestWorkers {
    _running: tokio::task::JoinSet<()>,
}

impl TestApp {
    pub fn start_workers(&self, count: usize) -> TestWorkers {
        let uploads = self.uploads();
        let processor =
            minutes::jobs::Processor::new(&self.settings.processing, self.db.clone(), uploads);
        let shutdown = tokio_util::sync::CancellationToken::new();
        TestWorkers {
            _running: minutes::jobs::worker::spawn(Arc::new(processor), count, shutdown),
        }
    }
}

impl Browser {
    /// Polls the task until it is completed or failed (30 s at most).
    pub async fn finished_task(&self, task_id: &str) -> Value {
        for _ in 0..300 {
            let task: Value = self.task(task_id).await.json().await.unwrap();
            if task["status"] == "completed" || task["status"] == "failed" {
                return task;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("task {task_id} did not finish within 30 s");
    }

    pub async fn minutes(&self, task_id: &str, format: &str) -> Response {
        self.get(&format!("/api/tasks/{task_id}/minutes?format={format}"))
            .await
    }
}
