//! Logins under load. Prints figures, asserts nothing.
//!
//! - `POST /api/auth/login` with the right password from `--concurrency`
//!   clients without cookies (so every login starts a new series and needs
//!   no CSRF token), next to argon2id verifications per second measured in
//!   this process on every core with the service's parameters
//!   (`auth.argon2_*` from `config/` and `MINUTES__AUTH__*`, as the service
//!   loads them);
//! - `GET /api/tasks` of a logged-in session owning `--tasks` uploads, from
//!   one client, while the service is idle and during the login flood.
//!
//! `scripts/bench login` starts PostgreSQL and the service and runs this;
//! by hand, against a running service started with the same configuration
//! and a high `auth.max_logins_per_account_per_hour` (the flood logs in to
//! one account):
//!
//! ```text
//! cargo bench --bench login -- --url http://127.0.0.1:8080 [--concurrency 8] [--duration 10]
//! ```

mod api;
mod common;
mod load;

use std::time::{Duration, Instant};

use api::Browser;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
    password_hash::SaltString,
};
use clap::Parser;
use common::Report;
use load::{Hit, Service, Window};
use minutes::config::{AuthSettings, Settings};
use reqwest::{Client, Method};

#[derive(Debug, Parser)]
#[command(
    about = "Logins/s next to argon2 verifications/s, and a read's latency during a login flood"
)]
struct Args {
    #[command(flatten)]
    service: Service,
    /// Tasks the probing session owns.
    #[arg(long, default_value_t = 20)]
    tasks: usize,
    /// Milliseconds between the probe's requests: a light, steady probe, so
    /// that it measures the service rather than loading it.
    #[arg(long, default_value_t = 20)]
    probe_interval_ms: u64,
    #[command(flatten)]
    output: common::Output,
}

const PASSWORD: &str = "correct horse battery staple";

/// A login with the right password, without cookies.
struct Login {
    client: Client,
    url: String,
    body: serde_json::Value,
}

impl Hit for Login {
    async fn hit(&mut self) -> Result<(), String> {
        let resp = self
            .client
            .post(&self.url)
            .json(&self.body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        load::body(resp).await.map(drop)
    }
}

/// Verifications per second of `PASSWORD` against its hash under `auth`'s
/// parameters, on as many threads as the service hashes on
/// (`auth.hash_threads`), over `window`. Like the service, each verification
/// parses the stored PHC string.
fn argon2_verifies_per_s(auth: &AuthSettings, window: Window) -> Result<(f64, usize), String> {
    let params = Params::new(auth.argon2_m_kib, auth.argon2_t, auth.argon2_p, None)
        .map_err(|e| format!("auth.argon2_*: {e}"))?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let salt = SaltString::encode_b64(b"minutes-bench-16").map_err(|e| e.to_string())?;
    let phc = argon2
        .hash_password(PASSWORD.as_bytes(), &salt)
        .map_err(|e| e.to_string())?
        .to_string();
    let threads = auth.hash_threads();
    let measure_from = Instant::now() + window.warmup;
    let end = measure_from + window.duration;
    let counted: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0;
                    while Instant::now() < end {
                        let hash = PasswordHash::new(&phc).expect("a hash we made parses");
                        let right = argon2.verify_password(PASSWORD.as_bytes(), &hash).is_ok();
                        let done = Instant::now();
                        if right && done >= measure_from && done < end {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a verifying thread panicked"))
            .sum()
    });
    Ok((counted as f64 / window.duration.as_secs_f64(), threads))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !common::bench_mode() {
        return Ok(());
    }
    let args = Args::parse();
    let Some(base) = args.service.base("login")? else {
        return Ok(());
    };
    let auth = Settings::load()?.auth;
    let window = args.service.window();
    let clients = args.service.concurrency;
    println!(
        "login: {base}, {} per measurement; argon2id m={} KiB t={} p={}; {}",
        window.describe(clients),
        auth.argon2_m_kib,
        auth.argon2_t,
        auth.argon2_p,
        common::cpu_note()
    );

    // Registering logs the browser in; its session then owns the uploads.
    let username = format!("bench_{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
    let mut browser = Browser::new(&base)?;
    let resp = browser
        .request(Method::POST, "/api/auth/register")
        .json(&serde_json::json!({ "username": username, "password": PASSWORD }))
        .send()
        .await?;
    load::body(resp).await?;
    browser.fetch_csrf().await?;
    browser.upload_transcripts(args.tasks).await?;
    let listed = browser.tasks().await?.len();

    let interval = args.probe_interval_ms.max(1);
    let probe = || {
        let pace = Some(Duration::from_millis(interval));
        load::measure(vec![browser.lister()], window, pace)
    };
    let read = format!("GET /api/tasks ({listed} tasks, logged in, one every {interval} ms)");
    let idle = probe().await;
    idle.print(&format!("{read}, idle"), "req/s");

    let logins = (0..clients)
        .map(|_| {
            Ok(Login {
                client: load::client(false)?,
                url: format!("{base}/api/auth/login"),
                body: serde_json::json!({ "username": username, "password": PASSWORD }),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let (flood, busy) = tokio::join!(load::measure(logins, window, None), probe());
    let flood_label = format!("POST /api/auth/login ({clients} clients)");
    flood.print(&flood_label, "logins/s");
    busy.print(&format!("{read}, during the logins"), "req/s");

    let params = auth.clone();
    let (verifies, threads) =
        tokio::task::spawn_blocking(move || argon2_verifies_per_s(&params, window)).await??;
    let argon2_label = format!("argon2id verify, {threads} threads in the bench");
    println!("{argon2_label:<44} {verifies:.1} verifies/s");

    let mut report = Report::new("login");
    report.figure(&flood_label, &flood.result("logins/s"));
    report.figure(
        &format!(
            "{argon2_label} (m={} t={} p={})",
            auth.argon2_m_kib, auth.argon2_t, auth.argon2_p
        ),
        &format!("{verifies:.1} verifies/s"),
    );
    report.judged(
        "ratio logins / argon2 verifies",
        flood.rps / verifies,
        "",
        "",
        ">= 0.9",
    );
    report.figure(&format!("{read}, idle"), &idle.result("req/s"));
    report.figure(&format!("{read}, during logins"), &busy.result("req/s"));
    let (p99_idle, p99_busy) = (idle.latencies.ms(0.99), busy.latencies.ms(0.99));
    report.judged(
        "ratio GET /api/tasks p99 during logins / idle",
        p99_busy / p99_idle,
        "",
        &format!("{p99_busy:.2} ms / {p99_idle:.2} ms"),
        "<= 2",
    );
    report.write(args.output.summary.as_deref())?;
    Ok(())
}
