//! Queries on `users` and `user_roles`, and `User`, an account as the API
//! shows it. `citext` columns are read and written as `text` (sqlx's macros
//! do not know the type); comparisons stay case-insensitive in PostgreSQL.

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    errors,
    identity::{Email, Username},
};
use crate::error::{ApiError, OnConstraint as _, Result};

/// An account as the API shows it (docs/api.md, "Accounts").
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A role held by an account (`user_roles`, seeded in `roles`). Every
/// account is a `member`; `admin` opens the admin endpoints and every task.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    sqlx::Type,
)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }
}

pub struct NewUser<'a> {
    pub username: &'a Username,
    pub email: Option<&'a Email>,
    pub password_hash: &'a str,
    /// False for an account a sign-in provider created: `password_hash`
    /// is then never verified.
    pub has_password: bool,
    pub roles: &'a [Role],
}

/// Inserts a user with its roles; a taken username or email is a 409.
#[tracing::instrument(skip_all, fields(username = new.username.as_str()), err)]
pub async fn create(conn: &mut PgConnection, new: NewUser<'_>) -> Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO users (id, username, email, password_hash, has_password)
         VALUES ($1, $2::text::citext, $3::text::citext, $4, $5)",
        id,
        new.username.as_str(),
        new.email.map(Email::as_str),
        new.password_hash,
        new.has_password,
    )
    .execute(&mut *conn)
    .await
    .on_constraint(
        "users_username_key",
        errors::USERNAME_TAKEN,
        "this username is taken",
    )
    .on_constraint(
        "users_email_key",
        errors::EMAIL_TAKEN,
        "this email is already registered",
    )?;
    let roles: Vec<&str> = new.roles.iter().map(|r| r.as_str()).collect();
    sqlx::query!(
        "INSERT INTO user_roles (user_id, role) SELECT $1, unnest($2::text[])",
        id,
        &roles as &[&str],
    )
    .execute(conn)
    .await?;
    Ok(id)
}

#[tracing::instrument(skip(db), err)]
pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        r#"SELECT id, username::text AS "username!", email::text AS email, created_at,
                  ARRAY(SELECT role FROM user_roles WHERE user_id = users.id ORDER BY role)
                      AS "roles!: Vec<Role>"
           FROM users WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// What checking a password needs to know about an account.
#[derive(Debug)]
pub struct Credentials {
    pub id: Uuid,
    pub username: String,
    pub password_hash: String,
    /// False for accounts a single sign-on provider created: no password
    /// to check, and `password_hash` holds none.
    pub has_password: bool,
    pub disabled: bool,
    /// What a device cookie must name to vouch for the account.
    pub credential_epoch: i64,
}

impl Credentials {
    /// Refuses a password check on an account that has no password.
    pub fn require_password(&self) -> Result<(), errors::AccountError> {
        if self.has_password {
            Ok(())
        } else {
            Err(errors::AccountError::PasswordNotSet)
        }
    }
}

/// How to find an account's credentials: by name at login, by id for a
/// logged-in user.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    Name(&'a Username),
    Id(Uuid),
}

#[tracing::instrument(skip(db), err)]
pub async fn credentials(db: &PgPool, by: Lookup<'_>) -> sqlx::Result<Option<Credentials>> {
    let (name, id) = match by {
        Lookup::Name(name) => (Some(name.as_str()), None),
        Lookup::Id(id) => (None, Some(id)),
    };
    sqlx::query_as!(
        Credentials,
        r#"SELECT id, username::text AS "username!", password_hash, has_password,
                  disabled_at IS NOT NULL AS "disabled!", credential_epoch
           FROM users WHERE username = $1::text::citext OR id = $2"#,
        name,
        id,
    )
    .fetch_optional(db)
    .await
}

/// Whether an account has this email (case-insensitively).
#[tracing::instrument(skip_all, err)]
pub async fn email_registered(db: impl PgExecutor<'_>, email: &Email) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS(SELECT 1 FROM users WHERE email = $1::text::citext) AS "taken!""#,
        email.as_str(),
    )
    .fetch_one(db)
    .await
}

/// Fails with the 409 the insert would give, before any hashing is spent on
/// a name or email that is taken. The unique constraints stay the real guard
/// against two registrations racing for one name.
#[tracing::instrument(skip_all, err)]
pub async fn ensure_free(db: &PgPool, username: &Username, email: Option<&Email>) -> Result<()> {
    let taken = sqlx::query!(
        r#"SELECT EXISTS(SELECT 1 FROM users WHERE username = $1::text::citext) AS "username!",
                  EXISTS(SELECT 1 FROM users WHERE email = $2::text::citext) AS "email!""#,
        username.as_str(),
        email.map(Email::as_str),
    )
    .fetch_one(db)
    .await?;
    let conflict = |code, message: &str| ApiError::new(StatusCode::CONFLICT, code, message);
    if taken.username {
        return Err(conflict(errors::USERNAME_TAKEN, "this username is taken"));
    }
    if taken.email {
        return Err(conflict(
            errors::EMAIL_TAKEN,
            "this email is already registered",
        ));
    }
    Ok(())
}

/// The credentials in force: the stored hash and the epoch device cookies
/// must name.
#[derive(Debug)]
pub struct InForce {
    pub password_hash: String,
    pub credential_epoch: i64,
}

/// The credentials in force, read under a share lock held until the
/// caller's transaction ends: a password change cannot commit in between,
/// so what the caller compares is what stays true until it commits.
#[tracing::instrument(skip(conn), err)]
pub async fn in_force_for_share(
    conn: &mut PgConnection,
    id: Uuid,
) -> sqlx::Result<Option<InForce>> {
    sqlx::query_as!(
        InForce,
        "SELECT password_hash, credential_epoch FROM users WHERE id = $1 FOR SHARE",
        id
    )
    .fetch_optional(conn)
    .await
}

/// Replaces the hash only if it is still `old`: a rehash based on a hash
/// that was replaced meanwhile must not write an old password back. The
/// password stays the same, and so do the credential epoch and the device
/// cookies. Whether it replaced it.
#[tracing::instrument(skip(db, old, new), err)]
pub async fn replace_password_hash(
    db: impl PgExecutor<'_>,
    id: Uuid,
    old: &str,
    new: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE users SET password_hash = $3, updated_at = now()
         WHERE id = $1 AND password_hash = $2",
        id,
        old,
        new,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new password, only in place of `old` (two changes racing cannot both
/// win): the credential epoch moves on, so every device cookie issued under
/// the old password stops counting. The new epoch, if it replaced it.
#[tracing::instrument(skip(conn, old, new), err)]
pub async fn set_password(
    conn: &mut PgConnection,
    id: Uuid,
    old: &str,
    new: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "UPDATE users SET password_hash = $3, credential_epoch = credential_epoch + 1,
                          updated_at = now()
         WHERE id = $1 AND password_hash = $2
         RETURNING credential_epoch",
        id,
        old,
        new,
    )
    .fetch_optional(conn)
    .await
}

/// The epoch a new device cookie of the account names.
#[tracing::instrument(skip(conn), err)]
pub async fn credential_epoch(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT credential_epoch FROM users WHERE id = $1", id)
        .fetch_one(conn)
        .await
}
