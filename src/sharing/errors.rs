//! The sharing feature's error codes, listed once, and `ShareError`, the
//! typed failure of the share flows, which turns into the API's body.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use crate::{error::ApiError, tasks::TaskError};

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

/// Why a share flow did not go through.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ShareError {
    /// No such task for the caller, or their access does not manage it.
    #[error(transparent)]
    Task(#[from] TaskError),
    #[error("a task uploaded without logging in cannot be shared; its owner logs in first")]
    AnonymousTask,
    #[error("no such user")]
    UserNotFound,
    /// The grantee is the task's owner, who has it already.
    #[error("the owner already has the task")]
    ShareWithOwner,
    #[error("the task is not shared with this user")]
    ShareNotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<ShareError> for ApiError {
    fn from(e: ShareError) -> Self {
        match e {
            ShareError::Task(e) => e.into(),
            ShareError::AnonymousTask => {
                ApiError::new(StatusCode::CONFLICT, ANONYMOUS_TASK, e.to_string())
            }
            ShareError::UserNotFound => user_not_found(),
            // 422 `validation_failed` with `fields.username = ["is_owner"]`.
            ShareError::ShareWithOwner => ApiError::Validation(BTreeMap::from([(
                "username".to_owned(),
                vec!["is_owner".to_owned()],
            )])),
            ShareError::ShareNotFound => ApiError::not_found(SHARE_NOT_FOUND, e.to_string()),
            ShareError::Database(e) => e.into(),
        }
    }
}
