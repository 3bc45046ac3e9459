//! Administration, for accounts with the `admin` role (`RequireAdmin`):
//! users with their roles, disabled flag and live sessions; role and
//! disabled changes that always leave one enabled admin; revoking a user's
//! sessions; every task; sharing any task (the sharing feature's own flows);
//! and the audit log.

mod accounts;
mod audit_log;
mod errors;
mod extract;
mod queries;
mod tasks;
mod users;

use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;

pub use accounts::set_admin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(users::router())
        .merge(tasks::router())
        .merge(audit_log::router())
}
