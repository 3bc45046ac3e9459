//! Tasks: uploads and what becomes of them. A task belongs to the browser
//! session series that uploaded it, or to a user; every query is scoped by the
//! caller's `Viewer`, so a task that is not yours is indistinguishable from
//! one that does not exist (404, never 403).

mod cursor;
mod filename;
mod hub;
pub(crate) mod minutes;
mod model;
pub(crate) mod queries;
pub(crate) mod routes;
mod sniff;
pub(crate) mod upload;
pub(crate) mod ws;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use uuid::Uuid;

use crate::{app::AppState, config::StorageSettings, session::SessionContext};

pub use hub::{Hub, notify};
pub use model::{JobInput, Stage, Status};
pub(crate) use queries::{adopt, job_input};

/// Room for the multipart framing around the file (boundaries, part headers,
/// small extra fields); the file itself is counted while streaming.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

pub fn router(storage: &StorageSettings) -> Router<AppState> {
    let body_limit = storage.max_upload_bytes.saturating_add(MULTIPART_OVERHEAD);
    let body_limit = usize::try_from(body_limit).unwrap_or(usize::MAX);
    Router::new()
        .route(
            "/api/upload",
            post(upload::upload).layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/api/tasks", get(routes::list))
        .route(
            "/api/tasks/{task_id}",
            get(routes::get_one).delete(routes::delete),
        )
        .route("/api/tasks/{task_id}/media", get(routes::media))
        .route("/api/tasks/{task_id}/minutes", get(minutes::minutes))
        .route("/api/tasks/{task_id}/retry", post(minutes::retry))
        .route("/ws/{task_id}", get(ws::watch))
}

/// Whose tasks a request may see: a user's, or else its anonymous series'.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Viewer {
    pub series_id: Uuid,
    pub user_id: Option<Uuid>,
}

impl From<&SessionContext> for Viewer {
    fn from(ctx: &SessionContext) -> Self {
        Self {
            series_id: ctx.series_id,
            user_id: ctx.user_id,
        }
    }
}
