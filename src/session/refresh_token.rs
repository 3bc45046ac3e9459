//! The refresh token and the other secrets of the session protocol: refresh
//! tokens (the series id plus 256 bits from the OS CSPRNG, sealed with a MAC
//! under `session.secret`, stored only as SHA-256), the CSRF token bound to
//! a series, and the AEAD that keeps a freshly issued refresh token during
//! the reuse grace window. Session IDs draw from the same CSPRNG
//! (`session_id`).
//!
//! The MAC is what makes reuse detection safe: a superseded token revokes
//! its whole series, and series ids are not secret (they appear in logs,
//! audit rows, old cookies). Only a token that carries our MAC was issued
//! by us, so only such a token can count as reuse; anything else is a
//! plain unknown token and revokes nothing.

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
const TAG_BYTES: usize = 16;
const SIGNED_BYTES: usize = 16 + SECRET_BYTES;
const TOKEN_BYTES: usize = SIGNED_BYTES + TAG_BYTES;

pub(super) fn random<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // Without an OS CSPRNG nothing here is safe to issue; there is no fallback.
    getrandom::fill(&mut buf).expect("the OS random number generator failed");
    buf
}

/// A refresh token: it names its series, so presenting any superseded token
/// of a series is recognised as reuse, however many rotations ago it was.
/// Its SHA-256, the form it is stored and compared in, is computed once,
/// when it is made or read.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken {
    text: String,
    hash: [u8; 32],
}

impl std::fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshToken(..)")
    }
}

impl RefreshToken {
    fn new(text: String) -> Self {
        let hash = Sha256::digest(text.as_bytes()).into();
        Self { text, hash }
    }

    pub fn series_id(&self) -> Uuid {
        let raw = URL_SAFE_NO_PAD
            .decode(&self.text)
            .expect("validated at construction");
        Uuid::from_slice(&raw[..16]).expect("16 bytes")
    }

    pub fn hash(&self) -> &[u8] {
        &self.hash
    }

    /// Constant-time comparison of this token's hash with a stored one.
    pub fn matches(&self, stored: Option<&[u8]>) -> bool {
        stored.is_some_and(|h| bool::from(self.hash[..].ct_eq(h)))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Keys derived from `session.secret`, one per purpose.
pub struct Keys {
    aead: XChaCha20Poly1305,
    csrf: [u8; 32],
    token: [u8; 32],
}

/// A key for one purpose, derived from `session.secret`; other features
/// (the device cookies) derive theirs here too, each under its own purpose.
pub fn derive(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Keys {
    pub fn derive(secret: &[u8]) -> Self {
        Self {
            aead: XChaCha20Poly1305::new(&derive(secret, "minutes/refresh-grace").into()),
            csrf: derive(secret, "minutes/csrf"),
            token: derive(secret, "minutes/refresh-token"),
        }
    }

    fn tag(&self, signed: &[u8]) -> [u8; TAG_BYTES] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.token).expect("any key length");
        mac.update(signed);
        let full: [u8; 32] = mac.finalize().into_bytes().into();
        full[..TAG_BYTES].try_into().expect("a prefix of the MAC")
    }

    /// A new refresh token of `series_id`, carrying our MAC.
    pub fn issue(&self, series_id: Uuid) -> RefreshToken {
        let mut raw = [0u8; TOKEN_BYTES];
        raw[..16].copy_from_slice(series_id.as_bytes());
        raw[16..SIGNED_BYTES].copy_from_slice(&random::<SECRET_BYTES>());
        let tag = self.tag(&raw[..SIGNED_BYTES]);
        raw[SIGNED_BYTES..].copy_from_slice(&tag);
        RefreshToken::new(URL_SAFE_NO_PAD.encode(raw))
    }

    /// Accepts only a token `issue` produced under this secret: the exact
    /// shape and a MAC that checks out (compared in constant time).
    pub fn parse(&self, s: &str) -> Option<RefreshToken> {
        let mut raw = [0u8; TOKEN_BYTES];
        match URL_SAFE_NO_PAD.decode_slice(s.as_bytes(), &mut raw) {
            Ok(TOKEN_BYTES) => {}
            _ => return None,
        }
        let tag = self.tag(&raw[..SIGNED_BYTES]);
        bool::from(tag.ct_eq(&raw[SIGNED_BYTES..])).then(|| RefreshToken::new(s.to_owned()))
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
        self.parse(std::str::from_utf8(&plain).ok()?)
            .filter(|t| t.series_id() == series_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::derive(b"0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn token_round_trips_and_names_its_series() {
        let keys = keys();
        let series = Uuid::new_v4();
        let token = keys.issue(series);
        let parsed = keys.parse(token.as_str()).unwrap();
        assert_eq!(parsed.series_id(), series);
        assert!(parsed.matches(Some(token.hash())));
        assert!(!parsed.matches(Some(keys.issue(series).hash())));
        assert!(!parsed.matches(None));
    }

    #[test]
    fn malformed_tokens_are_rejected() {
        let keys = keys();
        for bad in [
            "",
            "abc",
            "!!!!",
            &"A".repeat(86),
            &"A".repeat(84),
            &"A".repeat(64),
        ] {
            assert!(keys.parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_token_we_did_not_issue_does_not_parse() {
        let keys = keys();
        let series = Uuid::new_v4();
        let issued = URL_SAFE_NO_PAD.decode(keys.issue(series).as_str()).unwrap();
        // Same series, same shape, other random bytes: the MAC fails.
        let mut forged = issued.clone();
        forged[20] ^= 1;
        assert!(keys.parse(&URL_SAFE_NO_PAD.encode(&forged)).is_none());
        // A token issued under another secret fails too.
        let other = Keys::derive(b"another-secret-another-secret-xx");
        assert!(keys.parse(other.issue(series).as_str()).is_none());
        assert!(keys.parse(&URL_SAFE_NO_PAD.encode(&issued)).is_some());
    }

    #[test]
    fn sealed_token_opens_only_for_its_series_and_key() {
        let keys = keys();
        let series = Uuid::new_v4();
        let token = keys.issue(series);
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
