//! Tasks: uploads and what becomes of them. A task belongs to the browser
//! session series that uploaded it, or to a user; every query is scoped by the
//! caller's `Viewer`, so a task that is not yours is indistinguishable from
//! one that does not exist (404, never 403).

mod cursor;
mod errors;
mod filename;
mod hub;
mod minutes;
mod model;
pub(crate) mod queries;
mod routes;
mod sniff;
mod upload;
mod viewer;
mod ws;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{app::AppState, config::StorageSettings};

pub(crate) use cursor::Cursor;
pub use hub::{Hub, notify, notify_access, notify_minutes_updated};
pub use model::{JobInput, Stage, Status};
pub(crate) use queries::{adopt, job_input};
pub(crate) use viewer::Viewer;

/// Schemas no operation names: the WebSocket's messages.
#[derive(OpenApi)]
#[openapi(components(schemas(ws::Event)))]
struct WsMessages;

pub fn router(storage: &StorageSettings) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(WsMessages::openapi())
        .merge(upload::router(storage))
        .merge(routes::router())
        .merge(minutes::router())
        .merge(ws::router())
}
