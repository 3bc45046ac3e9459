//! Accounts and login: users with argon2id passwords, registration, login
//! that upgrades the browser's session to a new series owned by the user,
//! logout, password changes, and throttling of failed logins. The flows live
//! in `Accounts` (`accounts.rs`); the handlers only carry HTTP to it.

mod accounts;
pub mod errors;
mod extract;
mod hash_pool;
mod identity;
mod login;
mod password;
mod register;
mod routes;
mod session_routes;
mod throttle;
mod users;

use uuid::Uuid;

use crate::{app::AppState, error::Result, session::SessionContext};

pub use accounts::{Accounts, SignedIn};
pub use errors::AccountError;
pub use extract::CurrentUser;
pub use password::{Hasher, Password};
pub use register::{NewAccount, create_user};
pub use routes::router;
pub use throttle::purge as purge_login_attempts;
pub use users::{Role, User};

/// The account a session belongs to, as the API shows it; `None` once the
/// user is gone.
pub async fn user_of(state: &AppState, ctx: &SessionContext) -> Result<Option<User>> {
    match ctx.user_id {
        Some(id) => Ok(users::get(&state.db, id).await?),
        None => Ok(None),
    }
}

/// The logged-in caller's account; 401 if it was deleted meanwhile.
async fn current_user(state: &AppState, id: Uuid) -> Result<User> {
    users::get(&state.db, id)
        .await?
        .ok_or_else(errors::not_authenticated)
}
