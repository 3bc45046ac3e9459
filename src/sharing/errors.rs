//! The sharing feature's error codes, listed once.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use crate::error::ApiError;

/// 401: sharing is for logged-in users only.
pub(crate) const LOGIN_REQUIRED: &str = "login_required";
/// 404: no enabled account has that username.
pub(crate) const USER_NOT_FOUND: &str = "user_not_found";
/// 404: the task is not shared with that username.
pub(crate) const SHARE_NOT_FOUND: &str = "share_not_found";
/// 409: the task belongs to an anonymous session, not to an account.
pub(crate) const ANONYMOUS_TASK: &str = "anonymous_task";

pub(crate) fn login_required() -> ApiError {
    ApiError::unauthorized(LOGIN_REQUIRED, "log in to share tasks")
}

pub(crate) fn user_not_found() -> ApiError {
    ApiError::not_found(USER_NOT_FOUND, "no such user")
}

pub(super) fn share_not_found() -> ApiError {
    ApiError::not_found(SHARE_NOT_FOUND, "the task is not shared with this user")
}

pub(super) fn anonymous_task() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ANONYMOUS_TASK,
        "a task uploaded without logging in cannot be shared; its owner logs in first",
    )
}

/// 422 `validation_failed` with `fields.username = ["is_owner"]`: the owner
/// already has the task.
pub(super) fn share_with_owner() -> ApiError {
    ApiError::Validation(BTreeMap::from([(
        "username".to_owned(),
        vec!["is_owner".to_owned()],
    )]))
}
