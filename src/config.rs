//! Typed settings, loaded in layers: `config/default.toml`, then
//! `config/{MINUTES_ENV}.toml` (`local` unless set), then environment variables
//! (`MINUTES__SECTION__KEY`, and `DATABASE_URL` for `database.url`), which win.
//! Unknown keys and ill-typed values fail at start with the offending key named.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{Context, bail};
use figment::{
    Figment,
    providers::{Env, Format, Toml},
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Minimum length of `session.secret`: it keys the AEAD and the CSRF MAC.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub log: LogSettings,
    pub database: DatabaseSettings,
    pub session: SessionSettings,
    pub auth: AuthSettings,
    pub storage: StorageSettings,
    pub processing: ProcessingSettings,
    pub ops: OpsSettings,
}

/// Operations: where Prometheus scrapes, apart from the public listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpsSettings {
    /// `GET /metrics` listens here only (loopback by default).
    pub metrics_addr: SocketAddr,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub addr: SocketAddr,
    pub public_origin: String,
    pub allowed_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` is believed.
    #[serde(default)]
    pub trusted_proxies: Vec<TrustedProxy>,
    /// A request's headers must arrive within this many seconds.
    pub header_read_timeout_secs: u64,
    /// A request body that sends nothing for this long fails.
    pub body_idle_timeout_secs: u64,
    /// The most a request's headers may take, in bytes.
    pub max_header_bytes: usize,
}

/// What a slow or oversized client may hold, from `ServerSettings`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub body_idle_timeout: Duration,
    pub max_header_bytes: usize,
}

impl ServerSettings {
    pub fn limits(&self) -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            body_idle_timeout: Duration::from_secs(self.body_idle_timeout_secs),
            // hyper refuses a buffer smaller than 8 KiB.
            max_header_bytes: self.max_header_bytes.max(8192),
        }
    }
}

/// An address or CIDR block in `server.trusted_proxies`; a bare address is
/// its own /32 or /128.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct TrustedProxy(pub ipnet::IpNet);

impl TryFrom<String> for TrustedProxy {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse::<ipnet::IpNet>()
            .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            .map(Self)
            .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR block"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Holds credentials, hence secret.
    pub url: Option<SecretString>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    pub cookie_secure: bool,
    pub secret: Option<SecretString>,
    pub id_ttl_secs: u64,
    pub refresh_idle_ttl_secs: u64,
    pub anonymous_idle_ttl_secs: u64,
    pub refresh_absolute_ttl_secs: u64,
    pub reuse_grace_secs: u64,
    /// How often the background purge of expired sessions runs.
    pub purge_interval_secs: u64,
    /// How long expired or revoked series stay visible (e.g. for audit) before deletion.
    pub revoked_retention_secs: u64,
    /// Serve valid session records from memory (see `session::SessionCache`).
    pub cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    Open,
    Closed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub registration: Registration,
    pub argon2_m_kib: u32,
    pub argon2_t: u32,
    pub argon2_p: u32,
    pub max_failed_logins_per_hour: u32,
    pub max_failed_logins_per_ip_per_hour: u32,
    pub throttle_window_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    pub dir: PathBuf,
    pub max_upload_bytes: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingSettings {
    pub workers: usize,
    pub transcription: BackendSettings,
    pub summarization: BackendSettings,
}

/// An OpenAI-compatible HTTP backend; unset `base_url` means "not configured".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendSettings {
    pub base_url: Option<String>,
    pub api_key: Option<SecretString>,
    pub model: Option<String>,
}

impl Settings {
    /// Loads the layers from `config/` under the current directory, with the
    /// environment named by `MINUTES_ENV` (default `local`).
    pub fn load() -> anyhow::Result<Self> {
        let env = std::env::var("MINUTES_ENV").unwrap_or_else(|_| "local".into());
        Self::from_figment(Self::figment("config", &env))
    }

    /// The layered sources, exposed so tests can add their own overrides on top.
    pub fn figment(dir: &str, env: &str) -> Figment {
        Figment::new()
            .merge(Toml::file(format!("{dir}/default.toml")))
            .merge(Toml::file(format!("{dir}/{env}.toml")))
            .merge(Env::prefixed("MINUTES__").split("__"))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database.url".into()),
            )
    }

    pub fn from_figment(figment: Figment) -> anyhow::Result<Self> {
        let settings: Settings = figment
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        match &self.session.secret {
            Some(s) if s.expose_secret().len() >= MIN_SECRET_BYTES => {}
            _ => bail!(
                "invalid configuration: session.secret must be set to at least {MIN_SECRET_BYTES} bytes \
                 (MINUTES__SESSION__SECRET)"
            ),
        }
        let auth = &self.auth;
        if auth.max_failed_logins_per_hour == 0
            || auth.max_failed_logins_per_ip_per_hour == 0
            || auth.throttle_window_secs == 0
        {
            bail!(
                "invalid configuration: auth.max_failed_logins_per_hour, \
                 auth.max_failed_logins_per_ip_per_hour and auth.throttle_window_secs must be positive"
            );
        }
        if self.session.id_ttl_secs == 0 {
            bail!("invalid configuration: session.id_ttl_secs must be positive");
        }
        if self.session.refresh_absolute_ttl_secs < self.session.id_ttl_secs {
            bail!(
                "invalid configuration: session.refresh_absolute_ttl_secs must not be shorter than session.id_ttl_secs"
            );
        }
        for origin in
            std::iter::once(&self.server.public_origin).chain(&self.server.allowed_origins)
        {
            axum::http::HeaderValue::from_str(origin)
                .ok()
                .filter(|_| origin.starts_with("http://") || origin.starts_with("https://"))
                .with_context(|| {
                    format!(
                        "invalid configuration: server origin {origin:?} is not an http(s) origin"
                    )
                })?;
        }
        Ok(())
    }

    /// The database URL, required by every command that touches PostgreSQL.
    pub fn database_url(&self) -> anyhow::Result<&str> {
        self.database
            .url
            .as_ref()
            .map(|u| u.expose_secret())
            .context("invalid configuration: database.url is not set (DATABASE_URL)")
    }
}

#[cfg(test)]
// `Jail::expect_with` fixes its closure's error type to figment's own.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    fn write_layers(jail: &mut Jail) {
        jail.create_dir("config").unwrap();
        jail.create_file(
            "config/default.toml",
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/default.toml"))
                .unwrap(),
        )
        .unwrap();
        jail.create_file(
            "config/test.toml",
            "[session]\nid_ttl_secs = 60\nsecret = \"0123456789abcdef0123456789abcdef\"\n",
        )
        .unwrap();
    }

    #[test]
    fn environment_file_overrides_defaults_and_env_vars_override_both() {
        Jail::expect_with(|jail| {
            write_layers(jail);
            let s = Settings::from_figment(Settings::figment("config", "test")).unwrap();
            assert_eq!(s.session.id_ttl_secs, 60, "test.toml beats default.toml");
            assert_eq!(
                s.session.reuse_grace_secs, 10,
                "default.toml fills the rest"
            );

            jail.set_env("MINUTES__SESSION__ID_TTL_SECS", "5");
            jail.set_env(
                "MINUTES__PROCESSING__TRANSCRIPTION__BASE_URL",
                "http://127.0.0.1:9000",
            );
            jail.set_env("DATABASE_URL", "postgres://u@h/db");
            let s = Settings::from_figment(Settings::figment("config", "test")).unwrap();
            assert_eq!(s.session.id_ttl_secs, 5, "environment beats files");
            assert_eq!(
                s.processing.transcription.base_url.as_deref(),
                Some("http://127.0.0.1:9000")
            );
            assert_eq!(s.database_url().unwrap(), "postgres://u@h/db");
            Ok(())
        });
    }

    #[test]
    fn unknown_key_fails_naming_the_key() {
        Jail::expect_with(|jail| {
            write_layers(jail);
            jail.set_env("MINUTES__SESSION__ID_TTL", "5");
            let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
            assert!(err.to_string().to_lowercase().contains("id_ttl"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn bad_value_fails_naming_the_key() {
        Jail::expect_with(|jail| {
            write_layers(jail);
            jail.set_env("MINUTES__SESSION__ID_TTL_SECS", "soon");
            let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
            assert!(
                err.to_string()
                    .to_lowercase()
                    .contains("session.id_ttl_secs"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn start_refuses_a_missing_or_short_secret() {
        Jail::expect_with(|jail| {
            write_layers(jail);
            jail.set_env("MINUTES__SESSION__SECRET", "short");
            let err = Settings::from_figment(Settings::figment("config", "test")).unwrap_err();
            assert!(err.to_string().contains("session.secret"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        Jail::expect_with(|jail| {
            write_layers(jail);
            jail.set_env("DATABASE_URL", "postgres://user:hunter2@h/db");
            let s = Settings::from_figment(Settings::figment("config", "test")).unwrap();
            let debug = format!("{s:?}");
            assert!(!debug.contains("hunter2"), "{debug}");
            assert!(!debug.contains("0123456789abcdef"), "{debug}");
            Ok(())
        });
    }
}
