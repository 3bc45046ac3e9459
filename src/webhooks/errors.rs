//! The webhook feature's error codes, listed once.

use axum::http::StatusCode;

use crate::error::ApiError;

/// 404: no such endpoint of the caller's.
pub(crate) const WEBHOOK_NOT_FOUND: &str = "webhook_not_found";
/// 404: no such delivery to an endpoint of the caller's.
pub(crate) const DELIVERY_NOT_FOUND: &str = "delivery_not_found";
/// 409: the endpoint is disabled; enable it before sending to it.
pub(crate) const WEBHOOK_DISABLED: &str = "webhook_disabled";
/// 409: the caller has as many endpoints as one user may.
pub(crate) const TOO_MANY_WEBHOOKS: &str = "too_many_webhooks";
/// 403: `all_tasks` is for admins.
pub(crate) const ADMIN_REQUIRED: &str = "admin_required";

pub(crate) fn not_found() -> ApiError {
    ApiError::not_found(WEBHOOK_NOT_FOUND, "no such webhook")
}

pub(crate) fn delivery_not_found() -> ApiError {
    ApiError::not_found(DELIVERY_NOT_FOUND, "no such delivery")
}

pub(crate) fn disabled() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        WEBHOOK_DISABLED,
        "the webhook is disabled; enable it first",
    )
}

pub(crate) fn too_many(max: i64) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        TOO_MANY_WEBHOOKS,
        format!("at most {max} webhooks each; delete one first"),
    )
}

pub(crate) fn admin_required() -> ApiError {
    ApiError::forbidden(
        ADMIN_REQUIRED,
        "only an admin may register a webhook for all tasks",
    )
}
