//! A session started on one instance is honoured on the others, through a
//! rotation on a second; a revocation on one is refused on the others as
//! soon as its `NOTIFY` arrives (an instance that cached the session drops
//! it then; docs/architecture.md, "The session cache").

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    common::browser::Browser,
    harness::{Cluster, password},
};

/// `GET /api/session`, then logs in; the login's status.
pub async fn log_in(browser: &Browser, user: &str) -> u16 {
    browser.session().await;
    browser.login(user, &password(user)).await.status().as_u16()
}

pub async fn across_instances(cl: &Cluster, alice: &Browser) {
    let (a, b, c) = (cl.url("A"), cl.url("B"), cl.url("C"));
    cl.expect(
        log_in(&alice.at(a), "alice").await == 200,
        "alice logs in on A",
    );
    for name in ["B", "C"] {
        let res = alice.at(cl.url(name)).me().await;
        let status = res.status();
        let me: Value = res.json().await.unwrap_or_default();
        cl.expect(
            status == 200 && me["username"] == "alice",
            format!("A's session works on {name}: GET /api/auth/me → {status}"),
        );
    }

    let before = alice.cookies();
    let status = alice.at(b).refresh().await.status();
    let after = alice.cookies();
    let rotated = after.rt != before.rt && after.sid != before.sid;
    cl.expect(
        status == 200 && rotated,
        format!("refresh on B → {status}, new sid and rt: {rotated}"),
    );
    let status = alice.at(c).me().await.status();
    cl.expect(
        status == 200,
        format!("the pair rotated on B is honoured on C → {status}"),
    );

    let other = cl.browser().at(b);
    log_in(&other, "alice").await;
    let sessions = other.sessions().await;
    let mine = sessions["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .expect("the current session is listed")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let status = alice
        .at(a)
        .delete(&format!("/api/sessions/{mine}"))
        .await
        .status();
    cl.expect(
        status == 204,
        format!("alice revokes her second browser's series on A → {status}"),
    );
    for name in ["B", "C"] {
        let (status, after) = refused_within(&other.at(cl.url(name)), NOTIFY_BOUND).await;
        cl.expect(
            status == 401,
            format!("the revoked browser is refused on {name} within {NOTIFY_BOUND:?} → {status} after {after:?}"),
        );
    }
}

/// Far above the `NOTIFY` delay measured by `scripts/bench` (p99 under
/// 10 ms, max about 0.1 s), far below any cache lifetime.
const NOTIFY_BOUND: Duration = Duration::from_secs(1);

/// Asks `GET /api/auth/me` until it is refused or `bound` has passed; the
/// last status and when it came.
async fn refused_within(browser: &Browser, bound: Duration) -> (StatusCode, Duration) {
    let start = Instant::now();
    loop {
        let status = browser.me().await.status();
        if status == StatusCode::UNAUTHORIZED || start.elapsed() >= bound {
            return (status, start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
