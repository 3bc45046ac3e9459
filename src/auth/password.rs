//! Passwords: the `Password` policy (12–128 characters, checked before any
//! hashing) and the `Hasher`, which runs argon2id on the blocking pool with
//! at most one hash per core at a time — a login flood queues for CPU here
//! instead of starving every other request.

use std::{num::NonZeroUsize, sync::Arc};

use anyhow::{Context as _, anyhow};
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
    password_hash::SaltString,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::{sync::Semaphore, task::JoinHandle};
use validator::ValidationError;

use crate::config::AuthSettings;

const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// A password that meets the policy; redacted in `Debug`.
#[derive(Debug)]
pub struct Password(SecretString);

impl Password {
    pub fn parse(s: String) -> Result<Self, ValidationError> {
        match char_count(&s) {
            n if n < MIN_CHARS => Err(ValidationError::new("too_short")),
            n if n > MAX_CHARS => Err(ValidationError::new("too_long")),
            _ => Ok(Self(s.into())),
        }
    }
}

/// Counts at most one past the maximum: a megabyte costs no more than that.
fn char_count(s: &str) -> usize {
    s.chars().take(MAX_CHARS + 1).count()
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Wrong,
    /// `outdated`: the hash was made with weaker parameters than configured;
    /// the caller should store a fresh one while it has the password.
    Right {
        outdated: bool,
    },
}

pub struct Hasher {
    argon2: Argon2<'static>,
    permits: Arc<Semaphore>,
    /// A hash of nothing anyone knows, verified for unknown usernames so they
    /// cost what a wrong password costs.
    dummy: String,
}

impl Hasher {
    /// Hashes the dummy once, at start, with the configured parameters.
    pub fn new(auth: &AuthSettings) -> anyhow::Result<Self> {
        let params = Params::new(auth.argon2_m_kib, auth.argon2_t, auth.argon2_p, None)
            .map_err(|e| anyhow!("invalid configuration: auth.argon2_*: {e}"))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy = hash_with(&argon2, "no one has this password")?;
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Ok(Self {
            argon2,
            permits: Arc::new(Semaphore::new(cores)),
            dummy,
        })
    }

    /// A PHC string of `password` under the configured parameters.
    pub async fn hash(&self, password: &Password) -> anyhow::Result<String> {
        let secret = password.0.clone();
        self.run(move |argon2| hash_with(argon2, secret.expose_secret()))
            .await
    }

    /// Checks a login's password against a stored PHC string. A password
    /// longer than any we accept cannot match and is not hashed at all.
    pub async fn verify(&self, password: &str, phc: &str) -> anyhow::Result<Verdict> {
        if char_count(password) > MAX_CHARS {
            return Ok(Verdict::Wrong);
        }
        let (password, phc) = (SecretString::from(password), phc.to_owned());
        let wanted = self.argon2.params().clone();
        self.run(move |argon2| {
            let hash = PasswordHash::new(&phc).map_err(|e| anyhow!("stored hash: {e}"))?;
            Ok(
                match argon2.verify_password(password.expose_secret().as_bytes(), &hash) {
                    Ok(()) => Verdict::Right {
                        outdated: weaker(&hash, &wanted),
                    },
                    Err(argon2::password_hash::Error::Password) => Verdict::Wrong,
                    Err(e) => return Err(anyhow!("verifying a password: {e}")),
                },
            )
        })
        .await
    }

    /// Spends one verification, as for a real account, for a login that
    /// fails anyway.
    pub async fn verify_dummy(&self, password: &str) -> anyhow::Result<()> {
        self.verify(password, &self.dummy).await.map(drop)
    }

    /// Runs `f` on the blocking pool once a core is free. The permit moves
    /// into the task, so a client that hangs up cannot free it early.
    async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Argon2<'static>) -> anyhow::Result<R> + Send + 'static,
    ) -> anyhow::Result<R> {
        let permit = self.permits.clone().acquire_owned().await?;
        let argon2 = self.argon2.clone();
        spawn_blocking_with_tracing(move || {
            let _permit = permit;
            f(&argon2)
        })
        .await
        .context("password hashing task failed")?
    }
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).context("the OS random number generator failed")?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow!("salt: {e}"))?;
    let hash = argon2
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow!("hashing a password: {e}"))?;
    Ok(hash.to_string())
}

/// Whether a stored hash is not argon2id v19 or has any parameter below the
/// configured one. Stronger stored parameters are left alone: re-hashing
/// them would be a downgrade.
fn weaker(hash: &PasswordHash<'_>, wanted: &Params) -> bool {
    let Ok(params) = Params::try_from(hash) else {
        return true;
    };
    hash.algorithm != Algorithm::Argon2id.ident()
        || hash.version != Some(Version::V0x13.into())
        || params.m_cost() < wanted.m_cost()
        || params.t_cost() < wanted.t_cost()
        || params.p_cost() < wanted.p_cost()
}

/// `spawn_blocking` that keeps the caller's tracing span, so the hash's logs
/// stay attached to the request that asked for it.
fn spawn_blocking_with_tracing<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(m: u32, t: u32) -> AuthSettings {
        AuthSettings {
            registration: crate::config::Registration::Open,
            argon2_m_kib: m,
            argon2_t: t,
            argon2_p: 1,
            max_failed_logins_per_hour: 1,
            max_failed_logins_per_ip_per_hour: 1,
            throttle_window_secs: 1,
        }
    }

    #[test]
    fn password_policy_counts_characters_not_bytes() {
        assert!(
            Password::parse("é".repeat(12)).is_ok(),
            "24 bytes, 12 chars"
        );
        let code = |s: String| Password::parse(s).unwrap_err().code;
        assert_eq!(code("x".repeat(11)), "too_short");
        assert_eq!(code("x".repeat(129)), "too_long");
        assert_eq!(code("x".repeat(1 << 20)), "too_long");
    }

    #[tokio::test]
    async fn verify_accepts_the_right_password_and_flags_weaker_parameters() {
        let weak = Hasher::new(&settings(512, 1)).unwrap();
        let strong = Hasher::new(&settings(1024, 2)).unwrap();
        let password = Password::parse("correct horse battery".into()).unwrap();
        let old = weak.hash(&password).await.unwrap();

        let verdict = strong.verify("correct horse battery", &old).await.unwrap();
        assert_eq!(verdict, Verdict::Right { outdated: true });
        let fresh = strong.hash(&password).await.unwrap();
        let verdict = strong
            .verify("correct horse battery", &fresh)
            .await
            .unwrap();
        assert_eq!(verdict, Verdict::Right { outdated: false });
        let verdict = weak.verify("correct horse battery", &fresh).await.unwrap();
        assert_eq!(verdict, Verdict::Right { outdated: false }, "no downgrade");

        assert_eq!(
            strong.verify("wrong horse", &fresh).await.unwrap(),
            Verdict::Wrong
        );
        strong.verify_dummy("correct horse battery").await.unwrap();
    }
}
