//! The rules settings must meet before anything starts, beyond their types.
//! Among them the fail-closed ones: a publicly known `session.secret` (one
//! committed in `config/`) only on a loopback address, and non-`Secure`
//! cookies only for a loopback origin. Each message names the key to change.

use std::net::IpAddr;

use anyhow::{Context as _, bail};
use figment::{Figment, providers::Format as _, providers::Toml};
use secrecy::ExposeSecret as _;

use super::{MIN_SECRET_BYTES, Settings, StorageBackend, sources::COMMITTED_PROFILES};

/// Room for the instructions, one line of a transcript and an answer.
const MIN_CONTEXT_TOKENS: usize = 256;

impl Settings {
    pub(super) fn validate(&self) -> anyhow::Result<()> {
        self.validate_secret()?;
        self.validate_cookie_secure()?;
        for (name, provider) in &self.auth.oidc {
            provider.validate(name)?;
        }
        let auth = &self.auth;
        if auth.max_failed_logins_per_hour == 0
            || auth.max_failed_logins_per_ip_per_hour == 0
            || auth.max_failed_logins_per_device_per_hour == 0
            || auth.max_failed_device_logins_per_account_per_hour == 0
            || auth.max_logins_per_account_per_hour == 0
            || auth.max_registrations_per_ip_per_hour == 0
            || auth.throttle_window_secs == 0
            || auth.max_failed_codes_per_hour == 0
        {
            bail!(
                "invalid configuration: auth.max_failed_logins_per_hour, \
                 auth.max_failed_logins_per_ip_per_hour, auth.max_failed_logins_per_device_per_hour, \
                 auth.max_failed_device_logins_per_account_per_hour, \
                 auth.max_logins_per_account_per_hour, \
                 auth.max_registrations_per_ip_per_hour, auth.throttle_window_secs and \
                 auth.max_failed_codes_per_hour must be positive"
            );
        }
        if auth.max_sessions_per_user == Some(0) {
            bail!("invalid configuration: auth.max_sessions_per_user must be positive (or unset)");
        }
        if auth.hash_threads == Some(0) {
            bail!("invalid configuration: auth.hash_threads must be positive (or unset)");
        }
        self.validate_socket_caps()?;
        if self.sharing.link_max_days == 0 {
            bail!("invalid configuration: sharing.link_max_days must be positive");
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
        if self.processing.summarization.context_tokens < MIN_CONTEXT_TOKENS {
            bail!(
                "invalid configuration: processing.summarization.context_tokens must be at least {MIN_CONTEXT_TOKENS}"
            );
        }
        let hooks = &self.webhooks;
        if hooks.timeout_secs == 0 || hooks.max_failures == 0 || hooks.retry_initial_ms < 10 {
            bail!(
                "invalid configuration: webhooks.timeout_secs and webhooks.max_failures must be \
                 positive, webhooks.retry_initial_ms at least 10"
            );
        }
        if self.storage.backend == StorageBackend::S3 && self.storage.s3.bucket.is_none() {
            bail!(
                "invalid configuration: storage.s3.bucket must be set when storage.backend = \"s3\""
            );
        }
        Ok(())
    }

    /// The per-session, per-account and per-address socket caps leave room
    /// under the instance's, so no one holder can take every socket.
    fn validate_socket_caps(&self) -> anyhow::Result<()> {
        let server = &self.server;
        for (key, cap) in [
            (
                "server.max_sockets_per_session",
                server.max_sockets_per_session,
            ),
            ("server.max_sockets_per_user", server.max_sockets_per_user),
            ("server.max_sockets_per_ip", server.max_sockets_per_ip),
        ] {
            if cap == 0 || cap >= server.max_sockets {
                bail!(
                    "invalid configuration: {key} ({cap}) must be positive and below \
                     server.max_sockets ({})",
                    server.max_sockets
                );
            }
        }
        Ok(())
    }

    /// Anyone can read the committed development secrets, and with them forge
    /// CSRF tokens and open sealed refresh tokens: fine on a developer's
    /// loopback, never where others can connect.
    fn validate_secret(&self) -> anyhow::Result<()> {
        let secret = match &self.session.secret {
            Some(s) if s.expose_secret().len() >= MIN_SECRET_BYTES => s.expose_secret(),
            _ => bail!(
                "invalid configuration: session.secret must be set to at least {MIN_SECRET_BYTES} bytes \
                 (MINUTES__SESSION__SECRET)"
            ),
        };
        let addr = self.server.addr;
        if !addr.ip().is_loopback() && committed_secrets().any(|known| known == secret) {
            bail!(
                "invalid configuration: session.secret is the development value committed in config/ \
                 and publicly known, but server.addr {addr} is not a loopback address: set \
                 MINUTES__SESSION__SECRET to 32+ random bytes (e.g. `openssl rand -base64 48`)"
            );
        }
        Ok(())
    }

    /// Cookies without `Secure` (and without `__Host-` names) are only for
    /// plain-http development on this machine.
    fn validate_cookie_secure(&self) -> anyhow::Result<()> {
        if !self.session.cookie_secure && !is_loopback_http_origin(&self.server.public_origin) {
            bail!(
                "invalid configuration: session.cookie_secure = false is only allowed when \
                 server.public_origin is an http://localhost or loopback origin, not {:?}",
                self.server.public_origin
            );
        }
        Ok(())
    }
}

/// The `session.secret` values of the profiles committed in `config/`.
fn committed_secrets() -> impl Iterator<Item = String> {
    COMMITTED_PROFILES.into_iter().filter_map(|profile| {
        Figment::from(Toml::string(profile))
            .extract_inner::<String>("session.secret")
            .ok()
    })
}

/// `http://localhost[:port]`, `http://127.x.y.z[:port]` or `http://[::1][:port]`.
pub(super) fn is_loopback_http_origin(origin: &str) -> bool {
    let Some(authority) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, rest)) if rest.is_empty() || rest.starts_with(':') => host,
            _ => return false,
        },
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_are_localhost_and_loopback_addresses_over_http() {
        for ok in [
            "http://localhost",
            "http://localhost:8080",
            "http://127.0.0.1:3000",
            "http://127.1.2.3",
            "http://[::1]:8080",
            "http://LOCALHOST:1",
        ] {
            assert!(is_loopback_http_origin(ok), "{ok}");
        }
        for bad in [
            "https://localhost:8080",
            "http://example.com",
            "http://localhost.example.com",
            "http://10.0.0.1:8080",
            "http://[::2]:8080",
            "http://[::1]x",
            "http://0.0.0.0:8080",
        ] {
            assert!(!is_loopback_http_origin(bad), "{bad}");
        }
    }

    #[test]
    fn the_committed_secrets_are_known() {
        let known: Vec<String> = committed_secrets().collect();
        assert_eq!(known.len(), 2, "local and test each commit one");
        assert!(known.iter().all(|s| s.len() >= MIN_SECRET_BYTES));
    }
}
