//! Signing in again, for what only the person at the keyboard may do: a
//! sensitive action needs a sign-in within `auth.fresh_secs`
//! (`Sessions::require_fresh`), else 403 `reauthentication_required`; the
//! page then asks for the password, sends it to
//! `POST /api/auth/reauthenticate`, which checks and throttles it as a
//! password change's check is and marks the series signed in now, and
//! retries the action.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    CurrentUser,
    accounts::{Accounts, Outcome, actor},
    admission::{Failure, Purpose},
    device_cookie::Device,
    errors::AccountError,
    password::Verdict,
    throttle,
    users::{self, Lookup},
};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::{ClientMeta, SessionContext, SessionHandle, mark_signed_in},
};

pub(super) fn router() -> OpenApiRouter<Arc<Accounts>> {
    OpenApiRouter::new().routes(routes!(reauthenticate))
}

impl Accounts {
    /// Checks the logged-in user's password again, throttled as a password
    /// change's check is (a device cookie of the account counts against the
    /// device): `InvalidCredentials` when wrong, 429 past the throttle's
    /// limits. Right, the series counts as signed in now.
    pub async fn confirm_password(
        &self,
        user_id: Uuid,
        password: &str,
        device: Option<Device>,
        client: &ClientMeta,
        current: &SessionContext,
    ) -> Outcome<()> {
        let account = users::credentials(&self.db, Lookup::Id(user_id))
            .await?
            .filter(|account| !account.disabled)
            .ok_or(AccountError::NotAuthenticated)?;
        account.require_password()?;
        let name = Some(account.username.as_str());
        let caller = actor(client, Some(current));
        let device = device.filter(|d| d.unlocks(user_id, account.credential_epoch));
        let admitted = self
            .admit(
                Purpose::PasswordChange,
                name,
                client,
                device.as_ref(),
                &caller,
            )
            .await?;
        let check = self.hasher.verify(password, &account.password_hash);
        if self.spend(&admitted.claim, check).await? == Verdict::Wrong {
            return self
                .reject(&admitted.claim, name, &caller, Failure::WrongPassword)
                .await;
        }
        let mut tx = self.db.begin().await?;
        throttle::succeeded(&mut tx, &admitted.claim).await?;
        mark_signed_in(&mut tx, current.series_id).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[derive(Deserialize, ToSchema)]
struct ReauthBody {
    password: String,
}

/// The password again: the caller's session counts as freshly signed in,
/// for sensitive actions within `auth.fresh_secs`.
#[utoipa::path(
    post,
    path = "/api/auth/reauthenticate",
    tag = "auth",
    request_body = ReauthBody,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Signed in again just now"),
        (status = 401, description = "`not_authenticated`, or `invalid_credentials` for a wrong password", body = ErrorResponse),
        (status = 403, description = "`password_not_set` (the account signs in through a single sign-on provider only: sign in through it again), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`busy`: the password-hashing queue is full, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn reauthenticate(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    user: CurrentUser,
    headers: HeaderMap,
    JsonObject(body): JsonObject<ReauthBody>,
) -> Result<StatusCode> {
    accounts
        .confirm_password(
            user.id,
            &body.password,
            accounts.devices().read(&headers),
            &handle.client(),
            &user.session,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
