//! The running cluster as `scripts/test-cluster` describes it in the
//! environment: its addresses, the launchers in `target/cluster/` that stop
//! and start its processes, its database and bucket seen from outside, the
//! fake ASR backend its instances were pointed at, and the checks' tally.

use std::{
    collections::BTreeSet,
    fmt::Display,
    path::PathBuf,
    process::Command,
    sync::Mutex,
    time::{Duration, Instant},
};

use reqwest::{
    Url,
    header::{HeaderMap, HeaderValue, ORIGIN},
};
use sqlx::{PgPool, postgres::PgPoolOptions};

use crate::common::{
    browser::Browser,
    fake_openai::{FakeOpenAi, whisper_json},
};

pub const TRANSCRIPT: &str =
    "We agreed to ship the cluster test.\nCarol will write the docs by Monday.\n";

/// The password scripts/test-cluster gave each account it created.
pub fn password(user: &str) -> String {
    format!("{user}-password-cluster")
}

pub fn say(msg: impl Display) {
    println!("    {msg}");
}

pub struct Cluster {
    pub lb: Url,
    /// The instances by name (A, B, C), in order.
    instances: Vec<(String, Url)>,
    /// target/cluster: each process's NAME.sh launcher, NAME.pid and NAME.log.
    state: PathBuf,
    bucket: Url,
    pub db: PgPool,
    pub asr: FakeOpenAi,
    http: reqwest::Client,
    failures: Mutex<Vec<String>>,
}

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is unset: scripts/test-cluster runs these tests"))
}

impl Cluster {
    /// The cluster in `MINUTES_CLUSTER_*` and `DATABASE_URL`; starts the fake
    /// ASR backend on the port the instances call.
    pub async fn from_env() -> Self {
        let instances = var("MINUTES_CLUSTER_INSTANCES")
            .split(',')
            .map(|entry| {
                let (name, url) = entry.split_once('=').expect("NAME=URL");
                (name.to_owned(), url.parse().unwrap())
            })
            .collect();
        let db = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&var("DATABASE_URL"))
            .await
            .unwrap();
        let (asr, _) = FakeOpenAi::start_on(var("MINUTES_CLUSTER_ASR_PORT").parse().unwrap()).await;
        asr.reply_always(
            200,
            whisper_json(&[
                (0.0, 4.0, "We agreed to run three instances."),
                (4.0, 8.0, "Carol will watch the load balancer."),
            ]),
        );
        Cluster {
            lb: var("MINUTES_CLUSTER_LB").parse().unwrap(),
            instances,
            state: var("MINUTES_CLUSTER_STATE").into(),
            bucket: var("MINUTES_CLUSTER_S3").parse().unwrap(),
            db,
            asr,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            failures: Mutex::default(),
        }
    }

    pub fn instances(&self) -> &[(String, Url)] {
        &self.instances
    }

    pub fn url(&self, name: &str) -> &Url {
        let found = self.instances.iter().find(|(n, _)| n == name);
        &found.unwrap_or_else(|| panic!("no instance {name}")).1
    }

    /// A new browser at the balancer, sending the Origin a page of the
    /// service sends; `at` points it at one instance.
    pub fn browser(&self) -> Browser {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.origin()).unwrap());
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(60));
        Browser::new(self.lb.clone(), client)
    }

    /// The Origin header value the service's pages send.
    pub fn origin(&self) -> String {
        self.lb.origin().ascii_serialization()
    }

    /// One finding of a check, printed ok or FAIL; failures are counted at
    /// the end.
    pub fn expect(&self, ok: bool, what: impl Display) -> bool {
        println!("    [{}] {what}", if ok { "ok" } else { "FAIL" });
        if !ok {
            self.failures.lock().unwrap().push(what.to_string());
        }
        ok
    }

    pub fn failures(&self) -> Vec<String> {
        self.failures.lock().unwrap().clone()
    }
}

/// The processes, through the launchers scripts/test-cluster wrote.
impl Cluster {
    pub fn pid(&self, name: &str) -> u32 {
        let path = self.state.join(format!("{name}.pid"));
        let text = std::fs::read_to_string(&path).unwrap();
        text.trim().parse().unwrap()
    }

    /// Runs `target/cluster/NAME.sh`: starts process NAME again, or for
    /// `pg-stop` and `pg-start` stops or starts PostgreSQL. Awaited, not
    /// blocking: requests under way go on meanwhile.
    pub async fn launch(&self, name: &str) {
        let script = self.state.join(format!("{name}.sh"));
        let status = tokio::process::Command::new(&script)
            .status()
            .await
            .unwrap();
        assert!(status.success(), "{} failed: {status}", script.display());
    }

    /// Sends `signal` (KILL, TERM) to process NAME; returns its pid.
    pub fn signal(&self, name: &str, signal: &str) -> u32 {
        let pid = self.pid(name);
        let status = Command::new("kill")
            .args(["-s", signal, &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -s {signal} {name} ({pid})");
        pid
    }

    /// Whether process `pid` still runs (a zombie has exited).
    pub fn alive(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| {
                let state = stat.rsplit_once(") ")?.1.chars().next()?;
                Some(state != 'Z')
            })
            .unwrap_or(false)
    }

    /// The instance whose log names `worker` (workers log their names at start).
    pub fn instance_of_worker(&self, worker: &str) -> Option<String> {
        self.instances.iter().find_map(|(name, _)| {
            let log = std::fs::read(self.state.join(format!("{name}.log"))).ok()?;
            String::from_utf8_lossy(&log)
                .contains(worker)
                .then(|| name.clone())
        })
    }

    /// Polls `base`'s `/readyz` until it answers 200.
    pub async fn wait_ready(&self, base: &Url, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            let res = self.http.get(base.join("/readyz").unwrap()).send().await;
            if res.is_ok_and(|r| r.status() == 200) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        false
    }
}

/// The database's side of the story.
impl Cluster {
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db).await.unwrap()
    }

    /// The task's status, or "missing".
    pub async fn status(&self, task_id: &str) -> String {
        sqlx::query_scalar("SELECT status FROM tasks WHERE id = $1::uuid")
            .bind(task_id)
            .fetch_optional(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| "missing".into())
    }

    /// Polls the task until it is completed or failed; its last status.
    pub async fn wait_task(&self, task_id: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            let status = self.status(task_id).await;
            if status == "completed" || status == "failed" {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        self.status(task_id).await
    }

    pub async fn revisions(&self, task_id: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM minutes_revisions WHERE task_id = $1::uuid")
            .bind(task_id)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    pub async fn job_rows(&self, task_id: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM jobs WHERE task_id = $1::uuid")
            .bind(task_id)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// The worker holding the task's job, if one does.
    pub async fn job_holder(&self, task_id: &str) -> Option<String> {
        sqlx::query_scalar("SELECT locked_by FROM jobs WHERE task_id = $1::uuid")
            .bind(task_id)
            .fetch_optional(&self.db)
            .await
            .unwrap()
            .flatten()
    }
}

/// The bucket's side, asked over plain HTTP: moto answers unsigned
/// requests, and object_store has no listing of multipart uploads.
impl Cluster {
    async fn bucket(&self, query: &str) -> String {
        let mut url = self.bucket.clone();
        url.set_query(Some(query));
        let res = self.http.get(url).send().await.unwrap();
        res.error_for_status().unwrap().text().await.unwrap()
    }

    /// The keys of the objects in the bucket.
    pub async fn objects(&self) -> BTreeSet<String> {
        let listing = self.bucket("list-type=2").await;
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|s| s.split_once("</Key>").map(|(key, _)| key.to_owned()))
            .collect()
    }

    /// How many multipart uploads are in progress in the bucket.
    pub async fn multipart_uploads(&self) -> usize {
        self.bucket("uploads").await.matches("<Upload>").count()
    }

    /// Creates the bucket; false while the S3 server does not answer.
    pub async fn create_bucket(&self) -> bool {
        self.http.put(self.bucket.clone()).send().await.is_ok()
    }
}
