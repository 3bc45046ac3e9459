//! The account endpoints (docs/api.md, "Accounts"). Register and login live in
//! their own modules; here are the router and what a logged-in user does
//! with their account: who am I, log out, change my password. The flows
//! themselves are `Accounts`'.

use std::sync::Arc;

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    Accounts, current_user, device_cookie::SetDeviceCookie, extract::CurrentUser, login, notices,
    oidc, passkeys, reauth, register, session_routes, two_factor, users::User,
};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::{MaybeSession, SessionHandle},
};

pub fn router<S: Clone + Send + Sync + 'static>(accounts: Arc<Accounts>) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .merge(session_routes::router())
        .merge(register::router())
        .merge(login::router())
        .merge(two_factor::routes::router())
        .merge(passkeys::routes::router())
        .merge(reauth::router())
        .merge(notices::router())
        .merge(oidc::router())
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .with_state(accounts)
}

/// The logged-in caller's account.
#[utoipa::path(
    get,
    path = "/api/auth/me",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "The caller's account", body = User),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn me(State(accounts): State<Arc<Accounts>>, user: CurrentUser) -> Result<Json<User>> {
    Ok(Json(current_user(&accounts.db, user.id).await?))
}

/// Revokes the caller's series, whoever owns it, and clears the cookies.
/// Without a session there is nothing to revoke; the answer is the same.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "The series is revoked and the cookies cleared"),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn logout(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    MaybeSession(ctx): MaybeSession,
) -> Result<StatusCode> {
    if let Some(ctx) = ctx {
        accounts.logout(&ctx, &handle.client()).await?;
    }
    handle.clear();
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct PasswordChange {
    current_password: String,
    /// 12–128 characters.
    #[schema(min_length = 12, max_length = 128)]
    new_password: String,
}

/// Needs a fresh sign-in and the current password (throttled like a
/// login). Every series of the
/// user is revoked, this one included, and this browser gets a new pair:
/// whoever else held a session, or the old cookies, is out.
#[utoipa::path(
    post,
    path = "/api/auth/password",
    tag = "auth",
    request_body = PasswordChange,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Changed; every series of the user is revoked, every device cookie of the account stops counting, and this browser gets new cookies (a new device cookie too)"),
        (status = 401, description = "`not_authenticated`, or `invalid_credentials` for a wrong current password", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required` (no sign-in within `auth.fresh_secs`: sign in again first), `password_not_set` (the account has no password), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `new_password` is not 12–128 characters", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`busy`: the password-hashing queue is full, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn change_password(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    user: CurrentUser,
    headers: HeaderMap,
    JsonObject(body): JsonObject<PasswordChange>,
) -> Result<(StatusCode, SetDeviceCookie)> {
    let (ctx, issued, device) = accounts
        .change_password(
            user.id,
            &body.current_password,
            body.new_password,
            accounts.devices().read(&headers),
            &handle.client(),
            &user.session,
        )
        .await?;
    handle.issue(ctx, issued);
    Ok((StatusCode::NO_CONTENT, device))
}
