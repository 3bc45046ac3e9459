//! What the two-factor tests share: codes from pyotp (an independent
//! RFC 6238 implementation, installed into target/totp-venv by
//! `scripts/lib/totp.sh`), a member with two-factor sign-in on, and the
//! second step of a sign-in.

use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp};
use crate::people::{PASSWORD, member};

/// The Python that has pyotp: `MINUTES_TEST_TOTP_PYTHON`, else the venv
/// `scripts/lib/totp.sh` makes.
fn python() -> String {
    std::env::var("MINUTES_TEST_TOTP_PYTHON").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/totp-venv/bin/python").to_owned()
    })
}

/// pyotp's code for `secret` (base32), `steps` 30-second steps from now.
pub fn pyotp_code(secret: &str, steps: i64) -> String {
    let script = "import pyotp, sys, time\n\
                  print(pyotp.TOTP(sys.argv[1]).at(int(time.time()) + 30 * int(sys.argv[2])))";
    let out = Command::new(python())
        .args(["-c", script, secret, &steps.to_string()])
        .output()
        .expect("pyotp's Python runs (scripts/lib/totp.sh installs it: totp_install)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Two-factor sign-in turned on for the browser's account, confirmed with
/// the previous step's code (so that the current and next steps are left
/// for sign-ins): its secret and recovery codes.
pub async fn enable(b: &Browser) -> (String, Vec<String>) {
    let res = b.post("/api/auth/two-factor/setup").await;
    assert_eq!(res.status(), 200);
    let setup: Value = res.json().await.unwrap();
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let res = b
        .post_json(
            "/api/auth/two-factor/confirm",
            &json!({ "code": pyotp_code(&secret, -1) }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let codes: Value = res.json().await.unwrap();
    let codes = codes["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

/// A new member `name` with two-factor sign-in on, and a fresh browser that
/// has not signed in.
pub async fn member_with_totp(app: &TestApp, name: &str) -> (Browser, String, Vec<String>) {
    let owner = member(app, name).await;
    let (secret, codes) = enable(&owner).await;
    let b = app.browser();
    b.session().await;
    (b, secret, codes)
}

/// The password step, which must stop half-way.
pub async fn password_step(b: &Browser, name: &str) {
    let res = b.login(name, PASSWORD).await;
    assert_eq!(res.status(), 202);
}

/// The second step; on success the browser fetches its new CSRF token.
pub async fn code_step(b: &Browser, code: &str, trust: bool) -> reqwest::Response {
    let body = json!({ "code": code, "trust_browser": trust });
    let res = b.post_json("/api/auth/login/second-factor", &body).await;
    if res.status().is_success() {
        b.session().await;
    }
    res
}
