//! Tasks: uploads and what becomes of them. A task belongs to the browser
//! session series that uploaded it, or to a user; every query is scoped by the
//! caller's `Viewer`, so a task that is not yours is indistinguishable from
//! one that does not exist (404, never 403).

mod cursor;
mod edit;
mod errors;
mod etag;
mod events;
mod filename;
mod hub;
mod minutes;
mod model;
pub(crate) mod page;
pub(crate) mod queries;
mod retry;
mod revisions;
mod routes;
mod sniff;
mod sockets;
mod topics;
mod upload;
mod viewer;
mod watchlist;
mod ws;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{app::AppState, config::StorageSettings};

pub(crate) use cursor::Cursor;
pub use hub::{Hub, notify, notify_access, notify_minutes_updated};
pub use model::{JobInput, Stage, Status};
pub use sockets::Slots;
// For the features built on task access (sharing, admin).
pub(crate) use errors::invalid_cursor;
pub(crate) use model::{Access, Right, Task, TaskRow};
pub(crate) use queries::{adopt, job_input};
pub use revisions::insert_processed as store_processed_minutes;
pub(crate) use viewer::Viewer;

/// Schemas no operation names: the WebSockets' messages.
#[derive(OpenApi)]
#[openapi(components(schemas(
    ws::Event,
    events::MinutesUpdatedEvent,
    events::VisibilityEvent,
    events::Visibility
)))]
struct WsMessages;

pub fn router(storage: &StorageSettings) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(WsMessages::openapi())
        .merge(upload::router(storage))
        .merge(routes::router())
        .merge(retry::router())
        .merge(ws::router())
        .merge(events::router())
}

/// The minutes, their edits and their revisions: JSON bodies, larger than
/// the app's other JSON (an edit carries the whole transcript), so the app
/// gives them a body limit of their own.
pub fn minutes_router() -> OpenApiRouter<AppState> {
    minutes::router()
}
