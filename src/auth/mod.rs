//! Accounts and login: users with argon2id passwords, registration, login
//! that upgrades the browser's session to a new series owned by the user,
//! two-factor sign-in (TOTP and recovery codes), passkeys, signing in again
//! for sensitive actions, single sign-on through OpenID Connect providers
//! (`oidc`), new-device notices, logout, password changes,
//! throttling of failed logins and registrations, and device cookies that
//! keep an attacked account's known browsers logging in. The flows live in `Accounts` (`accounts.rs` and its
//! neighbours); the handlers only carry HTTP to it.

mod accounts;
mod admission;
mod device_cookie;
pub mod errors;
mod extract;
mod hash_pool;
mod identity;
mod leftovers;
mod login;
mod login_flow;
#[cfg(test)]
mod login_race;
mod notices;
mod oidc;
mod passkeys;
mod passphrase;
mod password;
mod password_change;
mod reauth;
mod register;
mod roles;
mod routes;
mod session_routes;
mod sign_in;
mod throttle;
mod two_factor;
mod users;

use sqlx::PgPool;
use uuid::Uuid;

use crate::{error::Result, session::SessionContext};

pub use accounts::{Accounts, SignedIn};
pub use device_cookie::{Device, DeviceCookies, forget_devices};
pub use errors::AccountError;
pub use extract::CurrentUser;
pub use hash_pool::HashError;
pub use leftovers::purge as purge_sign_in_leftovers;
pub use login_flow::LoginStep;
pub use password::{Hasher, Password};
pub use register::{NewAccount, create_user};
pub use roles::{RoleHolder, another_enabled_admin, set_roles};
pub use routes::router;
pub use throttle::purge as purge_login_attempts;
pub use users::{Role, User};

/// The account a session belongs to, as the API shows it; `None` once the
/// user is gone.
pub async fn user_of(db: &PgPool, ctx: &SessionContext) -> Result<Option<User>> {
    match ctx.user_id {
        Some(id) => Ok(users::get(db, id).await?),
        None => Ok(None),
    }
}

/// The logged-in caller's account; 401 if it was deleted meanwhile.
async fn current_user(db: &PgPool, id: Uuid) -> Result<User> {
    users::get(db, id)
        .await?
        .ok_or_else(errors::not_authenticated)
}
