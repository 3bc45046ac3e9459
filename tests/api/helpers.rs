//! `spawn_app`: the real server on 127.0.0.1:0 over a test's own database,
//! and the shared black-box client (`tests/common/`) pointed at it.

use std::{
    path::PathBuf,
    sync::{Arc, Once},
};

use minutes::{
    app::{self, AppState},
    config::Settings,
};
use reqwest::Url;
use serde_json::Value;
use sqlx::PgPool;
use tokio::net::TcpListener;

pub use crate::common::browser::{Browser, WAV, error_code};

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

/// Names a transcription backend (nothing listens there), so the server
/// accepts recordings; for tests of uploads and storage, not of processing.
pub fn accept_recordings(settings: &mut Settings) {
    settings.processing.transcription.base_url = Some("http://127.0.0.1:9".into());
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
        Browser::new(self.base.clone(), reqwest::Client::builder())
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

impl TestApp {
    /// In-process webhook deliverers; they stop when the set is dropped.
    pub fn start_deliverers(&self) -> TestWorkers {
        let deliverer = minutes::webhooks::Deliverer {
            db: self.db.clone(),
            settings: self.settings.webhooks.clone(),
            sealer: self.state.webhook_sealer.clone(),
        };
        let shutdown = tokio_util::sync::CancellationToken::new();
        TestWorkers {
            _running: minutes::webhooks::spawn(Arc::new(deliverer), shutdown),
        }
    }
}
