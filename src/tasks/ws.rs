//! `GET /ws/{task_id}`: the task's state as JSON events — the current state
//! first, then one per change, until the task ends. The session and `Origin`
//! are checked before the upgrade (by `manage` and `guard_origin`); a task the
//! caller may not see gets close code 4004, exactly like one that does not exist.

use axum::{
    extract::{
        Path, State,
        ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
    },
    response::Response,
};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    TasksState, Viewer,
    events::MinutesUpdatedEvent,
    hub::{Change, TaskState},
    model::TaskRow,
    queries,
    sockets::{self, Close, Deadline, REVOKED, SERVER_ERROR},
};
use crate::{error::ErrorResponse, session::SessionHandle};
use utoipa_axum::{router::OpenApiRouter, routes};

pub(super) fn router() -> OpenApiRouter<TasksState> {
    OpenApiRouter::new().routes(routes!(watch))
}

const NOT_FOUND: Close = (4004, "Task not found for session");
const FINISHED: Close = (1000, "Task finished");

/// A WebSocket message of `GET /ws/{task_id}` (and of `GET /ws`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ProgressEvent)]
pub(crate) struct Event {
    /// Always `progress`.
    #[serde(rename = "type")]
    #[schema(example = "progress")]
    kind: &'static str,
    task_id: Uuid,
    #[serde(flatten)]
    state: TaskState,
}

impl Event {
    pub(super) fn new(task_id: Uuid, state: TaskState) -> Self {
        Self {
            kind: "progress",
            task_id,
            state,
        }
    }
}

impl From<TaskRow> for TaskState {
    fn from(row: TaskRow) -> Self {
        Self {
            status: row.status,
            stage: row.stage,
            progress: row.progress,
            error: row.error,
            error_code: row.error_code,
            state_version: row.state_version,
            title: row.title,
            meeting_date: row.meeting_date,
        }
    }
}

#[utoipa::path(
    get,
    path = "/ws/{task_id}",
    operation_id = "watch_task",
    tag = "tasks",
    params(("task_id" = String, Path, description = "The task (a UUID; anything else closes with 4004)")),
    security((), ("session" = [])),
    responses(
        (status = 101, description = "Switching Protocols to a WebSocket. The server sends JSON text \
messages, `ProgressEvent`s: the task's current state first, then one on every change. It closes with \
**1000** `Task finished` after a `completed` or `failed` event; **4004** `Task not found for session` \
when the task does not exist, the caller may not see it, or it is deleted; **4001** `Session revoked` \
when the caller's session is revoked meanwhile; **1011** `Internal error`. Client messages other than \
close are ignored. The `Origin` is checked like an unsafe request's. While the socket is open, a save \
of the minutes sends a `MinutesUpdated`: `{\"type\": \"minutes_updated\", \"task_id\", \"version\", \"author\"}`."),
        (status = 403, description = "`origin_not_allowed`: a foreign `Origin`, or none (unless `server.allow_websockets_without_origin`)", body = ErrorResponse),
    ),
)]
async fn watch(
    State(state): State<TasksState>,
    viewer: Option<Viewer>,
    handle: SessionHandle,
    Path(task_id): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let task_id = task_id.parse::<Uuid>().ok();
    let client_ip = handle.client().ip;
    sockets::small(upgrade).on_upgrade(move |mut socket| async move {
        let close = match (viewer, task_id) {
            (Some(viewer), Some(task_id)) => {
                match state.sockets.acquire(&viewer, client_ip.as_deref()) {
                    Ok(_slot) => stream(&state, viewer, task_id, &mut socket).await,
                    Err(close) => Some(close),
                }
            }
            _ => Some(NOT_FOUND),
        };
        if let Some((code, reason)) = close {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = socket.send(Message::Close(Some(frame))).await;
        }
    })
}

/// Sends events until the task ends or disappears, the session is revoked, or
/// the client leaves; returns the close frame to send, if any.
async fn stream(
    state: &TasksState,
    viewer: Viewer,
    task_id: Uuid,
    socket: &mut WebSocket,
) -> Option<Close> {
    // Only a caller who may see the task gets a subscription (no channel
    // for ids they cannot see); the state is read again once subscribed, so
    // no change slips between.
    match read(state, &viewer, task_id).await {
        Ok(Some(_)) => {}
        Ok(None) => return Some(NOT_FOUND),
        Err(close) => return Some(close),
    }
    let mut sub = state.hub.subscribe(task_id, &viewer);
    let mut deadline = Deadline::new(viewer.series_id, viewer.series_ends);
    let mut last: Option<TaskState> = None;
    let mut change = Change::Resync;
    loop {
        let current = match change {
            Change::State(s) => s,
            Change::Gone => return Some(NOT_FOUND),
            // Not a change of state: said as it is, and the state stays.
            Change::MinutesUpdated { version, author } => {
                let event = MinutesUpdatedEvent::new(task_id, version, author);
                let text = serde_json::to_string(&event).expect("events serialize");
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return None;
                }
                // The first event is always a state, so `last` is set.
                let Some(unchanged) = last.clone() else {
                    return Some(SERVER_ERROR);
                };
                unchanged
            }
            Change::Resync => match read(state, &viewer, task_id).await {
                Ok(Some(current)) => current,
                Ok(None) => return Some(NOT_FOUND),
                Err(close) => return Some(close),
            },
        };
        if last.as_ref() != Some(&current) {
            let event = Event::new(task_id, current.clone());
            let text = serde_json::to_string(&event).expect("events serialize");
            if socket.send(Message::Text(text.into())).await.is_err() {
                return None;
            }
            if current.status.is_final() {
                return Some(FINISHED);
            }
            last = Some(current);
        }
        change = loop {
            tokio::select! {
                received = sub.task.recv() => match received {
                    Ok(change) => break change,
                    Err(RecvError::Lagged(_)) => break Change::Resync,
                    Err(RecvError::Closed) => return Some(SERVER_ERROR),
                },
                _ = sub.revoked.recv() => return Some(REVOKED),
                // A role lost: the task is read again as the viewer now may.
                () = sub.access.changed() => break Change::Resync,
                close = deadline.passed(&state.db) => return Some(close),
                msg = socket.recv() => match msg {
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                    // Client messages other than close are ignored.
                    Some(Ok(_)) => {}
                },
            }
        };
    }
}

/// The task's state as the viewer may see it; the close frame on failure.
async fn read(
    state: &TasksState,
    viewer: &Viewer,
    task_id: Uuid,
) -> Result<Option<TaskState>, Close> {
    match queries::get(&state.db, viewer, task_id).await {
        Ok(row) => Ok(row.map(TaskState::from)),
        Err(e) => {
            tracing::error!(error = %e, %task_id, "cannot read task for websocket");
            Err(SERVER_ERROR)
        }
    }
}
