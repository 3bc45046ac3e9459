//! The templates feature's error codes, listed once.

use axum::http::StatusCode;

use crate::error::ApiError;

/// 404: no such template among the built-ins and the caller's own.
pub(crate) const TEMPLATE_NOT_FOUND: &str = "template_not_found";
/// 403: a built-in template cannot be changed or deleted.
pub(crate) const TEMPLATE_READ_ONLY: &str = "template_read_only";
/// 409: the caller has as many templates as one owner may.
pub(crate) const TOO_MANY_TEMPLATES: &str = "too_many_templates";
/// 404: an upload or regeneration names a template that is neither a
/// built-in nor the caller's (as a share naming no user is 404).
pub(crate) const UNKNOWN_TEMPLATE: &str = "unknown_template";

pub(crate) fn not_found() -> ApiError {
    ApiError::not_found(TEMPLATE_NOT_FOUND, "no such template")
}

pub(crate) fn read_only() -> ApiError {
    ApiError::forbidden(
        TEMPLATE_READ_ONLY,
        "a built-in template cannot be changed; create your own instead",
    )
}

pub(crate) fn too_many(max: i64) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        TOO_MANY_TEMPLATES,
        format!("at most {max} templates each; delete one first"),
    )
}

pub(crate) fn unknown_template() -> ApiError {
    ApiError::not_found(
        UNKNOWN_TEMPLATE,
        "no such template: name a built-in one (GET /api/templates) or one of your own",
    )
}
