//! Accounts and login: users with argon2id passwords, registration, login
//! that upgrades the browser's session to a new series owned by the user,
//! logout, password changes, and throttling of failed logins. See `login`
//! for the flow that matters most.

mod extract;
mod hash_pool;
mod identity;
mod login;
mod password;
mod register;
mod routes;
mod throttle;
mod users;

use uuid::Uuid;

use crate::{
    app::AppState,
    audit,
    error::Result,
    session::{SessionContext, SessionHandle},
};

pub use extract::CurrentUser;
pub use password::{Hasher, Password};
pub use register::{NewAccount, create_user};
pub use routes::router;
pub use throttle::purge as purge_login_attempts;
pub use users::User;

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
        .ok_or_else(extract::not_authenticated)
}

/// Audit's view of the request: the session it acts in (`ctx`, which may be
/// one just started) and the client's IP.
fn actor(handle: &SessionHandle, ctx: Option<&SessionContext>) -> audit::Actor {
    audit::Actor {
        user_id: ctx.and_then(|c| c.user_id),
        series_id: ctx.map(|c| c.series_id),
        ip: handle.client().ip,
    }
}
