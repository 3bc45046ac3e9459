//! Administration, for accounts with the `admin` role (`RequireAdmin`):
//! users with their roles, disabled flag and live sessions; role and
//! disabled changes that always leave one enabled admin; revoking a user's
//! sessions and API tokens; every task; sharing any task (the sharing feature's own flows);
//! and the audit log.

mod accounts;
mod audit_log;
mod errors;
mod extract;
mod queries;
mod tasks;
mod tokens;
mod users;

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;

use crate::session::Sessions;

pub use accounts::set_admin;

/// What the admin endpoints use: the database, and the sessions they revoke.
#[derive(Clone, FromRef)]
pub struct AdminState {
    pub db: PgPool,
    pub sessions: Arc<Sessions>,
}

pub fn router<S: Clone + Send + Sync + 'static>(state: AdminState) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .merge(users::router())
        .merge(tasks::router())
        .merge(audit_log::router())
        .merge(tokens::router())
        .with_state(state)
}
