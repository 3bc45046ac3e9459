//! Half-finished sign-ins (`sign_in_challenges`): the password was right
//! and a second factor is due. Not a session: the browser holds a random
//! challenge in a short-lived `HttpOnly` cookie (`__Host-signin`, or
//! `signin` locally), the table only its SHA-256, for `TTL` at most; the
//! sign-in that completes it deletes it in its own transaction, so it is
//! used once.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use tower_sessions::cookie::{Cookie, SameSite};
use uuid::Uuid;

/// How long a browser has to give its second factor.
pub const TTL: Duration = Duration::minutes(5);

/// Response headers that set or clear the challenge cookie.
pub type SetChallengeCookie = [(HeaderName, HeaderValue); 1];

/// A pending sign-in as stored.
#[derive(Debug)]
pub struct Challenge {
    pub user_id: Uuid,
    pub credential_epoch: i64,
    pub trusted_device: bool,
}

/// The challenge cookie's name and attributes.
pub struct ChallengeCookie {
    name: &'static str,
    secure: bool,
}

impl ChallengeCookie {
    pub fn new(secure: bool) -> Self {
        Self::named("__Host-signin", "signin", secure)
    }

    /// Another short-lived cookie of the same kind (a passkey ceremony's):
    /// `secure_name` over HTTPS, `local_name` locally.
    pub fn named(secure_name: &'static str, local_name: &'static str, secure: bool) -> Self {
        Self {
            name: if secure { secure_name } else { local_name },
            secure,
        }
    }

    fn build(&self, value: String, max_age: Duration) -> SetChallengeCookie {
        let cookie = Cookie::build((self.name, value))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path("/")
            .secure(self.secure)
            .max_age(max_age)
            .build();
        let value = HeaderValue::from_str(&cookie.to_string()).expect("a valid cookie");
        [(header::SET_COOKIE, value)]
    }

    /// A new random challenge and the header that gives it to the browser.
    pub fn issue(&self) -> (Vec<u8>, SetChallengeCookie) {
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).expect("the OS random number generator failed");
        let token = URL_SAFE_NO_PAD.encode(raw);
        (hash(&token), self.build(token, TTL))
    }

    /// The header that removes the cookie.
    pub fn clear(&self) -> SetChallengeCookie {
        self.build(String::new(), Duration::ZERO)
    }

    /// The SHA-256 of the request's challenge, if it carries one.
    pub fn read(&self, headers: &HeaderMap) -> Option<Vec<u8>> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, value)| *name == self.name && !value.is_empty())
            .map(|(_, value)| hash(value))
    }
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Stores a challenge; the account's expired ones go.
#[tracing::instrument(skip(conn, token_hash), err)]
pub async fn insert(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user_id: Uuid,
    credential_epoch: i64,
    trusted_device: bool,
) -> sqlx::Result<OffsetDateTime> {
    sqlx::query!(
        "DELETE FROM sign_in_challenges WHERE user_id = $1 AND expires_at <= now()",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        "INSERT INTO sign_in_challenges
             (token_hash, user_id, credential_epoch, trusted_device, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
         RETURNING expires_at",
        token_hash,
        user_id,
        credential_epoch,
        trusted_device,
        TTL.as_seconds_f64(),
    )
    .fetch_one(conn)
    .await
}

/// The live challenge with this hash.
#[tracing::instrument(skip_all, err)]
pub async fn get(db: &PgPool, token_hash: &[u8]) -> sqlx::Result<Option<Challenge>> {
    sqlx::query_as!(
        Challenge,
        "SELECT user_id, credential_epoch, trusted_device FROM sign_in_challenges
         WHERE token_hash = $1 AND expires_at > now()",
        token_hash
    )
    .fetch_optional(db)
    .await
}

/// Uses the challenge up: whether it was still there to use.
#[tracing::instrument(skip_all, err)]
pub async fn take(conn: &mut PgConnection, token_hash: &[u8]) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "DELETE FROM sign_in_challenges WHERE token_hash = $1 AND expires_at > now()",
        token_hash
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
