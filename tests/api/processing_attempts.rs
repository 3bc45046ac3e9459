//! Attempts are counted when a job is claimed, so a job whose workers keep
//! dying before they record an outcome stops after `max_attempts`; a job that
//! panics fails its task and its worker goes on.

use std::{sync::Arc, time::Duration};

use minutes::{
    jobs::{Processor, worker},
    queue,
    summary::{Minutes, Transcript, summarize},
};
use sqlx::PgPool;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::helpers::{Browser, spawn_app};

const SHORT_LEASE: Duration = Duration::from_millis(50);

async fn upload(browser: &Browser, text: &str) -> String {
    browser.upload_ok("notes.txt", text).await["task_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_job_whose_workers_keep_dying_fails_its_task_after_max_attempts(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let task_id = upload(&browser, "We agreed to ship on Monday.\n").await;
    let max_attempts = app.count("SELECT max_attempts::bigint FROM jobs").await;

    // Each "worker" claims the job and dies: no heartbeat, no outcome.
    for attempt in 1..=max_attempts {
        let job = queue::claim(&app.db, "dying-worker", SHORT_LEASE)
            .await
            .unwrap()
            .expect("the job is claimed again once the lease lapses");
        assert_eq!(i64::from(job.attempts), attempt, "counted at claim time");
        tokio::time::sleep(SHORT_LEASE * 2).await;
    }

    let _workers = app.start_workers(1);
    let task = browser.finished_task(&task_id).await;
    assert_eq!(task["status"], "failed", "{task}");
    assert_eq!(task["error_code"], "attempts_exhausted", "{task}");
    assert_eq!(
        app.error_detail(&task_id).await,
        format!("processing stopped after {max_attempts} attempts; the worker may have crashed")
    );
    assert_eq!(app.count("SELECT count(*) FROM jobs").await, 0);
    assert!(
        queue::claim(&app.db, "w", SHORT_LEASE)
            .await
            .unwrap()
            .is_none(),
        "never claimed again"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_job_handed_back_at_shutdown_does_not_use_up_an_attempt(db: PgPool) {
    let app = spawn_app(db).await;
    upload(&app.browser(), "We agreed to ship on Monday.\n").await;
    let job = queue::claim(&app.db, "w1", SHORT_LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.attempts, 1);
    queue::release(&app.db, job.id, "w1").await.unwrap();
    let again = queue::claim(&app.db, "w2", SHORT_LEASE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.attempts, 1);
}

/// The built-in summarizer, except that it panics on a transcript saying so.
fn panicking_summarizer(t: &Transcript) -> Minutes {
    if t.segments.iter().any(|s| s.text.contains("PANIC")) {
        panic!("summarizer exploded on purpose");
    }
    summarize(t)
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_panicking_job_fails_its_task_and_the_worker_completes_the_next(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let doomed = upload(&browser, "PANIC in the meeting room.\n").await;
    let fine = upload(&browser, "We agreed to ship on Monday.\n").await;

    let uploads = minutes::storage::Uploads::from_settings(&app.settings.storage).unwrap();
    let mut processor = Processor::new(&app.settings.processing, app.db.clone(), uploads);
    processor.summarizer = panicking_summarizer;
    // One worker, so the job after the panic can only be done by the same one.
    let _workers: JoinSet<()> = worker::spawn(Arc::new(processor), 1, CancellationToken::new());

    let task = browser.finished_task(&doomed).await;
    assert_eq!(task["status"], "failed", "{task}");
    assert_eq!(task["error_code"], "internal_error", "{task}");
    assert_eq!(
        app.error_detail(&doomed).await,
        "the job panicked: summarizer exploded on purpose"
    );
    let task = browser.finished_task(&fine).await;
    assert_eq!(task["status"], "completed", "{task}");
    assert_eq!(app.count("SELECT count(*) FROM jobs").await, 0);
}
