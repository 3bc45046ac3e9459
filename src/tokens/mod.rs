//! Personal API tokens (docs/api.md, "API tokens"): a logged-in user creates
//! scoped tokens for scripts, lists and revokes them; admins list and
//! revoke anyone's (the admin feature). The token as a credential — its shape,
//! lookup, cache and what it may reach — is the session feature's
//! (`session::bearer`); this feature is its management.

mod errors;
mod model;
mod queries;
mod routes;
mod service;

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;

use crate::{auth::Accounts, session::Sessions};

pub use model::{TokenList, TokenView};
pub use queries::list_of_user;
pub use routes::router;
pub use service::revoke;

/// What the token endpoints use.
#[derive(Clone, FromRef)]
pub struct TokensState {
    pub db: PgPool,
    pub sessions: Arc<Sessions>,
    pub accounts: Arc<Accounts>,
}
