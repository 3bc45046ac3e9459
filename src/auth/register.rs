//! Creating accounts: `POST /api/auth/register` (the HTTP side of
//! `Accounts::register`, which also logs the browser in) and `create_user`,
//! behind `minutes user create`. Both parse with `Account`, so the API and
//! the command line enforce the same rules, and hash before opening a
//! transaction, so no lock waits on argon2.

use std::sync::Arc;

use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::ValidationErrors;

use super::{
    Accounts,
    device_cookie::SetDeviceCookie,
    identity::{Email, Username},
    password::{Hasher, Password},
    users::{self, NewUser, Role, User},
};
use crate::{
    audit,
    config::AuthSettings,
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
};
use utoipa_axum::{router::OpenApiRouter, routes};

/// A new account's fields, each parsed by its newtype; one 422 names every
/// bad field.
pub(super) struct Account {
    username: Username,
    email: Option<Email>,
    pub(super) password: Password,
}

impl Account {
    pub(super) fn parse(
        username: &str,
        email: Option<&str>,
        password: String,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let username = Username::parse(username).map_err(|e| errors.add("username", e));
        let email = email
            .map(Email::parse)
            .transpose()
            .map_err(|e| errors.add("email", e));
        let password = Password::parse(password).map_err(|e| errors.add("password", e));
        match (username, email, password) {
            (Ok(username), Ok(email), Ok(password)) => Ok(Self {
                username,
                email,
                password,
            }),
            _ => Err(errors),
        }
    }

    /// Fails with the 409 the insert would give if the name or email is taken.
    pub(super) async fn ensure_free(&self, db: &PgPool) -> Result<()> {
        users::ensure_free(db, &self.username, self.email.as_ref()).await
    }

    /// Inserts the account and its `user_registered` event.
    pub(super) async fn insert(
        &self,
        conn: &mut PgConnection,
        password_hash: &str,
        roles: &[Role],
        actor: &audit::Actor,
    ) -> Result<Uuid> {
        let new = NewUser {
            username: &self.username,
            email: self.email.as_ref(),
            password_hash,
            has_password: true,
            roles,
        };
        let id = users::create(conn, new).await?;
        let roles: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
        audit::record(
            conn,
            audit::Kind::UserRegistered,
            actor,
            Some(self.username.as_str()),
            serde_json::json!({ "user_id": id, "roles": roles }),
        )
        .await?;
        Ok(id)
    }
}

pub(super) fn router() -> OpenApiRouter<Arc<Accounts>> {
    OpenApiRouter::new().routes(routes!(register))
}

#[derive(Deserialize, ToSchema)]
struct RegisterBody {
    /// 3–32 characters of `[a-z0-9_.-]`.
    #[schema(min_length = 3, max_length = 32, pattern = "^[a-z0-9_.-]*$")]
    username: String,
    #[schema(required = false, format = Email, max_length = 254)]
    email: Option<String>,
    /// 12–128 characters.
    #[schema(min_length = 12, max_length = 128)]
    password: String,
}

#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "auth",
    request_body = RegisterBody,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Created, and logged in (new cookies)", body = User),
        (status = 403, description = "`registration_closed`, `csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 409, description = "`username_taken` or `email_taken`", body = ErrorResponse),
        (status = 422, description = "`validation_failed`, naming each bad field in `fields`", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`: too many registrations from this address, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`busy`: the password-hashing queue is full, with `Retry-After`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all)]
async fn register(
    State(accounts): State<Arc<Accounts>>,
    handle: SessionHandle,
    JsonObject(body): JsonObject<RegisterBody>,
) -> Result<(StatusCode, SetDeviceCookie, Json<User>)> {
    let signed_in = accounts
        .register(
            &body.username,
            body.email.as_deref(),
            body.password,
            &handle.client(),
            handle.current().as_ref(),
        )
        .await?;
    handle.issue(signed_in.session, signed_in.issued);
    Ok((StatusCode::CREATED, signed_in.device, Json(signed_in.user)))
}

/// What `minutes user create` asks for.
#[derive(Debug)]
pub struct NewAccount {
    pub username: String,
    pub email: Option<String>,
    pub password: String,
    /// Grants the `admin` role on top of `member`.
    pub admin: bool,
}

/// Creates an account from the command line: the API's rules, whatever
/// `auth.registration` says.
pub async fn create_user(
    db: &PgPool,
    auth: &AuthSettings,
    new: NewAccount,
) -> anyhow::Result<User> {
    let account = Account::parse(&new.username, new.email.as_deref(), new.password)
        .map_err(|errors| anyhow::anyhow!("invalid {}", describe(&errors)))?;
    account.ensure_free(db).await?;
    let hash = Hasher::new(auth)?.hash(&account.password).await?;
    let roles: &[Role] = if new.admin {
        &[Role::Admin, Role::Member]
    } else {
        &[Role::Member]
    };
    let mut tx = db.begin().await?;
    let via_cli = audit::Actor::default();
    let id = account.insert(&mut tx, &hash, roles, &via_cli).await?;
    tx.commit().await?;
    users::get(db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("user {id} vanished after creation"))
}

/// `username: too_short; password: too_long`, fields in a stable order.
fn describe(errors: &ValidationErrors) -> String {
    let mut fields: Vec<String> = errors
        .field_errors()
        .into_iter()
        .map(|(field, errs)| {
            let codes: Vec<&str> = errs.iter().map(|e| e.code.as_ref()).collect();
            format!("{field}: {}", codes.join(", "))
        })
        .collect();
    fields.sort();
    fields.join("; ")
}
