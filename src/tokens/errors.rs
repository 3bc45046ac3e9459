//! The token feature's error codes, listed once.

use crate::error::ApiError;

/// 404: no such token of the caller's (or, for an admin, at all).
pub(crate) const TOKEN_NOT_FOUND: &str = "token_not_found";
/// 409: the user has `MAX_LIVE` live tokens already.
pub(crate) const TOO_MANY_TOKENS: &str = "too_many_tokens";

pub(crate) fn token_not_found() -> ApiError {
    ApiError::not_found(TOKEN_NOT_FOUND, "no such API token")
}
