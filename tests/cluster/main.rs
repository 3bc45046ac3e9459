//! The checks of `scripts/test-cluster`: three running `minutes serve`
//! instances behind nginx, one PostgreSQL, moto as the S3 store, all started
//! by that script, which describes them in `MINUTES_CLUSTER_*` variables.
//! The checks drive them with the API tests' client (`tests/common/`):
//! sessions, progress and sharing across instances, then the faults — kill -9
//! of a worker, a PostgreSQL restart, SIGTERM mid-upload, the S3 server away.
//! One test runs them in a fixed order, since each fault leaves the cluster
//! as the next one expects it; each prints what it did and saw, and a failed
//! or crashed check does not stop the ones after it.

// Each test binary uses its own part of the shared client.
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

mod answer;
mod database_restart;
mod harness;
mod listen;
mod progress;
mod sessions;
mod sharing;
mod storage_away;
mod upload_sigterm;
mod worker_kill;

use std::{future::Future, panic::AssertUnwindSafe, time::Instant};

use futures::{FutureExt as _, future::LocalBoxFuture};

use harness::{Cluster, say};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the cluster of scripts/test-cluster"]
async fn three_instances_behind_nginx_with_faults() {
    let cl = Cluster::from_env().await;
    let alice = cl.browser();
    let checks: [(&str, LocalBoxFuture<()>); 7] = [
        (
            "sessions across instances",
            sessions::across_instances(&cl, &alice).boxed_local(),
        ),
        (
            "progress reaches sockets on another instance",
            progress::reaches_another_instance(&cl, &alice).boxed_local(),
        ),
        (
            "sharing and its revocation reach another instance",
            sharing::reaches_another_instance(&cl, &alice).boxed_local(),
        ),
        (
            "kill -9 of the instance running a job",
            worker_kill::job_completes_once_after_its_lease(&cl).boxed_local(),
        ),
        (
            "PostgreSQL restarted under load",
            database_restart::under_load(&cl, &alice).boxed_local(),
        ),
        (
            "SIGTERM mid-upload",
            upload_sigterm::leaves_nothing_behind(&cl, &alice).boxed_local(),
        ),
        (
            "the S3 server away",
            storage_away::refuses_and_recovers(&cl, &alice).boxed_local(),
        ),
    ];
    for (title, check) in checks {
        run(&cl, title, check).await;
    }
    let failures = cl.failures();
    println!("--- {} failed", failures.len());
    for f in &failures {
        println!("    {f}");
    }
    assert!(
        failures.is_empty(),
        "{} cluster checks failed",
        failures.len()
    );
}

/// Runs one check under its title; a panic in it is a failed check.
async fn run(cl: &Cluster, title: &str, check: impl Future<Output = ()>) {
    println!("--- {title}");
    let started = Instant::now();
    if let Err(panic) = AssertUnwindSafe(check).catch_unwind().await {
        let msg = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("panic");
        cl.expect(false, format!("{title}: {msg}"));
    }
    say(format!("({:.1} s)", started.elapsed().as_secs_f64()));
}
