//! A task uploaded on one instance and processed wherever a worker claims
//! it: its socket and the event socket on another instance see it through.

use std::time::Duration;

use serde_json::Value;

use crate::{
    common::browser::{Browser, WAV},
    harness::{Cluster, say},
    listen::Listener,
};

/// `[status/stage, …]` of progress events, as the checks print them.
fn stages<'a>(events: impl IntoIterator<Item = &'a Value>) -> String {
    let shown: Vec<String> = events
        .into_iter()
        .map(|e| {
            let stage = e["stage"].as_str().unwrap_or("-");
            format!("{}/{stage}", e["status"].as_str().unwrap_or("?"))
        })
        .collect();
    format!("[{}]", shown.join(", "))
}

pub async fn reaches_another_instance(cl: &Cluster, alice: &Browser) {
    let (a, b) = (alice.at(cl.url("A")), alice.at(cl.url("B")));
    let events = Listener::open(&b, "/ws", &cl.origin()).await;
    cl.asr.set_delay(Duration::from_secs(2));
    let res = a.upload("call.wav", "audio/wav", WAV).await;
    let status = res.status();
    cl.expect(status == 201, format!("audio upload on A → {status}"));
    let task: Value = res.json().await.unwrap();
    let task_id = task["task_id"].as_str().unwrap().to_owned();

    let watch = Listener::open(&b, &format!("/ws/{task_id}"), &cl.origin()).await;
    let first = watch.wait_for(Duration::from_secs(10), |_| true).await;
    say(format!(
        "/ws/{}… on B, first message: {}",
        &task_id[..8],
        first.as_ref().map_or("none".into(), |f| stages([f]))
    ));
    let done = watch
        .wait_for(Duration::from_secs(30), |m| m["status"] == "completed")
        .await;
    let closed = watch.wait_closed(Duration::from_secs(5)).await;
    cl.expect(
        done.is_some() && closed.as_ref().is_some_and(|c| c.code == Some(1000)),
        format!(
            "the task socket on B saw {}, closed {}",
            stages(&watch.events()),
            closed.map_or("no".into(), |c| c.to_string())
        ),
    );

    let ours = |m: &Value| m["task_id"] == task_id.as_str();
    let got = events
        .wait_for(Duration::from_secs(10), |m| {
            ours(m) && m["status"] == "completed"
        })
        .await;
    let seen = events.events();
    cl.expect(
        got.is_some(),
        format!(
            "the event socket /ws on B saw {}",
            stages(seen.iter().filter(|m| ours(m)))
        ),
    );
    cl.asr.set_delay(Duration::ZERO);
}
