//! SIGTERM to an instance in the middle of an upload whose client then
//! stalls: the instance drains and exits soon, leaving no task row, no
//! object and no multipart upload behind.

use std::time::{Duration, Instant};

use futures::{StreamExt as _, future, stream};
use reqwest::{
    Body, Method,
    multipart::{Form, Part},
};
use tokio::sync::oneshot;

use crate::{
    common::browser::{Browser, WAV},
    harness::{Cluster, say},
};

const SIZE: usize = 20 * 1024 * 1024;
const SENT: usize = 12 * 1024 * 1024;

/// A WAV part of `SIZE` bytes whose body stops after its first `SENT` bytes
/// and never goes on; `sent` fires once the client asks for more.
fn stalled_file(sent: oneshot::Sender<()>) -> Part {
    let mut first = WAV.to_vec();
    first.resize(SENT, 0);
    let stalled = stream::once(async move {
        let _ = sent.send(());
        future::pending::<std::io::Result<Vec<u8>>>().await
    });
    let body = stream::iter([Ok(first)]).chain(stalled);
    Part::stream_with_length(Body::wrap_stream(body), (WAV.len() + SIZE) as u64)
        .file_name("big.wav")
        .mime_str("audio/wav")
        .unwrap()
}

pub async fn leaves_nothing_behind(cl: &Cluster, alice: &Browser) {
    let victim = cl.instances().last().unwrap().0.clone();
    let tasks_before = cl.count("SELECT count(*) FROM tasks").await;
    let objects_before = cl.objects().await;

    let (sent, handed_over) = oneshot::channel();
    let upload = alice
        .at(cl.url(&victim))
        .request(Method::POST, "/api/upload")
        .multipart(Form::new().part("file", stalled_file(sent)))
        .send();
    let upload = tokio::spawn(upload);
    tokio::time::timeout(Duration::from_secs(30), handed_over)
        .await
        .expect("the first 12 MiB sent within 30 s")
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let in_flight = cl.multipart_uploads().await;
    let pid = cl.signal(&victim, "TERM");
    say(format!(
        "sent {} MiB of {} MiB to {victim} ({in_flight} S3 multipart upload in progress), \
         then SIGTERM, then the client stalls",
        SENT >> 20,
        SIZE >> 20
    ));
    let stopped_at = Instant::now();
    let answer = match tokio::time::timeout(Duration::from_secs(30), upload).await {
        Ok(Ok(Ok(res))) => res.status().to_string(),
        Ok(Ok(Err(e))) => format!("error {e}"),
        Ok(Err(e)) => format!("the request task failed: {e}"),
        Err(_) => "no answer within 30 s".into(),
    };
    while Cluster::alive(pid) && stopped_at.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let took = stopped_at.elapsed().as_secs_f64();
    cl.expect(
        !Cluster::alive(pid),
        format!("{victim} answered {answer:?} and exited {took:.1} s after SIGTERM"),
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    let tasks = cl.count("SELECT count(*) FROM tasks").await;
    cl.expect(tasks == tasks_before, "no task row was written");
    let objects = cl.objects().await;
    let multipart = cl.multipart_uploads().await;
    cl.expect(
        objects == objects_before && multipart == 0,
        format!(
            "no object and no multipart upload left: {} new objects, {multipart} multipart uploads",
            objects.difference(&objects_before).count()
        ),
    );
    cl.launch(&victim).await;
    let ready = cl
        .wait_ready(cl.url(&victim), Duration::from_secs(60))
        .await;
    cl.expect(ready, format!("instance {victim} restarted and ready"));
}
