//! Device cookies (OWASP's defence against targeted lockout): a browser
//! that logged in to an account gets a long-lived cookie naming that
//! account, the account's credential epoch and a random device id, with a
//! MAC under a key derived from `session.secret`. Nothing is stored per
//! device: the MAC proves we issued it, and the epoch ties it to the
//! credentials in force — a password change, a disable and an admin's "sign
//! out everywhere" move the account's epoch on (`forget_devices`), and
//! every cookie issued before stops counting. A login or password change
//! carrying a valid cookie for the very account and epoch it is for skips
//! the account's and the IP's failure counters and counts against the
//! device's own small limit and one ceiling for all of the account's
//! devices instead, so guessing at an account or from an address does not
//! lock its owner's known browsers out, and stolen cookies do not multiply
//! the guesses.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::PgConnection;
use subtle::ConstantTimeEq;
use time::Duration;
use tower_sessions::cookie::{Cookie, SameSite};
use uuid::Uuid;

const USER_BYTES: usize = 16;
const EPOCH_BYTES: usize = 8;
const ID_BYTES: usize = 16;
const TAG_BYTES: usize = 16;
const ID_AT: usize = USER_BYTES + EPOCH_BYTES;
const SIGNED_BYTES: usize = ID_AT + ID_BYTES;
const TOKEN_BYTES: usize = SIGNED_BYTES + TAG_BYTES;
/// Long enough to outlast any attack worth defending against.
const LIFETIME: Duration = Duration::days(365);

/// Response headers that give a browser its device cookie.
pub type SetDeviceCookie = [(HeaderName, HeaderValue); 1];

/// A device just issued: its id and its cookie.
#[derive(Debug)]
pub struct NewDevice {
    pub id: String,
    pub cookie: SetDeviceCookie,
}

/// A device cookie we issued: the account and credential epoch it was
/// issued for and the device's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub user_id: Uuid,
    /// `users.credential_epoch` when it was issued.
    pub epoch: i64,
    /// The throttle key of this browser's own failure counter.
    pub id: String,
}

impl Device {
    /// Whether it vouches for this account as its credentials now are.
    pub(super) fn unlocks(&self, user_id: Uuid, epoch: i64) -> bool {
        self.user_id == user_id && self.epoch == epoch
    }
}

/// Moves the account's credential epoch on, in the caller's transaction:
/// every device cookie issued for it so far stops counting.
#[tracing::instrument(skip(conn), err)]
pub async fn forget_devices(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET credential_epoch = credential_epoch + 1 WHERE id = $1",
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Issues, reads and checks device cookies.
pub struct DeviceCookies {
    key: [u8; 32],
    name: &'static str,
    secure: bool,
}

impl DeviceCookies {
    pub fn new(secret: &[u8], secure: bool) -> Self {
        Self {
            key: crate::session::derive_key(secret, "minutes/device-cookie"),
            name: if secure { "__Host-device" } else { "device" },
            secure,
        }
    }

    fn tag(&self, signed: &[u8]) -> [u8; TAG_BYTES] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(signed);
        let full: [u8; 32] = mac.finalize().into_bytes().into();
        full[..TAG_BYTES].try_into().expect("a prefix of the MAC")
    }

    /// A `Set-Cookie` value for a new device of `user_id` under the
    /// account's credential epoch `epoch`.
    pub fn issue(&self, user_id: Uuid, epoch: i64) -> HeaderValue {
        self.issue_device(user_id, epoch).0
    }

    /// `issue`, with the new device's id.
    fn issue_device(&self, user_id: Uuid, epoch: i64) -> (HeaderValue, String) {
        let mut raw = [0u8; TOKEN_BYTES];
        raw[..USER_BYTES].copy_from_slice(user_id.as_bytes());
        raw[USER_BYTES..ID_AT].copy_from_slice(&epoch.to_be_bytes());
        getrandom::fill(&mut raw[ID_AT..SIGNED_BYTES])
            .expect("the OS random number generator failed");
        let tag = self.tag(&raw[..SIGNED_BYTES]);
        raw[SIGNED_BYTES..].copy_from_slice(&tag);
        let cookie = Cookie::build((self.name, URL_SAFE_NO_PAD.encode(raw)))
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.secure)
            .max_age(LIFETIME)
            .build();
        let value =
            HeaderValue::from_str(&cookie.to_string()).expect("base64url is a valid cookie value");
        (value, URL_SAFE_NO_PAD.encode(&raw[ID_AT..SIGNED_BYTES]))
    }

    /// The header that gives a browser a new device of `user_id`.
    pub fn set(&self, user_id: Uuid, epoch: i64) -> SetDeviceCookie {
        self.mint(user_id, epoch).cookie
    }

    /// A new device of `user_id`: its id (a trusted browser's trust moves
    /// to it) and the header that gives it to the browser.
    pub fn mint(&self, user_id: Uuid, epoch: i64) -> NewDevice {
        let (value, id) = self.issue_device(user_id, epoch);
        NewDevice {
            id,
            cookie: [(header::SET_COOKIE, value)],
        }
    }

    /// The device named by the request's cookie, if it carries one we issued.
    pub fn read(&self, headers: &HeaderMap) -> Option<Device> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| *name == self.name)
            .find_map(|(_, value)| self.parse(value))
    }

    fn parse(&self, value: &str) -> Option<Device> {
        let mut raw = [0u8; TOKEN_BYTES];
        match URL_SAFE_NO_PAD.decode_slice(value.as_bytes(), &mut raw) {
            Ok(TOKEN_BYTES) => {}
            _ => return None,
        }
        let tag = self.tag(&raw[..SIGNED_BYTES]);
        if !bool::from(tag.ct_eq(&raw[SIGNED_BYTES..])) {
            return None;
        }
        Some(Device {
            user_id: Uuid::from_slice(&raw[..USER_BYTES]).ok()?,
            epoch: i64::from_be_bytes(raw[USER_BYTES..ID_AT].try_into().ok()?),
            id: URL_SAFE_NO_PAD.encode(&raw[ID_AT..SIGNED_BYTES]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies() -> DeviceCookies {
        DeviceCookies::new(b"0123456789abcdef0123456789abcdef", false)
    }

    fn request_with(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(pair).unwrap());
        headers
    }

    #[test]
    fn an_issued_cookie_names_its_account_and_a_fresh_device() {
        let (cookies, user) = (cookies(), Uuid::new_v4());
        let first = cookies
            .read(&request_with(&cookies.issue(user, 3)))
            .unwrap();
        let second = cookies
            .read(&request_with(&cookies.issue(user, 3)))
            .unwrap();
        assert_eq!(first.user_id, user);
        assert_eq!(first.epoch, 3);
        assert!(first.unlocks(user, 3) && !first.unlocks(user, 4));
        assert_ne!(first.id, second.id);
        let set = cookies.issue(user, 3);
        let set = set.to_str().unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        assert!(set.contains("Max-Age=31536000"), "{set}");
    }

    #[test]
    fn a_cookie_we_did_not_issue_is_ignored() {
        let cookies = cookies();
        let issued = cookies.issue(Uuid::new_v4(), 0);
        let value = issued.to_str().unwrap().split(';').next().unwrap();
        let raw = URL_SAFE_NO_PAD
            .decode(value.split_once('=').unwrap().1)
            .unwrap();
        // Another account's id, or a later epoch, under the same MAC: refused.
        let mut headers = HeaderMap::new();
        for (at, with) in [
            (0, Uuid::new_v4().into_bytes().to_vec()),
            (ID_AT - 1, vec![1]),
        ] {
            let mut forged = raw.clone();
            forged[at..at + with.len()].copy_from_slice(&with);
            let forged = format!("device={}", URL_SAFE_NO_PAD.encode(&forged));
            headers.insert(header::COOKIE, HeaderValue::from_str(&forged).unwrap());
            assert_eq!(cookies.read(&headers), None);
        }
        // Another secret's cookie: refused.
        let other = DeviceCookies::new(b"another-secret-another-secret-xx", false);
        assert_eq!(
            cookies.read(&request_with(&other.issue(Uuid::new_v4(), 0))),
            None
        );
        headers.insert(header::COOKIE, HeaderValue::from_static("device=garbage"));
        assert_eq!(cookies.read(&headers), None);
    }

    #[test]
    fn secure_cookies_use_the_host_prefix() {
        let secure = DeviceCookies::new(b"0123456789abcdef0123456789abcdef", true);
        let set = secure.issue(Uuid::new_v4(), 0);
        let set = set.to_str().unwrap();
        assert!(
            set.starts_with("__Host-device=") && set.contains("Secure"),
            "{set}"
        );
    }
}
