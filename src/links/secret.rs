//! A link's secret: `mnl_<prefix>_<secret>`, 256 bits from the OS CSPRNG
//! after a short public prefix that tells links apart in their owner's
//! list. Only the SHA-256 of the whole string is stored, and a presented
//! secret is found by that hash alone: nothing compares secrets in the
//! clear, and a link's secret has a shape no API token or session cookie
//! has, so it is never mistaken for one.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

const PREFIX: &str = "mnl_";
const SECRET_BYTES: usize = 32;
/// The base64url length of `SECRET_BYTES`, unpadded.
const SECRET_CHARS: usize = 43;

/// A freshly made link secret: the string for the URL (shown once), its
/// public prefix and its hash.
pub(super) struct NewSecret {
    pub secret: String,
    pub prefix: String,
    pub hash: Vec<u8>,
}

fn random<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // Without an OS CSPRNG nothing here is safe to issue; there is no fallback.
    getrandom::fill(&mut buf).expect("the OS random number generator failed");
    buf
}

pub(super) fn generate() -> NewSecret {
    let prefix: String = random::<4>().iter().map(|b| format!("{b:02x}")).collect();
    let secret = format!(
        "{PREFIX}{prefix}_{}",
        URL_SAFE_NO_PAD.encode(random::<SECRET_BYTES>())
    );
    let hash = Sha256::digest(secret.as_bytes()).to_vec();
    NewSecret {
        secret,
        prefix,
        hash,
    }
}

/// The hash to look a presented secret up by, if it has a link secret's
/// shape; anything else cannot be a link and is not looked up.
pub(super) fn hash_of(presented: &str) -> Option<Vec<u8>> {
    let (prefix, secret) = presented.strip_prefix(PREFIX)?.split_once('_')?;
    let shaped = prefix.len() == 8
        && prefix.bytes().all(|b| b.is_ascii_hexdigit())
        && secret.len() == SECRET_CHARS
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    shaped.then(|| Sha256::digest(presented.as_bytes()).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_found_by_its_hash_and_is_not_a_token() {
        let new = generate();
        assert_eq!(hash_of(&new.secret), Some(new.hash.clone()));
        assert!(new.secret.starts_with(&format!("mnl_{}_", new.prefix)));
        assert_ne!(generate().hash, new.hash);
        let as_token = new.secret.replacen("mnl_", "mnt_", 1);
        assert_eq!(hash_of(&as_token), None);
        assert_eq!(hash_of(&new.secret[..new.secret.len() - 1]), None);
    }
}
