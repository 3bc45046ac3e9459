//! Tasks: uploads and what becomes of them. A task belongs to the browser
//! session series that uploaded it, or to a user; every query is scoped by the
//! caller's `Viewer`, so a task that is not yours is indistinguishable from
//! one that does not exist (404, never 403).

mod byte_range;
mod capabilities;
mod cursor;
mod edit;
mod errors;
mod etag;
mod events;
mod filename;
mod filters;
mod hub;
mod minutes;
mod model;
pub(crate) mod queries;
mod regenerate;
mod retry;
mod revisions;
mod routes;
mod save;
mod sniff;
mod sockets;
mod topics;
mod upload;
mod viewer;
mod watchlist;
mod ws;

use std::sync::Arc;

use sqlx::PgPool;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{config::StorageSettings, ratelimit::PerClient, session::Sessions, storage::Uploads};

pub(crate) use cursor::Cursor;
pub use hub::{Hub, notify, notify_access, notify_minutes_updated, notify_user_access};
pub use model::{ErrorCode, JobInput, Stage, Status};
pub use sockets::{Caps as SocketCaps, Slots};
// For the features built on task access (sharing, admin).
pub use errors::TaskError;
pub(crate) use etag::IfMatch;
pub(crate) use model::{Access, Right, Task, TaskRow};
pub(crate) use queries::{adopt, job_input};
pub use regenerate::Regeneration;
pub use revisions::{
    insert_processed as store_processed_minutes, insert_regenerated as store_regenerated_minutes,
    newest_for_job as newest_minutes,
};
pub(crate) use save::{Change, Saved, VersionConflict, save as save_minutes};
pub(crate) use viewer::Viewer;

/// Schemas no operation names: the WebSockets' messages.
#[derive(OpenApi)]
#[openapi(components(schemas(
    ws::Event,
    events::MinutesUpdatedEvent,
    events::AccessChangedEvent,
    events::VisibilityEvent,
    events::Visibility
)))]
struct WsMessages;

/// What the task endpoints and sockets use.
#[derive(Clone)]
pub struct TasksState {
    pub db: PgPool,
    pub storage: Arc<StorageSettings>,
    /// An upload without cookies starts a session once it is accepted.
    pub sessions: Arc<Sessions>,
    pub uploads: Arc<Uploads>,
    /// Anonymous uploads per client (`storage.max_anonymous_uploads_per_ip_per_hour`).
    pub anonymous_uploads: Arc<PerClient>,
    pub hub: Arc<Hub>,
    pub sockets: Arc<Slots>,
    /// Whether recordings are accepted: a transcription backend is configured.
    pub recordings: bool,
}

pub fn router<S: Clone + Send + Sync + 'static>(state: TasksState) -> OpenApiRouter<S> {
    OpenApiRouter::with_openapi(WsMessages::openapi())
        .merge(upload::router(state.storage.max_upload_bytes))
        .merge(routes::router())
        .merge(capabilities::router())
        .merge(retry::router())
        .merge(ws::router())
        .merge(events::router())
        .with_state(state)
}

/// The minutes, their edits and their revisions: JSON bodies, larger than
/// the app's other JSON (an edit carries the whole transcript), so the app
/// gives them a body limit of their own.
pub fn minutes_router<S: Clone + Send + Sync + 'static>(state: TasksState) -> OpenApiRouter<S> {
    minutes::router()
        .merge(regenerate::router())
        .with_state(state)
}
