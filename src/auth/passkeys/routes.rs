//! The passkey endpoints: registering (begin, finish), listing, renaming and
//! removing the caller's passkeys, and signing in with one (begin, finish).
//! The WebAuthn bodies are the JSON of `navigator.credentials` (with binary
//! fields in base64url), typed here as plain objects: one that is not a
//! credential answering the ceremony is `passkey_refused`.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::store::PasskeyView;
use crate::{
    auth::{
        Accounts, CurrentUser, device_cookie::SetDeviceCookie, two_factor::SetChallengeCookie,
        users::User,
    },
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
};

pub(in crate::auth) fn router() -> OpenApiRouter<Arc<Accounts>> {
    OpenApiRouter::new()
        .routes(routes!(register_begin))
        .routes(routes!(register_finish))
        .routes(routes!(list))
        .routes(routes!(rename, remove))
        .routes(routes!(sign_in_begin))
        .routes(routes!(sign_in_finish))
        .routes(routes!(reauth_begin))
        .routes(routes!(reauth_finish))
}

/// The options for `navigator.credentials.create()` or `.get()`, as
/// `{"publicKey": {…}}` with binary fields in base64url.
#[derive(Serialize, ToSchema)]
#[schema(value_type = Object)]
struct CeremonyOptions(Value);

#[derive(Deserialize, ToSchema)]
struct RegisterFinishBody {
    /// The `PublicKeyCredential` that `navigator.credentials.create()`
    /// gave, as JSON (binary fields in base64url).
    credential: Map<String, Value>,
    /// A name to know it by (trimmed; "Passkey" if blank).
    #[serde(default)]
    #[schema(max_length = 100)]
    name: String,
}

/// What `navigator.credentials.get()` gave.
#[derive(Deserialize, ToSchema)]
struct AssertionBody {
    /// The `PublicKeyCredential` as JSON (binary fields in base64url).
    credential: Map<String, Value>,
}

#[derive(Deserialize, ToSchema)]
struct RenameBody {
    /// Trimmed; "Passkey" if blank.
    #[schema(max_length = 100)]
    name: String,
}

#[derive(Serialize, ToSchema)]
struct PasskeyList {
    passkeys: Vec<PasskeyView>,
}

/// Begins registering a passkey for the caller: options for
/// `navigator.credentials.create()` (a discoverable credential, user
/// verification required) and a five-minute ceremony cookie.
#[utoipa::path(
    post,
    path = "/api/auth/passkeys/register/begin",
    operation_id = "passkey_register_begin",
    tag = "auth",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The creation options, and a ceremony cookie", body = CeremonyOptions),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required` (sign in again first), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`passkeys_unavailable`: the server's public origin is an IP address", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn register_begin(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<(SetChallengeCookie, Json<CeremonyOptions>)> {
    let begun = accounts
        .begin_passkey_registration(&user.session, user.id)
        .await?;
    Ok((begun.cookie, Json(CeremonyOptions(begun.options))))
}

/// Finishes the browser's registration with the authenticator's answer.
#[utoipa::path(
    post,
    path = "/api/auth/passkeys/register/finish",
    operation_id = "passkey_register_finish",
    tag = "auth",
    request_body = RegisterFinishBody,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Registered; the ceremony cookie is cleared", body = PasskeyView),
        (status = 401, description = "`not_authenticated`, `passkey_ceremony_expired` (no registration of this browser and series waits: none, used, or over five minutes old) or `passkey_refused` (the credential does not answer it)", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required`, `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn register_finish(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    user: CurrentUser,
    headers: HeaderMap,
    JsonObject(body): JsonObject<RegisterFinishBody>,
) -> Result<(StatusCode, SetChallengeCookie, Json<PasskeyView>)> {
    let view = accounts
        .finish_passkey_registration(
            &headers,
            Value::Object(body.credential),
            &body.name,
            &handle.client(),
            &user.session,
            user.id,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        accounts.clear_passkey_ceremony(),
        Json(view),
    ))
}

/// The caller's passkeys, oldest first.
#[utoipa::path(
    get,
    path = "/api/auth/passkeys",
    operation_id = "list_passkeys",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account's passkeys", body = PasskeyList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn list(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<Json<PasskeyList>> {
    let passkeys = accounts.passkeys(user.id).await?;
    Ok(Json(PasskeyList { passkeys }))
}

/// Renames one of the caller's passkeys.
#[utoipa::path(
    patch,
    path = "/api/auth/passkeys/{id}",
    operation_id = "rename_passkey",
    tag = "auth",
    params(("id" = Uuid, Path, description = "The passkey")),
    request_body = RenameBody,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Renamed", body = PasskeyView),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`passkey_not_found` (not one of the caller's) or `passkeys_unavailable`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %id))]
async fn rename(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    JsonObject(body): JsonObject<RenameBody>,
) -> Result<Json<PasskeyView>> {
    Ok(Json(
        accounts.rename_passkey(user.id, id, &body.name).await?,
    ))
}

/// Removes one of the caller's passkeys: it signs in no more.
#[utoipa::path(
    delete,
    path = "/api/auth/passkeys/{id}",
    operation_id = "remove_passkey",
    tag = "auth",
    params(("id" = Uuid, Path, description = "The passkey")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`reauthentication_required` (sign in again first), `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`passkey_not_found` (not one of the caller's) or `passkeys_unavailable`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %id))]
async fn remove(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    accounts
        .remove_passkey(id, &handle.client(), &user.session, user.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Begins a sign-in with a passkey, no username asked: options for
/// `navigator.credentials.get()` and a five-minute ceremony cookie.
#[utoipa::path(
    post,
    path = "/api/auth/passkeys/sign-in/begin",
    operation_id = "passkey_sign_in_begin",
    tag = "auth",
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The request options, and a ceremony cookie", body = CeremonyOptions),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn sign_in_begin(
    State(accounts): State<Arc<Accounts>>,
) -> Result<(SetChallengeCookie, Json<CeremonyOptions>)> {
    let begun = accounts.begin_passkey_sign_in().await?;
    Ok((begun.cookie, Json(CeremonyOptions(begun.options))))
}

/// Finishes the browser's passkey sign-in: a new series owned by the
/// passkey's account, as a password login gives, signed in just now.
#[utoipa::path(
    post,
    path = "/api/auth/passkeys/sign-in/finish",
    operation_id = "passkey_sign_in_finish",
    tag = "auth",
    request_body = AssertionBody,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Signed in: a new series (new cookies) owned by the user, which adopts the old series' anonymous tasks; the ceremony cookie is cleared", body = User),
        (status = 401, description = "`passkey_ceremony_expired` (no sign-in of this browser waits: none, used, or over five minutes old) or `passkey_refused` (unknown or removed passkey, bad signature, no user verification, or a signature counter that did not go up: a cloned authenticator, audited)", body = ErrorResponse),
        (status = 403, description = "`account_disabled`, `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn sign_in_finish(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    headers: HeaderMap,
    JsonObject(body): JsonObject<AssertionBody>,
) -> Result<(SetChallengeCookie, SetDeviceCookie, Json<User>)> {
    let signed_in = accounts
        .finish_passkey_sign_in(
            &headers,
            Value::Object(body.credential),
            accounts.devices().read(&headers),
            &handle.client(),
            handle.current().as_ref(),
        )
        .await?;
    handle.issue(signed_in.session, signed_in.issued);
    Ok((
        accounts.clear_passkey_ceremony(),
        signed_in.device,
        Json(signed_in.user),
    ))
}

/// Begins signing the caller in again with one of their passkeys (instead
/// of the password), for sensitive actions: options for
/// `navigator.credentials.get()` listing the account's passkeys, and a
/// five-minute ceremony cookie bound to this series.
#[utoipa::path(
    post,
    path = "/api/auth/reauthenticate/passkey/begin",
    operation_id = "passkey_reauth_begin",
    tag = "auth",
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The request options, and a ceremony cookie", body = CeremonyOptions),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`passkey_not_found` (the account has none) or `passkeys_unavailable`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn reauth_begin(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<(SetChallengeCookie, Json<CeremonyOptions>)> {
    let begun = accounts
        .begin_passkey_reauth(&user.session, user.id)
        .await?;
    Ok((begun.cookie, Json(CeremonyOptions(begun.options))))
}

/// Finishes it: the caller's session counts as freshly signed in, for
/// sensitive actions within `auth.fresh_secs`.
#[utoipa::path(
    post,
    path = "/api/auth/reauthenticate/passkey/finish",
    operation_id = "passkey_reauth_finish",
    tag = "auth",
    request_body = AssertionBody,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Signed in again just now; the ceremony cookie is cleared"),
        (status = 401, description = "`not_authenticated`, `passkey_ceremony_expired` or `passkey_refused` (not one of the caller's passkeys, a bad signature, or a counter that did not go up: audited as a clone)", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`passkeys_unavailable`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn reauth_finish(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    user: CurrentUser,
    headers: HeaderMap,
    JsonObject(body): JsonObject<AssertionBody>,
) -> Result<(StatusCode, SetChallengeCookie)> {
    accounts
        .finish_passkey_reauth(
            &headers,
            Value::Object(body.credential),
            &handle.client(),
            &user.session,
            user.id,
        )
        .await?;
    Ok((StatusCode::NO_CONTENT, accounts.clear_passkey_ceremony()))
}
