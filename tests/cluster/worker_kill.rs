//! kill -9 of the instance whose worker is running a job (its ASR request
//! still waiting): another worker claims the job once the lease runs out,
//! and the task completes exactly once.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{
    common::browser::WAV,
    harness::{Cluster, say},
};

pub async fn job_completes_once_after_its_lease(cl: &Cluster) {
    cl.asr.set_delay(Duration::from_secs(15));
    let asked = cl.asr.received().len();
    let res = cl.browser().upload("long.wav", "audio/wav", WAV).await;
    let status = res.status();
    cl.expect(
        status == 201,
        format!("a slow audio upload through nginx → {status}"),
    );
    let task: Value = res.json().await.unwrap();
    let task_id = task["task_id"].as_str().unwrap();

    let deadline = Instant::now() + Duration::from_secs(15);
    let mut worker = None;
    while worker.is_none() && Instant::now() < deadline {
        worker = cl.job_holder(task_id).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let victim = worker.as_deref().and_then(|w| cl.instance_of_worker(w));
    cl.expect(
        victim.is_some(),
        format!(
            "the job is claimed by worker {} on {}",
            worker.as_deref().unwrap_or("-"),
            victim.as_deref().unwrap_or("none")
        ),
    );
    let Some(victim) = victim else {
        cl.asr.set_delay(Duration::ZERO);
        return;
    };

    tokio::time::sleep(Duration::from_secs(1)).await;
    let killed_at = Instant::now();
    cl.signal(&victim, "KILL");
    say(format!(
        "kill -9 instance {victim} while its ASR request sleeps"
    ));
    cl.asr.set_delay(Duration::from_secs(2));
    let status = cl.wait_task(task_id, Duration::from_secs(90)).await;
    let took = killed_at.elapsed().as_secs_f64();
    let (revisions, jobs) = (cl.revisions(task_id).await, cl.job_rows(task_id).await);
    cl.expect(
        status == "completed",
        format!("the task completes {took:.0} s after the kill (lease 30 s): {status}"),
    );
    cl.expect(
        revisions == 1 && jobs == 0,
        format!(
            "completed exactly once: {revisions} minutes revision, {jobs} job rows left, {} ASR \
             requests (the killed one and the reclaimed one)",
            cl.asr.received().len() - asked
        ),
    );
    cl.launch(&victim).await;
    let ready = cl
        .wait_ready(cl.url(&victim), Duration::from_secs(60))
        .await;
    cl.expect(ready, format!("instance {victim} restarted and ready"));
    cl.asr.set_delay(Duration::ZERO);
}
