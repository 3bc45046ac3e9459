//! `GET /ws`: one socket per browser carrying every event of every task the
//! caller can currently see (their task list: their own and those shared
//! with them), from every instance, until the client leaves or the session
//! ends. It listens to the hub's firehose and keeps a `Watchlist`, so access
//! is re-checked for each event without a query per event.

use axum::{
    extract::{
        State,
        ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
    },
    response::Response,
};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    TasksState, Viewer,
    hub::Notice,
    model::Access,
    queries,
    sockets::{self, Close, Deadline, REVOKED, SERVER_ERROR},
    watchlist::{Step, Watchlist},
    ws,
};
use crate::{
    error::ErrorResponse,
    session::{MaybeSession, SessionContext, SessionHandle},
};

pub(super) fn router() -> OpenApiRouter<TasksState> {
    OpenApiRouter::new().routes(routes!(events))
}

const NO_SESSION: Close = (4001, "No session");

/// `{"type": "minutes_updated"}`: a new version of a task's minutes.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MinutesUpdatedEvent {
    /// Always `minutes_updated`.
    #[serde(rename = "type")]
    #[schema(example = "minutes_updated")]
    kind: &'static str,
    task_id: Uuid,
    version: i32,
    /// The author's username; null for an anonymous owner.
    #[schema(required = true)]
    author: Option<String>,
}

impl MinutesUpdatedEvent {
    pub(super) fn new(task_id: Uuid, version: i32, author: Option<String>) -> Self {
        Self {
            kind: "minutes_updated",
            task_id,
            version,
            author,
        }
    }
}

/// How a task's visibility to the caller changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Visibility {
    /// It became visible: shared with the caller (or their access came back).
    TaskShared,
    /// It stopped being visible: share revoked, owner disabled. Nothing
    /// more about it follows.
    AccessLost,
    /// It was deleted.
    TaskDeleted,
}

/// `{"type": "task_shared" | "access_lost" | "task_deleted", "task_id"}`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VisibilityEvent {
    #[serde(rename = "type")]
    pub(super) kind: Visibility,
    task_id: Uuid,
}

impl Visibility {
    pub(super) fn of(self, task_id: Uuid) -> Outgoing {
        Outgoing::Visibility(VisibilityEvent {
            kind: self,
            task_id,
        })
    }
}

/// `{"type": "access_changed", "task_id", "access"}`: the caller still sees
/// the task, with other rights (a share changed from view to edit, or back).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AccessChangedEvent {
    /// Always `access_changed`.
    #[serde(rename = "type")]
    #[schema(example = "access_changed")]
    kind: &'static str,
    task_id: Uuid,
    /// The caller's access now.
    pub(super) access: Access,
}

impl AccessChangedEvent {
    pub(super) fn new(task_id: Uuid, access: Access) -> Self {
        Self {
            kind: "access_changed",
            task_id,
            access,
        }
    }
}

/// A message of `GET /ws`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum Outgoing {
    Progress(ws::Event),
    MinutesUpdated(MinutesUpdatedEvent),
    Visibility(VisibilityEvent),
    AccessChanged(AccessChangedEvent),
}

#[utoipa::path(
    get,
    path = "/ws",
    operation_id = "watch_events",
    tag = "tasks",
    security((), ("session" = [])),
    responses(
        (status = 101, description = "Switching Protocols to a WebSocket carrying every event of \
every task in the caller's task list (their own, and those shared with them), from every instance: \
`ProgressEvent` on each state change (including a new upload's `queued`), `MinutesUpdatedEvent`, and \
`VisibilityEvent` (`task_shared` when a task becomes visible, `access_lost` when it stops being \
visible — nothing more about that task follows —, `task_deleted`), and `AccessChangedEvent` when the \
caller's access to a task they still see changes (view to edit, or back). Access is re-checked for each \
event. There is no initial snapshot: read `GET /api/tasks`. It closes with **4001** `Session revoked` \
when the session is revoked, `Session expired` when it expires, `No session` at once for a caller \
without one; **1011** `Internal error`. Client messages other than close are ignored (at most 4 KiB). \
The `Origin` is checked like an unsafe request's."),
        (status = 403, description = "`origin_not_allowed`: a foreign `Origin`, or none (unless `server.allow_websockets_without_origin`)", body = ErrorResponse),
    ),
)]
async fn events(
    State(state): State<TasksState>,
    MaybeSession(ctx): MaybeSession,
    handle: SessionHandle,
    upgrade: WebSocketUpgrade,
) -> Response {
    let client_ip = handle.client().ip;
    sockets::small(upgrade).on_upgrade(move |mut socket| async move {
        let close = match ctx {
            Some(ctx) => match state
                .sockets
                .acquire(&Viewer::from(&ctx), client_ip.as_deref())
            {
                Ok(_slot) => stream(&state, &ctx, &mut socket).await,
                Err(close) => Some(close),
            },
            // A browser cannot read an HTTP refusal of an upgrade, only
            // a close code: upgrade, then say why.
            None => Some(NO_SESSION),
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

/// Sends events until the session ends or the client leaves; returns the
/// close frame to send, if any.
async fn stream(state: &TasksState, ctx: &SessionContext, socket: &mut WebSocket) -> Option<Close> {
    let viewer = Viewer::from(ctx);
    // Subscribed before the first read, so no notice slips between.
    let mut sub = state.hub.firehose(viewer.series_id);
    let mut list = match queries::watched_all(&state.db, &viewer).await {
        Ok(rows) => Watchlist::new(&viewer, rows),
        Err(e) => return Some(failed(&e)),
    };
    let mut deadline = Deadline::new(viewer.series_id, viewer.series_ends);
    loop {
        let step = tokio::select! {
            received = sub.notices.recv() => match received {
                Ok(Notice::Task(notice)) => list.on_notice(&notice),
                Ok(Notice::Resync) | Err(RecvError::Lagged(_)) => Step::Reload,
                Err(RecvError::Closed) => return Some(SERVER_ERROR),
            },
            _ = sub.revoked.recv() => return Some(REVOKED),
            close = deadline.passed(&state.db) => return Some(close),
            msg = socket.recv() => match msg {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                // Client messages other than close are ignored.
                Some(Ok(_)) => Step::Ignore,
            },
        };
        let out = match step {
            Step::Ignore => Vec::new(),
            Step::Send(event) => vec![event],
            Step::Check(task_id) => match queries::watched(&state.db, &viewer, &[task_id]).await {
                Ok(rows) => list.checked(&[task_id], rows),
                Err(e) => return Some(failed(&e)),
            },
            Step::Reload => match reload(state, &viewer, &mut list).await {
                Ok(out) => out,
                Err(e) => return Some(failed(&e)),
            },
        };
        for event in out {
            let text = serde_json::to_string(&event).expect("events serialize");
            if socket.send(Message::Text(text.into())).await.is_err() {
                return None;
            }
        }
    }
}

/// After missed notices: everything the caller can see now, and what became
/// of the tasks they could see before (two queries).
async fn reload(
    state: &TasksState,
    viewer: &Viewer,
    list: &mut Watchlist,
) -> sqlx::Result<Vec<Outgoing>> {
    let mut rows = queries::watched_all(&state.db, viewer).await?;
    let visible: std::collections::HashSet<Uuid> = rows.iter().map(|r| r.id).collect();
    let missing: Vec<Uuid> = list.ids().filter(|id| !visible.contains(id)).collect();
    if !missing.is_empty() {
        rows.extend(queries::watched(&state.db, viewer, &missing).await?);
    }
    let ids: Vec<Uuid> = visible.into_iter().chain(missing).collect();
    Ok(list.checked(&ids, rows))
}

fn failed(e: &sqlx::Error) -> Close {
    tracing::error!(error = %e, "event socket cannot read the database");
    SERVER_ERROR
}
