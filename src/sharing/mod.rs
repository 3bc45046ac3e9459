//! Sharing: a logged-in owner (or an admin) lets other users view or edit a
//! task. Who may do what with a share is not decided here: the share rows
//! feed the SQL function `task_access`, and every write is authorized with
//! `Viewer::authorize(Right::Manage)`. Each grant, change and revocation is
//! audited and published (`tasks::notify_access`) in its own transaction.

mod errors;
mod extract;
mod model;
mod queries;
mod routes;
mod service;

pub(crate) use errors::user_not_found;
pub(crate) use extract::LoggedIn;
pub(crate) use model::{Permission, Share};
pub(crate) use queries::notify_owner_access_changed;
pub(crate) use service::{grant, revoke};

pub use routes::router;
