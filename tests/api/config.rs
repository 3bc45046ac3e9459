//! Settings as the binary loads them: from any directory with the embedded
//! defaults, and never fail-open — a publicly known secret off loopback, or
//! non-`Secure` cookies for a non-loopback origin, stop the start with the
//! key to change named.

use figment::Figment;
use minutes::config::Settings;

const FRESH_SECRET: &str = "a-fresh-secret-nobody-has-seen-before-0123";

#[test]
fn the_binary_loads_its_settings_with_no_config_directory_at_all() {
    let empty = std::env::temp_dir().join(format!("minutes-noconfig-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&empty).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_minutes"))
        .arg("config")
        .current_dir(&empty)
        .env_remove("MINUTES_ENV")
        .env_remove("MINUTES_CONFIG_DIR")
        .env("MINUTES__SESSION__SECRET", FRESH_SECRET)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&empty).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("auth.registration = \"open\"  # embedded defaults"),
        "{stdout}"
    );
    assert!(!stdout.contains(FRESH_SECRET), "redacted: {stdout}");
}

fn profile(env: &str) -> Figment {
    Settings::figment(concat!(env!("CARGO_MANIFEST_DIR"), "/config"), env)
}

fn refused(figment: Figment) -> String {
    match Settings::from_figment(figment) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_committed_or_missing_secret_is_refused_off_loopback() {
    for env in ["local", "test"] {
        let err = refused(profile(env).merge(("server.addr", "0.0.0.0:8080")));
        assert!(err.contains("session.secret"), "{env}: {err}");
        assert!(err.contains("server.addr"), "{env}: {err}");
    }
    let err = refused(profile("production").merge(("server.addr", "192.0.2.10:8080")));
    assert!(err.contains("session.secret"), "{err}");

    // The same committed secret on loopback is the developer's setup.
    Settings::from_figment(profile("local")).unwrap();
    Settings::from_figment(profile("local").merge(("server.addr", "[::1]:8080"))).unwrap();
}

#[test]
fn insecure_cookies_are_refused_for_a_non_loopback_origin() {
    for origin in [
        "https://minutes.example.com",
        "http://192.0.2.10:8080",
        "https://localhost",
    ] {
        let err = refused(profile("test").merge(("server.public_origin", origin)));
        assert!(err.contains("session.cookie_secure"), "{origin}: {err}");
        assert!(err.contains("server.public_origin"), "{origin}: {err}");
    }
    for origin in [
        "http://localhost:8080",
        "http://127.0.0.1:3000",
        "http://[::1]:8080",
    ] {
        Settings::from_figment(profile("test").merge(("server.public_origin", origin))).unwrap();
    }
}

#[test]
fn a_production_setup_with_its_own_secret_starts() {
    let settings = Settings::from_figment(
        profile("production")
            .merge(("server.addr", "0.0.0.0:8080"))
            .merge(("server.public_origin", "https://minutes.example.com"))
            .merge(("session.secret", FRESH_SECRET)),
    )
    .unwrap();
    assert!(settings.session.cookie_secure);
}

#[test]
fn the_s3_backend_needs_a_bucket() {
    let err = refused(profile("test").merge(("storage.backend", "s3")));
    assert!(err.contains("storage.s3.bucket"), "{err}");
}
