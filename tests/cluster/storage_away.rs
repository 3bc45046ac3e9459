//! The S3 server killed: uploads are refused with 503 `storage_unavailable`
//! and nothing is half-written; once it is back (empty), uploads work again.

use std::time::{Duration, Instant};

use crate::{
    answer::Answer,
    common::browser::Browser,
    harness::{Cluster, TRANSCRIPT, say},
};

pub async fn refuses_and_recovers(cl: &Cluster, alice: &Browser) {
    let tasks_before = cl.count("SELECT count(*) FROM tasks").await;
    cl.signal("moto", "KILL");
    say("the S3 server (moto) is killed");
    let mut answers = Vec::new();
    for _ in 0..3 {
        let upload = alice.try_upload("away.txt", "text/plain", TRANSCRIPT.as_bytes());
        answers.push(Answer::of(upload).await);
    }
    cl.expect(
        answers.iter().all(|a| a.is(503)),
        format!("uploads while S3 is away: {answers:?}"),
    );
    let tasks = cl.count("SELECT count(*) FROM tasks").await;
    cl.expect(tasks == tasks_before, "no task row was written");

    cl.launch("moto").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cl.create_bucket().await && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    say("moto started again (empty: it keeps objects in memory) and the bucket created");
    let back = Answer::of(alice.try_upload("back.txt", "text/plain", TRANSCRIPT.as_bytes())).await;
    let done = match back.task_id() {
        Some(task_id) => cl.wait_task(task_id, Duration::from_secs(20)).await,
        None => "not created".into(),
    };
    cl.expect(
        done == "completed",
        format!("an upload after S3 is back → {}, task {done}", back.shown()),
    );
    let objects = cl.objects().await.len();
    cl.expect(
        objects == 1,
        format!("the bucket holds exactly that upload: {objects} object(s)"),
    );
}
