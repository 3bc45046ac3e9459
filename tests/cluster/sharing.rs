//! A share granted and revoked on one instance reaches the grantee's event
//! socket on another, and the grantee's reads on a third.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{
    common::browser::Browser,
    harness::{Cluster, TRANSCRIPT},
    listen::Listener,
    sessions::log_in,
};

pub async fn reaches_another_instance(cl: &Cluster, alice: &Browser) {
    let alice_a = alice.at(cl.url("A"));
    let bob = cl.browser();
    log_in(&bob.at(cl.url("C")), "bob").await;
    let events = Listener::open(&bob.at(cl.url("C")), "/ws", &cl.origin()).await;
    let task = alice_a.upload_ok("notes.txt", TRANSCRIPT).await;
    let task_id = task["task_id"].as_str().unwrap();
    cl.wait_task(task_id, Duration::from_secs(20)).await;

    let status = alice_a.share(task_id, "bob", "view").await.status();
    cl.expect(
        status == 200,
        format!("alice shares a task with bob on A → {status}"),
    );
    let shared = json!({"type": "task_shared", "task_id": task_id});
    let got = events
        .wait_for(Duration::from_secs(5), |m| *m == shared)
        .await;
    cl.expect(
        got.is_some(),
        format!("bob's event socket on C got task_shared: {}", shown(got)),
    );
    let status = bob.at(cl.url("B")).task(task_id).await.status();
    cl.expect(
        status == 200,
        format!("bob reads the shared task on B → {status}"),
    );

    let status = alice_a.unshare(task_id, "bob").await.status();
    cl.expect(
        status == 204,
        format!("alice revokes the share on A → {status}"),
    );
    let lost = json!({"type": "access_lost", "task_id": task_id});
    let got = events
        .wait_for(Duration::from_secs(5), |m| *m == lost)
        .await;
    cl.expect(
        got.is_some(),
        format!("bob's event socket on C got access_lost: {}", shown(got)),
    );
    let status = bob.at(cl.url("C")).task(task_id).await.status();
    cl.expect(
        status == 404,
        format!("bob reads the task on C after the revocation → {status}"),
    );
}

fn shown(event: Option<Value>) -> String {
    event.map_or("nothing".into(), |e| e.to_string())
}
