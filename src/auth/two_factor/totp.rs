//! RFC 6238 time-based one-time passwords as every authenticator app reads
//! them (HMAC-SHA1, 30-second steps, 6 digits, a base32 secret), the
//! `otpauth://` URI that carries the secret to the app, and the QR code of
//! that URI drawn as SVG here, so the page loads no script to draw it.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use qrcode::{QrCode, render::svg};
use sha1::Sha1;
use subtle::ConstantTimeEq;

/// 160 bits, the key length RFC 4226 recommends for HMAC-SHA1.
pub const SECRET_BYTES: usize = 20;
const STEP_SECS: i64 = 30;
const DIGITS: u32 = 6;
/// The app's clock may be a step behind or ahead.
const SKEW_STEPS: i64 = 1;

/// A TOTP secret. Its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct Secret([u8; SECRET_BYTES]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    pub fn generate() -> Self {
        let mut raw = [0u8; SECRET_BYTES];
        getrandom::fill(&mut raw).expect("the OS random number generator failed");
        Self(raw)
    }

    pub fn from_bytes(raw: &[u8]) -> Option<Self> {
        raw.try_into().ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// How people and apps type it: base32, no padding.
    pub fn base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    /// The code of time step `step`.
    pub fn code_at(&self, step: i64) -> String {
        let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let at = usize::from(digest[19] & 0x0f);
        let word = u32::from_be_bytes(digest[at..at + 4].try_into().expect("four bytes"));
        format!("{:06}", (word & 0x7fff_ffff) % 10u32.pow(DIGITS))
    }

    /// The time step whose code `code` is, within a step of `unix_secs`'s;
    /// the newest when several match. Every candidate is compared, in
    /// constant time.
    pub fn matching_step(&self, code: &str, unix_secs: i64) -> Option<i64> {
        let now = unix_secs.div_euclid(STEP_SECS);
        let mut found = None;
        for step in now - SKEW_STEPS..=now + SKEW_STEPS {
            if bool::from(self.code_at(step).as_bytes().ct_eq(code.as_bytes())) {
                found = Some(step);
            }
        }
        found
    }

    /// The `otpauth://totp/` URI an authenticator app takes in.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            issuer = enc(issuer),
            account = enc(account),
            secret = self.base32(),
        )
    }
}

/// Whether `code` has the shape of a TOTP code (six digits).
pub fn looks_like_code(code: &str) -> bool {
    code.len() == DIGITS as usize && code.bytes().all(|b| b.is_ascii_digit())
}

/// The QR code of `text` as a standalone SVG document.
pub fn qr_svg(text: &str) -> String {
    let code = QrCode::new(text.as_bytes()).expect("an otpauth URI fits in a QR code");
    code.render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 key and the 8-digit codes, whose last
    /// six digits are the 6-digit codes.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = Secret(*b"12345678901234567890");
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(secret.code_at(time / STEP_SECS), eight[2..], "at {time}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = Secret::generate();
        let now = 1_700_000_000;
        let step = now / STEP_SECS;
        assert_eq!(secret.matching_step(&secret.code_at(step), now), Some(step));
        assert_eq!(
            secret.matching_step(&secret.code_at(step - 1), now),
            Some(step - 1)
        );
        assert_eq!(
            secret.matching_step(&secret.code_at(step + 1), now),
            Some(step + 1)
        );
        let old = secret.code_at(step - 2);
        assert!(
            [step - 1, step, step + 1]
                .iter()
                .any(|s| secret.code_at(*s) == old)
                || secret.matching_step(&old, now).is_none()
        );
        assert_eq!(secret.matching_step("12345", now), None);
    }

    #[test]
    fn the_uri_carries_the_base32_secret() {
        let secret = Secret(*b"12345678901234567890");
        let uri = secret.uri("minutes", "ada lovelace");
        assert!(
            uri.starts_with("otpauth://totp/minutes:ada%20lovelace?secret="),
            "{uri}"
        );
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"),
            "{uri}"
        );
        assert!(qr_svg(&uri).starts_with("<?xml"));
    }
}
