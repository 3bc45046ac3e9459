//! Passwords: the `Password` policy (12–128 characters, checked before any
//! hashing) and the `Hasher`, which runs argon2id on the dedicated, lower
//! priority threads of a `HashPool` — a login flood queues for CPU there,
//! within a bound, instead of starving every other request.

use anyhow::{Context as _, anyhow};
use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, Version,
    password_hash::{Output, ParamsString, SaltString},
};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use validator::ValidationError;

use super::hash_pool::{HashError, HashPool};
use crate::config::AuthSettings;

const MIN_CHARS: usize = 12;
/// Callers that may wait for a hashing thread, per thread, unless
/// `auth.max_hash_queue` says otherwise.
const DEFAULT_QUEUE_PER_THREAD: usize = 32;
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
    pool: HashPool,
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
        let dummy = hash_with(&argon2, "no one has this password", &mut Vec::new())?;
        let threads = auth.hash_threads();
        let max_waiting = auth
            .max_hash_queue
            .unwrap_or(DEFAULT_QUEUE_PER_THREAD * threads);
        Ok(Self {
            argon2,
            pool: HashPool::new(threads, max_waiting)?,
            dummy,
        })
    }

    /// A PHC string of `password` under the configured parameters.
    pub async fn hash(&self, password: &Password) -> Result<String, HashError> {
        self.hash_secret(password.0.clone()).await
    }

    /// A PHC string of any secret (a share link's passphrase), without the
    /// password policy.
    pub async fn hash_secret(&self, secret: SecretString) -> Result<String, HashError> {
        let argon2 = self.argon2.clone();
        let hashed = self
            .pool
            .run(move |memory| hash_with(&argon2, secret.expose_secret(), memory))
            .await?;
        Ok(hashed?)
    }

    /// How many argon2 runs (hashes and verifications) have started.
    pub fn runs(&self) -> u64 {
        self.pool.started()
    }

    /// Checks a login's password against a stored PHC string. A password
    /// longer than any we accept cannot match and is not hashed at all.
    /// A wrong password never costs less than a check at the configured
    /// parameters: a hash stored under weaker ones (it predates a cost
    /// increase) is quicker to check, so its failure is topped up with a
    /// check of the dummy, or a dormant account would answer sooner than an
    /// unknown name. (A right password is re-hashed by the caller.)
    pub async fn verify(&self, password: &str, phc: &str) -> Result<Verdict, HashError> {
        if char_count(password) > MAX_CHARS {
            return Ok(Verdict::Wrong);
        }
        let (password, phc) = (SecretString::from(password), phc.to_owned());
        let wanted = self.argon2.params().clone();
        let dummy = self.dummy.clone();
        let verdict: anyhow::Result<Verdict> = self
            .pool
            .run(move |memory| {
                let bad = |e| anyhow!("stored hash: {e}");
                let hash = PasswordHash::new(&phc).map_err(bad)?;
                let outdated = weaker(&hash, &wanted);
                if matches(&hash, password.expose_secret(), memory)? {
                    return Ok(Verdict::Right { outdated });
                }
                if outdated {
                    let dummy = PasswordHash::new(&dummy).map_err(bad)?;
                    matches(&dummy, password.expose_secret(), memory)?;
                }
                Ok(Verdict::Wrong)
            })
            .await?;
        Ok(verdict?)
    }

    /// Spends one verification, as for a real account, for a login that
    /// fails anyway.
    pub async fn verify_dummy(&self, password: &str) -> Result<(), HashError> {
        self.verify(password, &self.dummy).await.map(drop)
    }
}

/// The first `params.block_count()` blocks of a thread's reusable memory.
fn blocks<'m>(memory: &'m mut Vec<Block>, params: &Params) -> &'m mut [Block] {
    let n = params.block_count();
    if memory.len() < n {
        memory.resize(n, Block::default());
    }
    &mut memory[..n]
}

/// A PHC string of `password` under `argon2`'s parameters and a fresh salt.
fn hash_with(
    argon2: &Argon2<'_>,
    password: &str,
    memory: &mut Vec<Block>,
) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).context("the OS random number generator failed")?;
    let salt_string = SaltString::encode_b64(&salt).map_err(|e| anyhow!("salt: {e}"))?;
    let params = argon2.params();
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon2
            .hash_password_into_with_memory(password.as_bytes(), &salt, out, blocks(memory, params))
            .map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(|e| anyhow!("hashing a password: {e}"))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| anyhow!("argon2 params: {e}"))?,
        salt: Some(salt_string.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Recomputes a stored hash's output for `password` with the stored
/// algorithm, version and parameters, and compares in constant time.
fn matches(
    hash: &PasswordHash<'_>,
    password: &str,
    memory: &mut Vec<Block>,
) -> anyhow::Result<bool> {
    let bad = |e: argon2::password_hash::Error| anyhow!("stored hash: {e}");
    let algorithm = Algorithm::try_from(hash.algorithm).map_err(bad)?;
    let version = hash
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| anyhow!("stored hash: {e}"))?
        .unwrap_or_default();
    let params = Params::try_from(hash).map_err(bad)?;
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return Err(anyhow!("stored hash has no salt or output"));
    };
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf).map_err(bad)?;
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            blocks(memory, &params),
        )
        .map_err(|e| anyhow!("verifying a password: {e}"))?;
    Ok(out.ct_eq(expected.as_bytes()).into())
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
            max_failed_logins_per_device_per_hour: 1,
            max_failed_device_logins_per_account_per_hour: 1,
            max_logins_per_account_per_hour: 1,
            max_registrations_per_ip_per_hour: 1,
            hash_threads: None,
            max_hash_queue: None,
            throttle_window_secs: 1,
            fresh_secs: 1,
            max_sessions_per_user: None,
            max_failed_codes_per_hour: 1,
            oidc: Default::default(),
        }
    }

    #[test]
    fn hashing_leaves_a_core_to_the_requests_unless_configured() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut auth = settings(1024, 1);
        assert_eq!(auth.hash_threads(), cores.saturating_sub(1).max(1));
        auth.hash_threads = Some(3);
        assert_eq!(auth.hash_threads(), 3);
    }

    #[test]
    fn hashes_interoperate_with_the_argon2_crates_own_phc_code() {
        use argon2::{PasswordHasher as _, PasswordVerifier as _};
        let argon2 = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        );
        let mut memory = Vec::new();
        let ours = hash_with(&argon2, "correct horse battery", &mut memory).unwrap();
        let ours = PasswordHash::new(&ours).unwrap();
        assert!(
            argon2
                .verify_password(b"correct horse battery", &ours)
                .is_ok()
        );

        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = argon2
            .hash_password(b"correct horse battery", &salt)
            .unwrap();
        assert!(matches(&theirs, "correct horse battery", &mut memory).unwrap());
        assert!(!matches(&theirs, "correct horse battery!", &mut memory).unwrap());
        // argon2i hashes from elsewhere verify too, with their own algorithm.
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(512, 2, 1, None).unwrap(),
        );
        let other = argon2i.hash_password(b"another password", &salt).unwrap();
        assert!(matches(&other, "another password", &mut memory).unwrap());
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
