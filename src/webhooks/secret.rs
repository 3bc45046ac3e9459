//! Signing secrets: 32 random bytes, shown once as `whsec_` + base64 (the
//! form Standard Webhooks libraries take), kept sealed under a key derived
//! from `session.secret` and bound to the endpoint's id, so neither a copy
//! of the table nor a row moved to another endpoint signs anything. A
//! delivery is signed `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.

use base64::{Engine, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use uuid::Uuid;

use crate::config::SessionSettings;

const PREFIX: &str = "whsec_";
const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// An endpoint's signing key.
pub(super) struct Secret(Vec<u8>);

impl Secret {
    pub(super) fn generate() -> Self {
        let mut key = vec![0; KEY_BYTES];
        getrandom::fill(&mut key).expect("the OS random source works");
        Self(key)
    }

    /// The form its owner is shown once.
    pub(super) fn encoded(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// `v1,<signature>` of one message.
    pub(super) fn sign(&self, message_id: &str, timestamp: i64, body: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(format!("{message_id}.{timestamp}.").as_bytes());
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// Seals and opens secrets under the deployment's key.
pub struct Sealer(XChaCha20Poly1305);

impl Sealer {
    pub fn new(session: &SessionSettings) -> anyhow::Result<Self> {
        let secret = session
            .secret
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("session.secret is not set"))?;
        let key =
            crate::session::derive_key(secret.expose_secret().as_bytes(), "minutes/webhook-secret");
        Ok(Self(XChaCha20Poly1305::new(&key.into())))
    }

    pub(super) fn seal(&self, webhook_id: Uuid, secret: &Secret) -> Vec<u8> {
        let mut nonce = [0; NONCE_BYTES];
        getrandom::fill(&mut nonce).expect("the OS random source works");
        let payload = Payload {
            msg: &secret.0,
            aad: webhook_id.as_bytes(),
        };
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), payload)
            .expect("sealing a short secret cannot fail");
        [nonce.as_slice(), &sealed].concat()
    }

    pub(super) fn open(&self, webhook_id: Uuid, sealed: &[u8]) -> Option<Secret> {
        let (nonce, sealed) = sealed.split_at_checked(NONCE_BYTES)?;
        let payload = Payload {
            msg: sealed,
            aad: webhook_id.as_bytes(),
        };
        self.0
            .decrypt(XNonce::from_slice(nonce), payload)
            .ok()
            .map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification.
    #[test]
    fn signs_as_the_specification_example() {
        let key = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            Secret(key).sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_endpoint() {
        let sealer = Sealer::new(&test_session()).unwrap();
        let (id, secret) = (Uuid::new_v4(), Secret::generate());
        let sealed = sealer.seal(id, &secret);
        assert_eq!(sealer.open(id, &sealed).unwrap().0, secret.0);
        assert!(sealer.open(Uuid::new_v4(), &sealed).is_none());
        assert!(secret.encoded().starts_with("whsec_"));
    }

    fn test_session() -> SessionSettings {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/config");
        crate::config::Settings::from_figment(crate::config::Settings::figment(dir, "test"))
            .unwrap()
            .session
    }
}
