//! `POST /api/auth/login`: the HTTP side of `Accounts::login`, which holds
//! the flow (throttle, one password verification whatever the account's
//! state, a new series owned by the user, adoption of the old series' tasks).
//! A success also gives the browser a device cookie for the account; an
//! account with two-factor sign-in gets 202 and a challenge instead
//! (`two_factor::routes` takes the code).

use std::sync::Arc;

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::{Accounts, login_flow::LoginStep, users::User};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn router() -> OpenApiRouter<Arc<Accounts>> {
    OpenApiRouter::new().routes(routes!(login))
}

#[derive(Deserialize, ToSchema)]
struct LoginBody {
    username: String,
    password: String,
}

/// The password was right and a second factor is due: no session yet.
#[derive(Serialize, ToSchema)]
struct SecondFactorDue {
    /// Always `totp`: a code from the authenticator app, or a recovery code.
    second_factor: &'static str,
    /// When the half-finished sign-in lapses (five minutes).
    #[serde(with = "crate::rfc3339")]
    expires_at: OffsetDateTime,
}

#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = LoginBody,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Logged in: a new series (new cookies) owned by the user, which adopts the old series' anonymous tasks", body = User),
        (status = 202, description = "The password is right and the account has two-factor sign-in: no session yet, a five-minute challenge cookie; finish with `POST /api/auth/login/second-factor`", body = SecondFactorDue),
        (status = 401, description = "`invalid_credentials`: unknown user or wrong password alike (a disabled account with a wrong password too)", body = ErrorResponse),
        (status = 403, description = "`account_disabled` (only after the right password), `password_not_set` (the account signs in through a single sign-on provider only), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`busy`: the password-hashing queue is full, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all)]
async fn login(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    headers: HeaderMap,
    JsonObject(body): JsonObject<LoginBody>,
) -> Result<Response> {
    let step = accounts
        .login(
            &body.username,
            &body.password,
            accounts.devices().read(&headers),
            &handle.client(),
            handle.current().as_ref(),
        )
        .await?;
    match step {
        LoginStep::SignedIn(signed_in) => {
            handle.issue(signed_in.session, signed_in.issued);
            // A fresh device id at each login: whatever the old one failed is moot.
            Ok((signed_in.device, Json(signed_in.user)).into_response())
        }
        LoginStep::SecondFactor(pending) => {
            let due = SecondFactorDue {
                second_factor: "totp",
                expires_at: pending.expires_at,
            };
            Ok((StatusCode::ACCEPTED, pending.cookie, Json(due)).into_response())
        }
    }
}
