//! The admin feature's error codes, listed once. An unknown user is the
//! sharing feature's `user_not_found`; bad pages are `paging`'s
//! `invalid_limit` and `invalid_cursor`.

use axum::http::StatusCode;

use crate::error::ApiError;

/// 403: the caller is logged in but not an (enabled) admin.
pub(crate) const FORBIDDEN: &str = "forbidden";
/// 409: the change would leave no enabled admin.
pub(crate) const LAST_ADMIN: &str = "last_admin";

pub(super) fn forbidden() -> ApiError {
    ApiError::forbidden(FORBIDDEN, "only admins may do this")
}

pub(super) fn last_admin() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        LAST_ADMIN,
        "the service must keep one enabled admin",
    )
}
