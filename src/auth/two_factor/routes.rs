//! The two-factor endpoints: the second step of a sign-in, setting up,
//! confirming and turning off TOTP, its QR code, and the trusted browsers
//! (listed and revoked from My sessions).

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::IntoResponse,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    SetChallengeCookie,
    setup::{RecoveryCodes, SetupView, TwoFactorStatus},
    trusted::{self, TrustedBrowser},
};
use crate::{
    auth::{Accounts, CurrentUser, device_cookie::SetDeviceCookie, errors, users::User},
    error::{ApiError, ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
};

pub(in crate::auth) fn router() -> OpenApiRouter<Arc<Accounts>> {
    OpenApiRouter::new()
        .routes(routes!(second_factor))
        .routes(routes!(status))
        .routes(routes!(setup))
        .routes(routes!(setup_qr))
        .routes(routes!(confirm))
        .routes(routes!(disable))
        .routes(routes!(list_trusted))
        .routes(routes!(revoke_trusted))
}

#[derive(Deserialize, ToSchema)]
struct SecondFactorBody {
    /// Six digits from the authenticator app, or a recovery code.
    code: String,
    /// Skip the code on this browser for 30 days.
    #[serde(default)]
    trust_browser: bool,
}

/// Finishes a sign-in that answered 202: the series is issued as by a
/// password login, and the challenge cookie is cleared.
#[utoipa::path(
    post,
    path = "/api/auth/login/second-factor",
    tag = "auth",
    request_body = SecondFactorBody,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Signed in: a new series (new cookies) owned by the user, as a password login gives", body = User),
        (status = 401, description = "`invalid_code` (wrong or already used), or `sign_in_expired`: no half-finished sign-in of this browser (none, over five minutes old, used, or the password changed since)", body = ErrorResponse),
        (status = 403, description = "`account_disabled`, `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`: too many wrong codes for the account, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all)]
async fn second_factor(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    headers: HeaderMap,
    JsonObject(body): JsonObject<SecondFactorBody>,
) -> Result<(SetChallengeCookie, SetDeviceCookie, Json<User>)> {
    let signed_in = accounts
        .complete_sign_in(
            &headers,
            body.code.trim(),
            body.trust_browser,
            accounts.devices().read(&headers),
            &handle.client(),
            handle.current().as_ref(),
        )
        .await?;
    handle.issue(signed_in.session, signed_in.issued);
    Ok((
        accounts.clear_challenge(),
        signed_in.device,
        Json(signed_in.user),
    ))
}

/// Whether the caller's account signs in with a second factor.
#[utoipa::path(
    get,
    path = "/api/auth/two-factor",
    operation_id = "two_factor_status",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account's second factor", body = TwoFactorStatus),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn status(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<Json<TwoFactorStatus>> {
    Ok(Json(accounts.two_factor_status(user.id).await?))
}

/// Begins a setup: a new secret, shown once here, awaiting confirmation.
#[utoipa::path(
    post,
    path = "/api/auth/two-factor/setup",
    operation_id = "two_factor_setup",
    tag = "auth",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The secret as text and as an `otpauth://` URI (its QR code: `GET /api/auth/two-factor/setup/qr.svg`)", body = SetupView),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required` (sign in again first), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 409, description = "`two_factor_enabled`: turn it off first", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn setup(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<Json<SetupView>> {
    Ok(Json(accounts.begin_setup(&user.session, user.id).await?))
}

/// The QR code of the pending setup's `otpauth://` URI, drawn by the server.
#[utoipa::path(
    get,
    path = "/api/auth/two-factor/setup/qr.svg",
    operation_id = "two_factor_setup_qr",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "An SVG image", content_type = "image/svg+xml", body = String),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 409, description = "`no_pending_setup`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn setup_qr(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<impl IntoResponse> {
    let svg = accounts.setup_qr(user.id).await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg))
}

#[derive(Deserialize, ToSchema)]
struct CodeBody {
    /// Six digits from the authenticator app (to turn off: or a recovery code).
    code: String,
}

/// Turns two-factor sign-in on with a code of the pending secret; answers
/// the recovery codes, shown this once.
#[utoipa::path(
    post,
    path = "/api/auth/two-factor/confirm",
    operation_id = "two_factor_confirm",
    tag = "auth",
    request_body = CodeBody,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "On; ten recovery codes, each usable once", body = RecoveryCodes),
        (status = 401, description = "`not_authenticated` or `invalid_code`", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required`, `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 409, description = "`no_pending_setup`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn confirm(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    user: CurrentUser,
    JsonObject(body): JsonObject<CodeBody>,
) -> Result<Json<RecoveryCodes>> {
    let codes = accounts
        .confirm_setup(&user.session, user.id, body.code.trim(), &handle.client())
        .await?;
    Ok(Json(codes))
}

/// Turns two-factor sign-in off, given a code or a recovery code; the
/// recovery codes and trusted browsers go with it.
#[utoipa::path(
    post,
    path = "/api/auth/two-factor/disable",
    operation_id = "two_factor_disable",
    tag = "auth",
    request_body = CodeBody,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Off"),
        (status = 401, description = "`not_authenticated` or `invalid_code`", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required`, `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 409, description = "`two_factor_not_enabled`", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`: too many wrong codes, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn disable(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    user: CurrentUser,
    JsonObject(body): JsonObject<CodeBody>,
) -> Result<StatusCode> {
    accounts
        .disable_two_factor(&user.session, user.id, body.code.trim(), &handle.client())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
struct TrustedBrowserList {
    trusted_browsers: Vec<TrustedBrowser>,
}

/// The browsers that skip the second factor, until they expire.
#[utoipa::path(
    get,
    path = "/api/auth/trusted-browsers",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account's trusted browsers, newest first", body = TrustedBrowserList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn list_trusted(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<Json<TrustedBrowserList>> {
    let trusted_browsers = trusted::list(&accounts.db, user.id).await?;
    Ok(Json(TrustedBrowserList { trusted_browsers }))
}

/// Stops trusting a browser: its next sign-in asks for a code again.
#[utoipa::path(
    delete,
    path = "/api/auth/trusted-browsers/{id}",
    operation_id = "revoke_trusted_browser",
    tag = "auth",
    params(("id" = Uuid, Path, description = "The trusted browser")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "No longer trusted"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`trusted_browser_not_found`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %id))]
async fn revoke_trusted(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    if trusted::remove(&accounts.db, user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(
            errors::TRUSTED_BROWSER_NOT_FOUND,
            "no such trusted browser",
        ))
    }
}
