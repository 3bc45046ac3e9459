use std::{collections::HashSet, time::Duration};

use minutes::queue;
use sqlx::PgPool;

use crate::helpers::spawn_app;

/// Inserts a task and its job for an anonymous owner series; returns the task id.
async fn job_for(db: &PgPool, series: uuid::Uuid) -> uuid::Uuid {
    let task = uuid::Uuid::new_v4();
    let mut tx = db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO tasks (id, series_id, filename, content_type, size_bytes, storage_key)
         VALUES ($1, $2, 't.txt', 'text/plain', 1, $1::text)",
    )
    .bind(task)
    .bind(series)
    .execute(&mut *tx)
    .await
    .unwrap();
    queue::enqueue(&mut tx, task, queue::PROCESS).await.unwrap();
    tx.commit().await.unwrap();
    task
}

async fn series(db: &PgPool) -> uuid::Uuid {
    let id = uuid::Uuid::new_v4();
    sqlx::query(
        "INSERT INTO session_series (id, idle_expires_at, absolute_expires_at)
         VALUES ($1, now() + interval '1 day', now() + interval '1 day')",
    )
    .bind(id)
    .execute(db)
    .await
    .unwrap();
    id
}

const LEASE: Duration = Duration::from_secs(60);

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn two_workers_never_claim_the_same_job(db: PgPool) {
    let owner = series(&db).await;
    for _ in 0..20 {
        job_for(&db, owner).await;
    }
    let claim_all = |name: &'static str| {
        let db = db.clone();
        async move {
            let mut mine = Vec::new();
            while let Some(job) = queue::claim(&db, name, LEASE).await.unwrap() {
                mine.push(job.id);
            }
            mine
        }
    };
    let (a, b) = tokio::join!(claim_all("a"), claim_all("b"));
    let all: HashSet<i64> = a.iter().chain(&b).copied().collect();
    assert_eq!(a.len() + b.len(), 20);
    assert_eq!(all.len(), 20, "no job was claimed twice");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn claims_are_fair_across_owners(db: PgPool) {
    let (busy, patient) = (series(&db).await, series(&db).await);
    let mut busy_tasks = HashSet::new();
    for _ in 0..5 {
        busy_tasks.insert(job_for(&db, busy).await);
    }
    let patient_task = job_for(&db, patient).await;

    let first = queue::claim(&db, "w1", LEASE).await.unwrap().unwrap();
    assert!(busy_tasks.contains(&first.task_id), "oldest job first");
    let second = queue::claim(&db, "w2", LEASE).await.unwrap().unwrap();
    assert_eq!(
        second.task_id, patient_task,
        "an owner with nothing running goes before one with a running job"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_crashed_workers_job_is_reclaimed_after_its_lease_and_completes_once(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let task = browser
        .upload_ok("notes.txt", "We agreed to ship on Monday.\n")
        .await;
    let task_id = task["task_id"].as_str().unwrap().to_owned();

    // A worker claims the job and dies: no heartbeat, no outcome.
    let dead = queue::claim(&app.db, "dead-worker", Duration::from_millis(300))
        .await
        .unwrap()
        .unwrap();
    let _workers = app.start_workers(1);
    let done = browser.finished_task(&task_id).await;
    assert_eq!(done["status"], "completed");

    let attempts: i32 = sqlx::query_scalar("SELECT count(*)::int FROM jobs")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(attempts, 0, "the job is finished");
    // Were the dead worker to wake up, its lease is gone: it cannot finish again.
    let mut conn = app.db.acquire().await.unwrap();
    assert!(
        !queue::finish(&mut conn, dead.id, "dead-worker")
            .await
            .unwrap()
    );
    assert!(
        !queue::heartbeat(&app.db, dead.id, "dead-worker", LEASE)
            .await
            .unwrap()
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_held_lease_keeps_other_workers_away(db: PgPool) {
    let owner = series(&db).await;
    job_for(&db, owner).await;
    let job = queue::claim(&db, "w1", LEASE).await.unwrap().unwrap();
    assert!(queue::claim(&db, "w2", LEASE).await.unwrap().is_none());
    assert!(queue::heartbeat(&db, job.id, "w1", LEASE).await.unwrap());
    assert!(!queue::heartbeat(&db, job.id, "w2", LEASE).await.unwrap());
}
