//! The single sign-on endpoints (docs/api.md, "Single sign-on"): the
//! providers the login page offers, the start (a redirect to the provider)
//! and the callback (a redirect back to the page, with the result), linking
//! a provider from a signed-in account, and the account's linked
//! identities.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    errors::{IDENTITY_NOT_FOUND, LAST_SIGN_IN_METHOD},
    flow::{Finished, Refused, Reply},
    identities::{self, Identity, Unlink},
};
use crate::{
    audit,
    auth::{Accounts, CurrentUser, accounts::actor, current_user},
    error::{ApiError, ErrorResponse, Result},
    session::{SessionHandle, start_session},
};

pub(in crate::auth) fn router() -> OpenApiRouter<Arc<Accounts>> {
    OpenApiRouter::new()
        .routes(routes!(providers))
        .routes(routes!(start))
        .routes(routes!(callback))
        .routes(routes!(link))
        .routes(routes!(list_identities))
        .routes(routes!(unlink))
}

/// A provider the login page offers.
#[derive(Serialize, ToSchema)]
struct ProviderEntry {
    /// Its name in the routes (`auth.oidc.<name>`).
    name: String,
    /// What its button says.
    display_name: String,
}

/// The configured single sign-on providers, for the login page's buttons.
#[utoipa::path(
    get,
    path = "/api/auth/oidc/providers",
    tag = "auth",
    security((), ("session" = [])),
    responses((status = 200, description = "The providers, by name", body = [ProviderEntry])),
)]
async fn providers(State(accounts): State<Arc<Accounts>>) -> Json<Vec<ProviderEntry>> {
    let entries = accounts
        .oidc
        .iter()
        .map(|p| ProviderEntry {
            name: p.name.clone(),
            display_name: p.settings.display_name(&p.name).to_owned(),
        })
        .collect();
    Json(entries)
}

fn redirect(status: StatusCode, to: &str) -> Response {
    (status, [(header::LOCATION, to)]).into_response()
}

/// Sends the browser to the provider to sign in. A browser without a
/// session gets an anonymous one first: the request is bound to it.
#[utoipa::path(
    get,
    path = "/api/auth/oidc/{provider}/start",
    operation_id = "oidc_start",
    tag = "auth",
    params(("provider" = String, Path, description = "The provider's name")),
    security((), ("session" = [])),
    responses(
        (status = 302, description = "To the provider's authorization endpoint (code flow, PKCE, `state`, `nonce`)",
            headers(("Location" = String, description = "The provider's authorization URL"))),
        (status = 404, description = "`oidc_provider_not_found`", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`: too many new sessions from this address, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`oidc_unavailable`: the provider cannot be reached", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(provider = %name))]
async fn start(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    Path(name): Path<String>,
) -> Result<Response> {
    accounts.oidc_provider(&name)?;
    let ctx = start_session(&accounts.sessions, &handle).await?;
    let url = accounts.oidc_start(&name, ctx.series_id, None).await?;
    Ok(redirect(StatusCode::FOUND, url.as_str()))
}

/// What the provider sends back with the browser.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CallbackParams {
    /// The authorization code.
    code: Option<String>,
    /// The request's `state`, as sent to the provider.
    state: Option<String>,
    /// The provider's error (e.g. `access_denied`) instead of a code.
    error: Option<String>,
}

/// Where the provider sends the browser back. Always a redirect to the
/// page: signed in (`/#/`, new cookies: a new series owned by the user,
/// which adopts the old one's anonymous tasks), linked
/// (`/#/account?oidc_linked=<provider>`), or refused
/// (`/#/login?oidc_error=<code>`, `/#/account?oidc_error=<code>` for a
/// link): `oidc_state_invalid`, `oidc_denied`, `oidc_code_refused`,
/// `oidc_token_invalid`, `oidc_no_account`, `oidc_email_taken`,
/// `oidc_username_unavailable`, `oidc_identity_taken`,
/// `oidc_already_linked`, `oidc_unavailable`, `account_disabled`.
#[utoipa::path(
    get,
    path = "/api/auth/oidc/{provider}/callback",
    operation_id = "oidc_callback",
    tag = "auth",
    params(("provider" = String, Path, description = "The provider's name"), CallbackParams),
    security((), ("session" = [])),
    responses(
        (status = 303, description = "To the page, with the result in its hash",
            headers(("Location" = String, description = "`/#/`, `/#/account?oidc_linked=…`, or `…?oidc_error=<code>`"))),
    ),
)]
#[tracing::instrument(skip_all, fields(provider = %name))]
async fn callback(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(params): Query<CallbackParams>,
) -> Response {
    let reply = Reply {
        code: params.code,
        state: params.state,
        error: params.error,
    };
    let device = accounts.devices().read(&headers);
    let current = handle.current();
    let finished = accounts
        .oidc_callback(&name, reply, device, &handle.client(), current.as_ref())
        .await;
    match finished {
        Ok(Finished::SignedIn(signed_in)) => {
            handle.issue(signed_in.session, signed_in.issued);
            let to = redirect(StatusCode::SEE_OTHER, "/#/");
            (signed_in.device, to).into_response()
        }
        // `name` is a configured provider's: plain characters.
        Ok(Finished::Linked) => redirect(
            StatusCode::SEE_OTHER,
            &format!("/#/account?oidc_linked={name}"),
        ),
        Err(Refused { linking, failure }) => {
            let page = if linking { "account" } else { "login" };
            let to = format!("/#/{page}?oidc_error={}", failure.code());
            redirect(StatusCode::SEE_OTHER, &to)
        }
    }
}

#[derive(Serialize, ToSchema)]
struct LinkStart {
    /// Where to send the browser; the provider sends it back to the
    /// callback, which links the identity to this account.
    authorization_url: String,
}

/// Begins linking a provider's identity to the caller's account (a fresh
/// sign-in is needed). The browser then goes to `authorization_url`.
#[utoipa::path(
    post,
    path = "/api/auth/oidc/{provider}/link",
    operation_id = "oidc_link",
    tag = "auth",
    params(("provider" = String, Path, description = "The provider's name")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The provider's authorization URL", body = LinkStart),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required` (sign in again first), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`oidc_provider_not_found`", body = ErrorResponse),
        (status = 503, description = "`oidc_unavailable`: the provider cannot be reached", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, provider = %name))]
async fn link(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> Result<Json<LinkStart>> {
    accounts.oidc_provider(&name)?;
    accounts.sessions.require_fresh(&user.session).await?;
    let url = accounts
        .oidc_start(&name, user.session.series_id, Some(user.id))
        .await?;
    Ok(Json(LinkStart {
        authorization_url: url.into(),
    }))
}

#[derive(Serialize, ToSchema)]
struct IdentityList {
    /// False for an account a provider created: it signs in only through
    /// its providers, so the last one cannot be removed.
    has_password: bool,
    identities: Vec<Identity>,
}

/// The provider identities linked to the caller's account.
#[utoipa::path(
    get,
    path = "/api/account/identities",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "The linked identities, by provider", body = IdentityList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn list_identities(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<Json<IdentityList>> {
    let has_password = identities::has_password(&accounts.db, user.id).await?;
    let identities = identities::of_user(&accounts.db, user.id).await?;
    Ok(Json(IdentityList {
        has_password,
        identities,
    }))
}

/// Removes the caller's identity at a provider (a fresh sign-in is
/// needed); refused when it is the account's last way to sign in.
#[utoipa::path(
    delete,
    path = "/api/account/identities/{provider}",
    operation_id = "unlink_identity",
    tag = "auth",
    params(("provider" = String, Path, description = "The provider's name")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Removed: the identity no longer signs in to this account"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required` (sign in again first), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`identity_not_found`", body = ErrorResponse),
        (status = 409, description = "`last_sign_in_method`: the account has no password and no other identity", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, provider = %name))]
async fn unlink(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(name): Path<String>,
) -> Result<StatusCode> {
    accounts.sessions.require_fresh(&user.session).await?;
    let account = current_user(&accounts.db, user.id).await?;
    let mut tx = accounts.db.begin().await?;
    match identities::unlink(&mut tx, user.id, &name).await? {
        Unlink::NotFound => Err(ApiError::not_found(
            IDENTITY_NOT_FOUND,
            "no identity at that provider is linked",
        )),
        Unlink::LastWayIn => Err(ApiError::new(
            StatusCode::CONFLICT,
            LAST_SIGN_IN_METHOD,
            "this is the account's only way to sign in",
        )),
        Unlink::Removed => {
            let caller = actor(&handle.client(), Some(&user.session));
            let detail = serde_json::json!({ "provider": name });
            let kind = audit::Kind::IdentityUnlinked;
            audit::record(&mut tx, kind, &caller, Some(&account.username), detail).await?;
            tx.commit().await?;
            Ok(StatusCode::NO_CONTENT)
        }
    }
}
