//! PostgreSQL stopped and started again while four uploaders keep going
//! through nginx: while it is down every instance answers 503
//! `database_unavailable` quickly, every instance recovers on its own,
//! nothing accepted is lost or processed twice, and each instance listens
//! for notifications again.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use futures::future::join_all;
use reqwest::Method;
use serde_json::Value;

use crate::{
    answer::Answer,
    common::browser::Browser,
    harness::{Cluster, TRANSCRIPT, say},
    listen::Listener,
};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Before,
    Down,
    Restarting,
    After,
}

/// A new anonymous browser's upload through nginx, again and again; each
/// answer with the phase it came in.
async fn uploader(
    cl: &Cluster,
    n: usize,
    phase: &Mutex<Phase>,
    stop: &AtomicBool,
    results: &Mutex<Vec<(Phase, Answer)>>,
) {
    while !stop.load(Ordering::Relaxed) {
        let who = cl.browser();
        let filename = format!("load-{n}.txt");
        let upload = who.try_upload(&filename, "text/plain", TRANSCRIPT.as_bytes());
        let answer = Answer::of(upload).await;
        let now = *phase.lock().unwrap();
        results.lock().unwrap().push((now, answer));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `GET /api/tasks` on each instance directly.
async fn each_instance(cl: &Cluster, alice: &Browser) -> Vec<(String, Answer)> {
    let mut seen = Vec::new();
    for (name, url) in cl.instances() {
        let on = alice.at(url);
        let answer = Answer::of(on.request(Method::GET, "/api/tasks").send()).await;
        seen.push((name.clone(), answer));
    }
    seen
}

pub async fn under_load(cl: &Cluster, alice: &Browser) {
    let (phase, stop, results) = (
        Mutex::new(Phase::Before),
        AtomicBool::new(false),
        Mutex::default(),
    );
    let before = cl.count("SELECT count(*) FROM tasks").await;
    let faults = async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        cl.launch("pg-stop").await;
        *phase.lock().unwrap() = Phase::Down;
        say("PostgreSQL stopped under load (4 uploaders through nginx)");
        let direct = each_instance(cl, alice).await;
        // Longer than a pool's wait for a connection (5 s), so an upload
        // begun while the database is down is answered while it is down.
        tokio::time::sleep(Duration::from_secs(8)).await;
        *phase.lock().unwrap() = Phase::Restarting;
        cl.launch("pg-start").await;
        say("PostgreSQL started again");
        tokio::time::sleep(Duration::from_secs(5)).await;
        *phase.lock().unwrap() = Phase::After;
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.store(true, Ordering::Relaxed);
        direct
    };
    let load = join_all((0..4).map(|n| uploader(cl, n, &phase, &stop, &results)));
    let (direct, _) = tokio::join!(faults, load);
    let results: Vec<(Phase, Answer)> = results.into_inner().unwrap();
    let answers_in =
        |p: Phase| -> Vec<&Answer> { results.iter().filter(|r| r.0 == p).map(|r| &r.1).collect() };

    let down = answers_in(Phase::Down);
    let slowest = down.iter().map(|r| r.took).fold(0.0, f64::max);
    let answers: BTreeSet<String> = down.iter().map(|r| r.shown()).collect();
    let codes: BTreeSet<Option<&str>> = down.iter().map(|r| r.code()).collect();
    cl.expect(
        !down.is_empty() && down.iter().all(|r| r.is(503)) && slowest <= 7.0,
        format!(
            "while down: {} uploads, answers {answers:?}, codes {codes:?}, slowest {slowest:.1} s",
            down.len()
        ),
    );
    cl.expect(
        direct.iter().all(|(_, r)| r.is(503)),
        format!("GET /api/tasks on each instance while down: {direct:?}"),
    );

    let mut ready = BTreeMap::new();
    for (name, url) in cl.instances() {
        ready.insert(name, cl.wait_ready(url, Duration::from_secs(30)).await);
    }
    cl.expect(
        ready.values().all(|r| *r),
        format!("every instance ready again on its own: {ready:?}"),
    );
    let after = answers_in(Phase::After);
    let answers: BTreeSet<String> = after.iter().map(|r| r.shown()).collect();
    cl.expect(
        !after.is_empty() && after.iter().all(|r| r.is(201)),
        format!(
            "after the restart: {} uploads, answers {answers:?}",
            after.len()
        ),
    );

    nothing_lost_or_twice(cl, &results, before).await;
    listening_again(cl, alice).await;
}

async fn nothing_lost_or_twice(cl: &Cluster, results: &[(Phase, Answer)], before: i64) {
    let accepted: Vec<&str> = results.iter().filter_map(|r| r.1.task_id()).collect();
    let refused = results.len() - accepted.len();
    tokio::time::sleep(Duration::from_secs(1)).await;
    for task_id in &accepted {
        cl.wait_task(task_id, Duration::from_secs(30)).await;
    }
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id::text, status FROM tasks ORDER BY upload_timestamp OFFSET $1")
            .bind(before)
            .fetch_all(&cl.db)
            .await
            .unwrap();
    let statuses: BTreeMap<&str, &str> = rows
        .iter()
        .map(|(id, status)| (id.as_str(), status.as_str()))
        .collect();
    let lost: Vec<&&str> = accepted
        .iter()
        .filter(|t| statuses.get(**t) != Some(&"completed"))
        .collect();
    cl.expect(
        lost.is_empty(),
        format!(
            "{} accepted uploads, all completed: lost or unfinished {lost:?}",
            accepted.len()
        ),
    );
    cl.expect(
        rows.len() == accepted.len(),
        format!(
            "{} new task rows for {} accepted and {refused} refused uploads",
            rows.len(),
            accepted.len()
        ),
    );
    let twice = cl
        .count(
            "SELECT count(*) FROM (SELECT task_id FROM minutes_revisions \
             GROUP BY task_id HAVING count(*) > 1) t",
        )
        .await;
    cl.expect(
        twice == 0,
        format!("tasks with more than one minutes revision: {twice}"),
    );
}

/// An event socket on each instance hears a task completed after the restart.
async fn listening_again(cl: &Cluster, alice: &Browser) {
    let mut sockets = Vec::new();
    for (name, url) in cl.instances() {
        sockets.push((
            name,
            Listener::open(&alice.at(url), "/ws", &cl.origin()).await,
        ));
    }
    let task = alice.upload_ok("after.txt", TRANSCRIPT).await;
    let task_id = task["task_id"].as_str().unwrap();
    let mut heard = BTreeMap::new();
    for (name, socket) in &sockets {
        let completed = |m: &Value| m["task_id"] == task_id && m["status"] == "completed";
        let got = socket.wait_for(Duration::from_secs(15), completed).await;
        heard.insert(*name, got.is_some());
    }
    cl.expect(
        heard.values().all(|h| *h),
        format!("LISTEN again on every instance: event sockets saw completion {heard:?}"),
    );
}
