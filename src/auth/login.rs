//! Logging in. The throttle is checked first, so a throttled guesser costs no
//! CPU; then exactly one password verification runs whatever the account's
//! state — unknown usernames verify a dummy hash — so an unknown user, a wrong
//! password and a disabled account get the same 401 in about the same time.
//! A success replaces the browser's series with a new one owned by the user
//! (no session fixation) and adopts the old series' anonymous tasks, in one
//! transaction.

use axum::{Json, extract::State};
use serde::Deserialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    actor, current_user,
    identity::Username,
    password::{Password, Verdict},
    throttle::{self, Attempt},
    users::{self, Lookup, User},
};
use crate::{
    app::AppState,
    audit,
    error::{ApiError, ErrorResponse, Result},
    session::{Issued, Selector, SessionContext, SessionHandle},
    tasks,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login))
}

#[derive(Deserialize, ToSchema)]
struct LoginBody {
    username: String,
    password: String,
}

/// Why a password check failed: for the audit log, never for the client.
#[derive(Debug, Clone, Copy)]
pub(super) enum Failure {
    UnknownUser,
    WrongPassword,
    Disabled,
}

impl Failure {
    fn as_str(self) -> &'static str {
        match self {
            Self::UnknownUser => "unknown_user",
            Self::WrongPassword => "wrong_password",
            Self::Disabled => "disabled",
        }
    }
}

#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = LoginBody,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Logged in: a new series (new cookies) owned by the user, which adopts the old series' anonymous tasks", body = User),
        (status = 401, description = "`invalid_credentials`: unknown user, wrong password or disabled account alike", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    handle: SessionHandle,
    Json(body): Json<LoginBody>,
) -> Result<Json<User>> {
    // Login is case-insensitive like the column; a name that could never
    // have been registered has no account and no throttle key.
    let username = Username::parse(&body.username.to_lowercase()).ok();
    let name = username.as_ref().map(Username::as_str);
    let attempt = Attempt::new(name, handle.client().ip);
    check_throttle(&state, &handle, &attempt, name).await?;

    let found = match &username {
        Some(username) => users::credentials(&state.db, Lookup::Name(username)).await?,
        None => None,
    };
    let Some(user) = found else {
        state.passwords.verify_dummy(&body.password).await?;
        return reject(&state, &handle, &attempt, name, Failure::UnknownUser).await;
    };
    let verdict = state
        .passwords
        .verify(&body.password, &user.password_hash)
        .await?;
    let outdated = match verdict {
        Verdict::Wrong => {
            return reject(&state, &handle, &attempt, name, Failure::WrongPassword).await;
        }
        // Checked only after the password, so it costs the same and tells a
        // guesser nothing.
        Verdict::Right { .. } if user.disabled => {
            return reject(&state, &handle, &attempt, name, Failure::Disabled).await;
        }
        Verdict::Right { outdated } => outdated,
    };
    if outdated {
        rehash(&state, user.id, &body.password).await;
    }

    let mut tx = state.db.begin().await?;
    let (ctx, issued) = start_user_series(&mut tx, &state, &handle, user.id).await?;
    throttle::forget_account(&mut tx, &attempt).await?;
    audit::record(
        &mut tx,
        audit::Kind::LoginSucceeded,
        &actor(&handle, Some(&ctx)),
        Some(&user.username),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    handle.issue(ctx, issued);
    Ok(Json(current_user(&state, user.id).await?))
}

pub(super) fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("invalid_credentials", "wrong username or password")
}

/// 429 — audited — when the attempt's account or IP has failed too often.
pub(super) async fn check_throttle(
    state: &AppState,
    handle: &SessionHandle,
    attempt: &Attempt,
    subject: Option<&str>,
) -> Result<()> {
    let Some(retry_after_secs) =
        throttle::retry_after(&state.db, attempt, &state.settings.auth).await?
    else {
        return Ok(());
    };
    let mut conn = state.db.acquire().await?;
    audit::record(
        &mut conn,
        audit::Kind::LoginFailed,
        &actor(handle, handle.current().as_ref()),
        subject,
        serde_json::json!({ "reason": "throttled" }),
    )
    .await?;
    Err(ApiError::Throttled { retry_after_secs })
}

/// Counts and audits a failed password check; the answer is always the
/// same 401.
pub(super) async fn reject<T>(
    state: &AppState,
    handle: &SessionHandle,
    attempt: &Attempt,
    subject: Option<&str>,
    failure: Failure,
) -> Result<T> {
    let mut tx = state.db.begin().await?;
    throttle::record_failure(&mut tx, attempt, &state.settings.auth).await?;
    audit::record(
        &mut tx,
        audit::Kind::LoginFailed,
        &actor(handle, handle.current().as_ref()),
        subject,
        serde_json::json!({ "reason": failure.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Err(invalid_credentials())
}

/// Stores a hash under the configured parameters while the password is at
/// hand. Best effort: the login succeeds either way, and a password that
/// predates the current policy keeps its old hash.
async fn rehash(state: &AppState, user_id: Uuid, password: &str) {
    let Ok(password) = Password::parse(password.to_owned()) else {
        return;
    };
    let stored = async {
        let hash = state.passwords.hash(&password).await?;
        users::set_password_hash(&state.db, user_id, &hash).await?;
        anyhow::Ok(())
    };
    match stored.await {
        Ok(()) => tracing::info!(%user_id, "password re-hashed with the configured parameters"),
        Err(e) => tracing::warn!(%user_id, error = format!("{e:#}"), "re-hashing failed"),
    }
}

/// Replaces the browser's series with a new one owned by `user_id`, in the
/// caller's transaction: the old series, if any, is revoked and its
/// anonymous tasks go to the user. The caller commits, then installs the
/// pair with `SessionHandle::issue`.
pub(super) async fn start_user_series(
    conn: &mut PgConnection,
    state: &AppState,
    handle: &SessionHandle,
    user_id: Uuid,
) -> Result<(SessionContext, Issued)> {
    let (ctx, issued) = state
        .sessions
        .start_in(conn, Some(user_id), &handle.client())
        .await?;
    if let Some(old) = handle.current() {
        let actor = actor(handle, Some(&ctx));
        let old_series = Selector::series(old.series_id);
        state
            .sessions
            .revoke_in(conn, old_series, "login", &actor)
            .await?;
        tasks::adopt(conn, old.series_id, user_id).await?;
    }
    Ok((ctx, issued))
}
