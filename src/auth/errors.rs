//! The auth feature's error codes, listed once, and `AccountError`, the typed
//! failure of the `Accounts` flows, which turns into the API's error body.
//! `too_many_attempts`, `busy` and `validation_failed` are rendered by
//! `crate::error` (`ApiError::Throttled`, `ApiError::Busy`,
//! `ApiError::Validation`), shared with other features; their constants here
//! are checked against it.

use axum::http::StatusCode;
use validator::ValidationErrors;

use super::hash_pool::HashError;
use crate::{error::ApiError, session::IssueError};

/// 401: unknown user or wrong password alike (a disabled account with a
/// wrong password too).
pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
/// 403: the password was right but an administrator disabled the account.
pub const ACCOUNT_DISABLED: &str = "account_disabled";
/// 429, with `Retry-After`: the account or the IP failed too often.
pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
/// 409: the username is taken (case-insensitively).
pub const USERNAME_TAKEN: &str = "username_taken";
/// 409: the email is already registered (case-insensitively).
pub const EMAIL_TAKEN: &str = "email_taken";
/// 403: `auth.registration = "closed"`.
pub const REGISTRATION_CLOSED: &str = "registration_closed";
/// 401: the route needs a logged-in user.
pub const NOT_AUTHENTICATED: &str = "not_authenticated";
/// 422: the body's fields fail their rules; `fields` names each.
pub const VALIDATION_FAILED: &str = "validation_failed";
/// 401: a second-factor code that is wrong, or was used already.
pub const INVALID_CODE: &str = "invalid_code";
/// 401: no half-finished sign-in of this browser (none begun, expired
/// after five minutes, already used, or the credentials changed since).
pub const SIGN_IN_EXPIRED: &str = "sign_in_expired";
/// 409: two-factor sign-in is on already; turn it off first.
pub const TWO_FACTOR_ENABLED: &str = "two_factor_enabled";
/// 409: two-factor sign-in is off.
pub const TWO_FACTOR_NOT_ENABLED: &str = "two_factor_not_enabled";
/// 409: no two-factor setup was begun (or it was confirmed already).
pub const NO_PENDING_SETUP: &str = "no_pending_setup";
/// 404: not one of the caller's trusted browsers.
pub const TRUSTED_BROWSER_NOT_FOUND: &str = "trusted_browser_not_found";
/// 404: not one of the caller's new-device notices.
pub const NOTICE_NOT_FOUND: &str = "notice_not_found";
/// 404: passkeys are off (`server.public_origin`'s host is an IP address).
pub const PASSKEYS_UNAVAILABLE: &str = "passkeys_unavailable";
/// 401: a passkey credential that does not answer its ceremony: unknown or
/// removed, a bad signature, no user verification, or a signature counter
/// that did not go up (a cloned authenticator).
pub const PASSKEY_REFUSED: &str = "passkey_refused";
/// 401: no passkey ceremony of this browser to finish (none begun, over
/// five minutes old, or used already).
pub const PASSKEY_CEREMONY_EXPIRED: &str = "passkey_ceremony_expired";
/// 404: not one of the caller's passkeys.
pub const PASSKEY_NOT_FOUND: &str = "passkey_not_found";
/// 403: the account signs in through a single sign-on provider only; it
/// has no password to log in or re-authenticate with.
pub const PASSWORD_NOT_SET: &str = "password_not_set";
/// 503, with `Retry-After`: the password-hashing queue is full.
pub const BUSY: &str = "busy";
/// How long a client told `busy` should wait: a hash takes well under that.
const BUSY_RETRY_AFTER_SECS: u64 = 1;

/// Why an account flow did not go through.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("wrong username or password")]
    InvalidCredentials,
    /// Only after the password was verified.
    #[error("this account is disabled")]
    AccountDisabled,
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("the password hashing queue is full")]
    Busy,
    #[error("registration is closed")]
    RegistrationClosed,
    #[error("log in first")]
    NotAuthenticated,
    #[error("invalid fields")]
    Invalid(ValidationErrors),
    #[error("wrong code")]
    InvalidCode,
    #[error("no sign-in awaits a code")]
    SignInExpired,
    #[error("two-factor sign-in is on already")]
    TwoFactorEnabled,
    #[error("two-factor sign-in is off")]
    TwoFactorNotEnabled,
    #[error("no two-factor setup was begun")]
    NoPendingSetup,
    #[error("passkeys are off")]
    PasskeysUnavailable,
    #[error("passkey refused")]
    PasskeyRefused,
    #[error("no passkey ceremony to finish")]
    CeremonyExpired,
    #[error("no such passkey")]
    PasskeyNotFound,
    /// Only after the account was found (and a dummy hash verified, at
    /// login).
    #[error("this account has no password")]
    PasswordNotSet,
    /// A taken username or email (from the unique constraints), or a
    /// server-side failure.
    #[error(transparent)]
    Other(#[from] ApiError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        Self::Other(e.into())
    }
}

impl From<HashError> for AccountError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy => Self::Busy,
            HashError::Failed(e) => e.into(),
        }
    }
}

/// A series refused for a disabled account: for a caller already logged in
/// (a password change) the session is over. Login turns it into a failed
/// login itself.
impl From<IssueError> for AccountError {
    fn from(e: IssueError) -> Self {
        match e {
            IssueError::AccountDisabled => Self::NotAuthenticated,
            IssueError::Failed(e) => e.into(),
        }
    }
}

impl From<anyhow::Error> for AccountError {
    fn from(e: anyhow::Error) -> Self {
        Self::Other(e.into())
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::InvalidCredentials => {
                ApiError::unauthorized(INVALID_CREDENTIALS, "wrong username or password")
            }
            AccountError::AccountDisabled => ApiError::forbidden(
                ACCOUNT_DISABLED,
                "this account is disabled; ask an administrator",
            ),
            AccountError::TooManyAttempts { retry_after_secs } => {
                ApiError::Throttled { retry_after_secs }
            }
            AccountError::Busy => ApiError::Busy {
                retry_after_secs: BUSY_RETRY_AFTER_SECS,
            },
            AccountError::RegistrationClosed => {
                ApiError::forbidden(REGISTRATION_CLOSED, "registration is closed")
            }
            AccountError::NotAuthenticated => not_authenticated(),
            AccountError::Invalid(errors) => errors.into(),
            AccountError::InvalidCode => {
                ApiError::unauthorized(INVALID_CODE, "wrong or already used code")
            }
            AccountError::SignInExpired => ApiError::unauthorized(
                SIGN_IN_EXPIRED,
                "no sign-in awaits a code here; sign in with your password again",
            ),
            AccountError::TwoFactorEnabled => ApiError::new(
                StatusCode::CONFLICT,
                TWO_FACTOR_ENABLED,
                "two-factor sign-in is on already; turn it off first",
            ),
            AccountError::TwoFactorNotEnabled => ApiError::new(
                StatusCode::CONFLICT,
                TWO_FACTOR_NOT_ENABLED,
                "two-factor sign-in is off",
            ),
            AccountError::NoPendingSetup => ApiError::new(
                StatusCode::CONFLICT,
                NO_PENDING_SETUP,
                "begin the two-factor setup first",
            ),
            AccountError::PasskeysUnavailable => ApiError::new(
                StatusCode::NOT_FOUND,
                PASSKEYS_UNAVAILABLE,
                "passkeys are off on this server (its public origin is an IP address)",
            ),
            AccountError::PasskeyRefused => {
                ApiError::unauthorized(PASSKEY_REFUSED, "this passkey was not accepted")
            }
            AccountError::CeremonyExpired => ApiError::unauthorized(
                PASSKEY_CEREMONY_EXPIRED,
                "no passkey request is waiting here; start again",
            ),
            AccountError::PasskeyNotFound => {
                ApiError::new(StatusCode::NOT_FOUND, PASSKEY_NOT_FOUND, "no such passkey")
            }
            AccountError::PasswordNotSet => ApiError::forbidden(
                PASSWORD_NOT_SET,
                "this account signs in through its single sign-on provider and has no password; use the provider's button",
            ),
            AccountError::Other(e) => e,
        }
    }
}

pub fn not_authenticated() -> ApiError {
    ApiError::unauthorized(NOT_AUTHENTICATED, "log in first")
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;

    use super::*;

    async fn code_of(e: ApiError) -> String {
        let body = axum::body::to_bytes(e.into_response().into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        body["error"]["code"].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn shared_codes_match_what_crate_error_renders() {
        let throttled = AccountError::TooManyAttempts {
            retry_after_secs: 1,
        };
        assert_eq!(code_of(throttled.into()).await, TOO_MANY_ATTEMPTS);
        let invalid = AccountError::Invalid(ValidationErrors::new());
        assert_eq!(code_of(invalid.into()).await, VALIDATION_FAILED);
        assert_eq!(code_of(AccountError::Busy.into()).await, BUSY);
    }
}
