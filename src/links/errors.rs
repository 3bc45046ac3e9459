//! The link feature's error codes, listed once.

use axum::http::StatusCode;

use crate::error::ApiError;

/// 404: for the public endpoints, no live link has this secret (unknown,
/// expired, revoked, its owner disabled or its meeting deleted: one answer
/// for all); for the owner's, no such link on a task the caller may manage.
pub(crate) const LINK_NOT_FOUND: &str = "link_not_found";
/// 400: a holder's request without the `Link-Secret` header.
pub(crate) const LINK_SECRET_MISSING: &str = "link_secret_missing";
/// 401: the link has a passphrase and none, or a wrong one, was given.
pub(crate) const PASSPHRASE_REQUIRED: &str = "passphrase_required";
/// 404: the link was made without the recording.
pub(crate) const RECORDING_NOT_SHARED: &str = "recording_not_shared";
/// 409: the task belongs to an anonymous session, not to an account.
pub(crate) const ANONYMOUS_TASK: &str = "anonymous_task";
/// 409: the owner has `MAX_LIVE` live links to the task already.
pub(crate) const TOO_MANY_LINKS: &str = "too_many_links";

pub(crate) fn link_not_found() -> ApiError {
    ApiError::not_found(
        LINK_NOT_FOUND,
        "no such link, or it has expired or was revoked",
    )
}

pub(crate) fn secret_missing() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        LINK_SECRET_MISSING,
        "send the link's secret in the Link-Secret header",
    )
}

pub(crate) fn passphrase_required() -> ApiError {
    ApiError::unauthorized(
        PASSPHRASE_REQUIRED,
        "this link needs its passphrase, and the one given (if any) is not it",
    )
}

pub(crate) fn recording_not_shared() -> ApiError {
    ApiError::not_found(
        RECORDING_NOT_SHARED,
        "this link does not share the recording",
    )
}

pub(crate) fn anonymous_task() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ANONYMOUS_TASK,
        "a task uploaded without logging in cannot be linked; its owner logs in first",
    )
}

pub(crate) fn editors_may_not_link() -> ApiError {
    ApiError::forbidden(
        "forbidden",
        "only the owner may make links to this meeting, unless they let editors do it",
    )
}
