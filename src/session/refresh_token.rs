//! The refresh token and the other secrets of the session protocol: refresh
//! tokens (the series id plus 256 bits from the OS CSPRNG, stored only as
//! SHA-256), the CSRF token bound to a series, and the AEAD that keeps a
//! freshly issued refresh token during the reuse grace window. Session IDs
//! draw from the same CSPRNG (`session_id`).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

const SECRET_BYTES: usize = 32;
const TOKEN_BYTES: usize = 16 + SECRET_BYTES;

pub(super) fn random<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // Without an OS CSPRNG nothing here is safe to issue; there is no fallback.
    getrandom::fill(&mut buf).expect("the OS random number generator failed");
    buf
}

/// A refresh token: it names its series, so presenting any superseded token
/// of a series is recognised as reuse, however many rotations ago it was.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl std::fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshToken(..)")
    }
}

impl RefreshToken {
    pub fn generate(series_id: Uuid) -> Self {
        let mut raw = [0u8; TOKEN_BYTES];
        raw[..16].copy_from_slice(series_id.as_bytes());
        raw[16..].copy_from_slice(&random::<SECRET_BYTES>());
        Self(URL_SAFE_NO_PAD.encode(raw))
    }

    /// Accepts only the exact shape `generate` produces.
    pub fn parse(s: &str) -> Option<Self> {
        let mut raw = [0u8; TOKEN_BYTES];
        match URL_SAFE_NO_PAD.decode_slice(s.as_bytes(), &mut raw) {
            Ok(TOKEN_BYTES) => Some(Self(s.to_owned())),
            _ => None,
        }
    }

    pub fn series_id(&self) -> Uuid {
        let raw = URL_SAFE_NO_PAD
            .decode(&self.0)
            .expect("validated at construction");
        Uuid::from_slice(&raw[..16]).expect("16 bytes")
    }

    pub fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }

    /// Constant-time comparison of this token's hash with a stored one.
    pub fn matches(&self, stored: Option<&[u8]>) -> bool {
        stored.is_some_and(|h| bool::from(self.hash().ct_eq(h)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keys derived from `session.secret`, one per purpose.
pub struct Keys {
    aead: XChaCha20Poly1305,
    csrf: [u8; 32],
}

fn derive(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Keys {
    pub fn derive(secret: &[u8]) -> Self {
        Self {
            aead: XChaCha20Poly1305::new(&derive(secret, "minutes/refresh-grace").into()),
            csrf: derive(secret, "minutes/csrf"),
        }
    }

    /// The CSRF token of a series: stable across rotations, new with each series.
    pub fn csrf_token(&self, series_id: Uuid) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.csrf).expect("any key length");
        mac.update(series_id.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Encrypts a refresh token, bound to its series, as nonce || ciphertext.
    pub fn seal(&self, token: &RefreshToken) -> Vec<u8> {
        let nonce = random::<24>();
        let aad = token.series_id();
        let mut sealed = nonce.to_vec();
        sealed.extend(
            self.aead
                .encrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: token.as_str().as_bytes(),
                        aad: aad.as_bytes(),
                    },
                )
                .expect("encryption of a short message cannot fail"),
        );
        sealed
    }

    pub fn open(&self, series_id: Uuid, sealed: &[u8]) -> Option<RefreshToken> {
        let (nonce, ciphertext) = sealed.split_at_checked(24)?;
        let plain = self
            .aead
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: series_id.as_bytes(),
                },
            )
            .ok()?;
        RefreshToken::parse(std::str::from_utf8(&plain).ok()?)
            .filter(|t| t.series_id() == series_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips_and_names_its_series() {
        let series = Uuid::new_v4();
        let token = RefreshToken::generate(series);
        let parsed = RefreshToken::parse(token.as_str()).unwrap();
        assert_eq!(parsed.series_id(), series);
        assert!(parsed.matches(Some(&token.hash())));
        assert!(!parsed.matches(Some(&RefreshToken::generate(series).hash())));
        assert!(!parsed.matches(None));
    }

    #[test]
    fn malformed_tokens_are_rejected() {
        for bad in ["", "abc", "!!!!", &"A".repeat(65), &"A".repeat(63)] {
            assert!(RefreshToken::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn sealed_token_opens_only_for_its_series_and_key() {
        let keys = Keys::derive(b"0123456789abcdef0123456789abcdef");
        let series = Uuid::new_v4();
        let token = RefreshToken::generate(series);
        let sealed = keys.seal(&token);
        assert_eq!(keys.open(series, &sealed), Some(token));
        assert_eq!(keys.open(Uuid::new_v4(), &sealed), None);
        let other = Keys::derive(b"another-secret-another-secret-xx");
        assert_eq!(other.open(series, &sealed), None);
    }

    #[test]
    fn csrf_token_is_bound_to_the_series() {
        let keys = Keys::derive(b"0123456789abcdef0123456789abcdef");
        let a = Uuid::new_v4();
        assert_eq!(keys.csrf_token(a), keys.csrf_token(a));
        assert_ne!(keys.csrf_token(a), keys.csrf_token(Uuid::new_v4()));
    }
}
