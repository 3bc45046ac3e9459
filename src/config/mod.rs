//! Typed settings, loaded in layers (see `sources`): the defaults embedded
//! in the binary, then `{dir}/default.toml` and `{dir}/{MINUTES_ENV}.toml`
//! (`local` unless set) from the config directory, then environment
//! variables (`MINUTES__SECTION__KEY`, and `DATABASE_URL` for
//! `database.url`), which win. Unknown keys and ill-typed values fail at
//! start with the offending key named; `validate` holds the other rules.

mod oidc;
mod server;
mod show;
mod sources;
mod validate;

pub use oidc::OidcProviderSettings;
pub use server::{Limits, OpsSettings, ServerSettings, TrustedProxy};
pub use show::describe;
pub use sources::{EMBEDDED_DEFAULTS, Layers};

use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
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
    pub audit: AuditSettings,
    pub sharing: SharingSettings,
    pub webhooks: WebhookSettings,
}

/// Share links: how long they may live.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingSettings {
    /// The longest a share link may live, in days, from its creation.
    pub link_max_days: u32,
}

/// Webhook deliveries (docs/api.md, "Webhooks").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Deliver to loopback, private, link-local and other internal
    /// addresses, and accept `http://` URLs: for tests and internal
    /// receivers only.
    pub allow_private: bool,
    /// One attempt's limit, connecting and answering included.
    pub timeout_secs: u64,
    /// Failed attempts in a row after which an endpoint is disabled.
    pub max_failures: u32,
    /// How long a delivery is retried after its event.
    pub retry_horizon_secs: u64,
    /// The first retry's delay; each next one doubles, up to an hour.
    pub retry_initial_ms: u64,
}

/// How long security events are kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// The purge deletes audit events older than this many days.
    pub retention_days: u32,
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
    /// New anonymous sessions one client may start per minute.
    pub max_starts_per_ip_per_minute: u32,
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
    /// Failures a browser with a device cookie may make before the cookie
    /// stops exempting it from the account's and the IP's counters.
    pub max_failed_logins_per_device_per_hour: u32,
    /// Failures all of an account's device cookies may make together: a
    /// finite ceiling, so saved or stolen cookies do not multiply guesses.
    pub max_failed_device_logins_per_account_per_hour: u32,
    /// Successful logins one account may make in the window: each starts a
    /// series, so one account cannot mint them without bound.
    pub max_logins_per_account_per_hour: u32,
    pub max_registrations_per_ip_per_hour: u32,
    /// Password-hashing threads; unset: one per core less one (at least
    /// one), so a login flood leaves a core to the other requests.
    #[serde(default)]
    pub hash_threads: Option<usize>,
    /// Callers that may wait for a password-hashing thread before the rest
    /// are answered 503 `busy`; unset: 32 per hashing thread.
    #[serde(default)]
    pub max_hash_queue: Option<usize>,
    pub throttle_window_secs: u64,
    /// A sensitive action (password change, two-factor changes, API token
    /// creation, admin role and disable changes) needs a sign-in this recent.
    pub fresh_secs: u64,
    /// Browser sessions one account may hold; a sign-in past it revokes the
    /// least recently used. Unset: no cap.
    #[serde(default)]
    pub max_sessions_per_user: Option<u32>,
    /// Wrong second-factor codes one account may get in the window.
    pub max_failed_codes_per_hour: u32,
    /// Single sign-on providers by name (`auth.oidc.<name>`); none by
    /// default.
    #[serde(default)]
    pub oidc: std::collections::BTreeMap<String, OidcProviderSettings>,
}

impl AuthSettings {
    /// The password-hashing threads: `hash_threads`, or one per core less
    /// one (at least one).
    pub fn hash_threads(&self) -> usize {
        self.hash_threads.unwrap_or_else(|| {
            let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
            cores.saturating_sub(1).max(1)
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    pub backend: StorageBackend,
    pub dir: PathBuf,
    pub max_upload_bytes: u64,
    /// Stored files with no task row, and unfinished uploads, older than
    /// this are removed by the purge; younger ones may be an upload between
    /// its file and its row.
    pub orphan_grace_secs: u64,
    /// Uploads one client may make per hour without logging in.
    pub max_anonymous_uploads_per_ip_per_hour: u32,
    /// Bytes an anonymous session's uploads may take in all.
    pub max_anonymous_bytes: u64,
    pub s3: S3Settings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    Fs,
    S3,
}

/// An S3-compatible bucket. Credentials left unset come from the standard
/// `AWS_*` environment variables (or the instance's role).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    pub bucket: Option<String>,
    /// E.g. `http://127.0.0.1:9000` for MinIO or moto; unset means AWS.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<SecretString>,
    /// `endpoint/bucket/key` instead of `bucket.endpoint/key`; most
    /// self-hosted servers need it.
    pub path_style: bool,
    /// Objects are stored as `{prefix}/{key}`; empty for the bucket's root.
    pub prefix: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingSettings {
    pub workers: usize,
    pub transcription: TranscriptionSettings,
    pub summarization: SummarizationSettings,
}

/// The OpenAI-compatible speech-to-text server; unset `base_url` means
/// recordings are refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptionSettings {
    pub base_url: Option<String>,
    pub api_key: Option<SecretString>,
    pub model: Option<String>,
    /// Whether, and how, the server is asked who speaks when.
    #[serde(default)]
    pub diarization: Diarization,
}

/// How speakers are asked of the transcription server. Whatever is asked,
/// segments that come back with a `speaker` keep it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Diarization {
    /// `response_format=verbose_json`, nothing more.
    #[default]
    Off,
    /// `verbose_json` with `diarize=true`, as WhisperX-style servers take it.
    VerboseJson,
    /// OpenAI's `response_format=diarized_json` (with `chunking_strategy=auto`).
    DiarizedJson,
}

/// The OpenAI-compatible LLM server that writes minutes; unset `base_url`
/// means the built-in summarizer does.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummarizationSettings {
    pub base_url: Option<String>,
    pub api_key: Option<SecretString>,
    pub model: Option<String>,
    /// The model's context window, in tokens: a transcript that would take
    /// more than half of it is summarized in parts and merged (map-reduce).
    pub context_tokens: usize,
}

impl Default for SummarizationSettings {
    /// No backend, and the context `config/default.toml` gives.
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            model: None,
            context_tokens: 8192,
        }
    }
}

impl Settings {
    /// Loads the layers `Layers::discover` finds from the environment alone.
    pub fn load() -> anyhow::Result<Self> {
        Self::load_from(None)
    }

    /// Loads the layers with the config directory given on the command line.
    pub fn load_from(config_dir: Option<&Path>) -> anyhow::Result<Self> {
        Self::from_figment(Layers::discover(config_dir)?.figment())
    }

    /// The layered sources of a named directory and profile, exposed so
    /// tests can add their own overrides on top.
    pub fn figment(dir: impl Into<PathBuf>, env: &str) -> Figment {
        Layers::new(dir, env).figment()
    }

    pub fn from_figment(figment: Figment) -> anyhow::Result<Self> {
        let settings: Settings = figment
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        settings.validate()?;
        Ok(settings)
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
mod tests;
