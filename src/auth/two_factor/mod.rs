//! Two-factor sign-in with TOTP (RFC 6238) and recovery codes. Setting it
//! up stores a secret sealed under a key derived from `session.secret`
//! (XChaCha20-Poly1305, bound to the account), shows it as text, as an
//! `otpauth://` URI and as a QR code drawn here, and turns it on once a
//! code from the app confirms it, answering ten recovery codes shown that
//! once and stored as SHA-256 hashes. A password sign-in of such an
//! account stops half-way (`challenge`) until a code or a recovery code is
//! given, unless the browser is trusted (`trusted`). Code checks have
//! their own throttle per account; a time step and a recovery code are
//! each spent once. Turning it off needs a code or a recovery code.
//! Setting up and turning off need a fresh sign-in.

mod challenge;
mod codes;
mod login_step;
mod recovery;
pub(super) mod routes;
mod setup;
mod store;
mod totp;
pub(super) mod trusted;

use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use uuid::Uuid;

pub use challenge::SetChallengeCookie;
pub(super) use challenge::{ChallengeCookie, TTL};
pub use login_step::Pending;
pub(super) use login_step::{PasswordChecked, SecondFactor};
use totp::Secret;

/// The second factor's keys and cookie.
pub(super) struct TwoFactor {
    aead: XChaCha20Poly1305,
    cookie: ChallengeCookie,
}

impl TwoFactor {
    pub fn new(secret: &[u8], secure: bool) -> Self {
        let key = crate::session::derive_key(secret, "minutes/totp-secret");
        Self {
            aead: XChaCha20Poly1305::new(&key.into()),
            cookie: ChallengeCookie::new(secure),
        }
    }

    /// The secret encrypted for `user_id`'s row: nonce || ciphertext.
    fn seal(&self, user_id: Uuid, secret: &Secret) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).expect("the OS random number generator failed");
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: user_id.as_bytes(),
        };
        let mut sealed = nonce.to_vec();
        sealed.extend(
            self.aead
                .encrypt(XNonce::from_slice(&nonce), payload)
                .expect("encryption of a short message cannot fail"),
        );
        sealed
    }

    /// The secret of `user_id`'s row; `None` if it was not sealed for it
    /// under this key.
    fn open(&self, user_id: Uuid, sealed: &[u8]) -> Option<Secret> {
        let (nonce, ciphertext) = sealed.split_at_checked(24)?;
        let payload = Payload {
            msg: ciphertext,
            aad: user_id.as_bytes(),
        };
        let plain = self.aead.decrypt(XNonce::from_slice(nonce), payload).ok()?;
        Secret::from_bytes(&plain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_account_and_key() {
        let two = TwoFactor::new(b"0123456789abcdef0123456789abcdef", false);
        let (user, secret) = (Uuid::new_v4(), Secret::generate());
        let sealed = two.seal(user, &secret);
        assert_eq!(
            two.open(user, &sealed).map(|s| s.base32()),
            Some(secret.base32())
        );
        assert!(two.open(Uuid::new_v4(), &sealed).is_none());
        let other = TwoFactor::new(b"another-secret-another-secret-xx", false);
        assert!(other.open(user, &sealed).is_none());
    }
}
