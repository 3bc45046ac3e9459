//! The account endpoints (README, "Accounts"). Register and login live in their
//! own modules; here are the router and what a logged-in user does with
//! their account: who am I, log out, change my password.

use std::collections::BTreeMap;

use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    actor, current_user,
    extract::{CurrentUser, not_authenticated},
    login::{self, Failure},
    password::{Password, Verdict},
    register,
    throttle::Attempt,
    users::{self, Lookup, User},
};
use crate::{
    app::AppState,
    audit,
    error::{ApiError, ErrorResponse, Result},
    session::{MaybeSession, Selector, SessionHandle},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(register::router())
        .merge(login::router())
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
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
async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<User>> {
    Ok(Json(current_user(&state, user.id).await?))
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
    State(state): State<AppState>,
    handle: SessionHandle,
    MaybeSession(ctx): MaybeSession,
) -> Result<StatusCode> {
    if let Some(ctx) = ctx {
        let actor = actor(&handle, Some(&ctx));
        let mut tx = state.db.begin().await?;
        let this = Selector::series(ctx.series_id);
        state
            .sessions
            .revoke_in(&mut tx, this, "logout", &actor)
            .await?;
        audit::record(
            &mut tx,
            audit::Kind::Logout,
            &actor,
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
    }
    handle.clear();
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Needs the current password (throttled like a login). Every series of the
/// user is revoked, this one included, and this browser gets a new pair:
/// whoever else held a session, or the old cookies, is out.
#[utoipa::path(
    post,
    path = "/api/auth/password",
    tag = "auth",
    request_body = PasswordChange,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Changed; every series of the user is revoked and this browser gets new cookies"),
        (status = 401, description = "`not_authenticated`, or `invalid_credentials` for a wrong current password", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 422, description = "`validation_failed`: `new_password` is not 12–128 characters", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn change_password(
    State(state): State<AppState>,
    handle: SessionHandle,
    user: CurrentUser,
    Json(body): Json<PasswordChange>,
) -> Result<StatusCode> {
    let new = Password::parse(body.new_password).map_err(|e| {
        ApiError::Validation(BTreeMap::from([(
            "new_password".to_owned(),
            vec![e.code.into_owned()],
        )]))
    })?;
    let account = users::credentials(&state.db, Lookup::Id(user.id))
        .await?
        .ok_or_else(not_authenticated)?;
    let name = Some(account.username.as_str());
    let attempt = Attempt::new(name, handle.client().ip);
    login::check_throttle(&state, &handle, &attempt, name).await?;
    let verdict = state
        .passwords
        .verify(&body.current_password, &account.password_hash)
        .await?;
    if verdict == Verdict::Wrong {
        return login::reject(&state, &handle, &attempt, name, Failure::WrongPassword).await;
    }
    let hash = state.passwords.hash(&new).await?;

    let actor = actor(&handle, Some(&user.session));
    let mut tx = state.db.begin().await?;
    users::set_password_hash(&mut *tx, user.id, &hash).await?;
    let every_series = Selector::all_of_user(user.id, None);
    state
        .sessions
        .revoke_in(&mut tx, every_series, "password_changed", &actor)
        .await?;
    let (ctx, issued) = state
        .sessions
        .start_in(&mut tx, Some(user.id), &handle.client())
        .await?;
    audit::record(
        &mut tx,
        audit::Kind::PasswordChanged,
        &actor,
        name,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    handle.issue(ctx, issued);
    Ok(StatusCode::NO_CONTENT)
}
