//! The per-process WebSocket hub. Task changes, session revocations and
//! changes of what a user may see (a role removed) are published with
//! PostgreSQL `NOTIFY` (committed with the change itself), so every instance
//! behind a load balancer hears them; the hub fans each one out to the
//! sockets of this process that watch that task, session or user, and every
//! task notification to the event sockets (`GET /ws`) on its firehose.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use tokio::sync::broadcast::{self, error::RecvError};
use uuid::Uuid;

use super::{
    Viewer,
    model::{ErrorCode, Stage, Status},
    topics::{TopicReceiver, Topics},
};
use crate::{listen::Event, session::REVOKED_CHANNEL};

pub const TASK_CHANNEL: &str = "task_events";
/// `NOTIFY` channel carrying the id of a user whose access changed beyond
/// any one task (the admin role removed): their task sockets read again.
pub const USER_ACCESS_CHANNEL: &str = "user_access";

/// A task's observable state, as every change publishes it: each change
/// reaches the sockets as its own event, however quickly the next follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskState {
    pub status: Status,
    /// Set while processing, else null.
    #[schema(required = true)]
    pub stage: Option<Stage>,
    #[schema(minimum = 0, maximum = 100)]
    pub progress: i16,
    /// Why the task failed, in a sentence naming no server; null unless failed.
    #[schema(required = true)]
    pub error: Option<String>,
    /// `error` as a code; null unless failed.
    #[schema(required = true)]
    pub error_code: Option<ErrorCode>,
    /// The task's `state_version`: a client keeps, per task, the state with
    /// the largest one it has seen, from events and HTTP answers alike.
    pub state_version: i64,
    /// The minutes' title; null until there are minutes.
    #[schema(required = true)]
    pub title: Option<String>,
    /// The day the meeting was held (`2024-09-30`).
    pub meeting_date: String,
}

/// A task notification's payload, tagged by `kind`; the event socket
/// (`GET /ws`) reads them all from the hub's firehose.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum TaskNotice {
    /// The task's new state; null when the task was deleted. `owner` is the
    /// owning user, or for an anonymous task its series: a hint that lets
    /// event sockets skip other people's tasks without asking the database.
    State {
        task_id: Uuid,
        #[serde(default)]
        owner: Option<Uuid>,
        state: Option<TaskState>,
    },
    /// Who may see the task changed (a share granted, changed or revoked,
    /// an owner disabled): every watcher checks its own access again.
    /// `users` lists the task's grantees at the time, as a hint for event
    /// sockets that do not know the task yet; null means "anyone may".
    Access {
        task_id: Uuid,
        #[serde(default)]
        users: Option<Vec<Uuid>>,
    },
    /// A new version of the minutes was saved.
    MinutesUpdated {
        task_id: Uuid,
        version: i32,
        author: Option<String>,
    },
}

/// What a watching socket hears about its task.
#[derive(Debug, Clone)]
pub enum Change {
    State(TaskState),
    Gone,
    /// Notifications may have been missed, or access changed: read the
    /// task again, as the watcher may see it.
    Resync,
    /// A new version of the minutes, by `author` (null for an anonymous
    /// owner).
    MinutesUpdated {
        version: i32,
        author: Option<String>,
    },
}

/// What the firehose carries: every task notification, or word that some
/// may have been missed.
#[derive(Debug, Clone)]
pub(crate) enum Notice {
    Task(Arc<TaskNotice>),
    Resync,
}

/// Notifications an event socket may fall behind by before it must resync.
const FIREHOSE_CAPACITY: usize = 1024;

pub struct Hub {
    tasks: Topics<Uuid, Change>,
    series: Topics<Uuid, ()>,
    users: Topics<Uuid, ()>,
    firehose: broadcast::Sender<Notice>,
}

/// A task socket's subscriptions: a wake-up per change of its task, one
/// when its session series is revoked, and one when its user's access
/// changes.
pub struct Subscription {
    pub task: TopicReceiver<Uuid, Change>,
    pub revoked: TopicReceiver<Uuid, ()>,
    pub access: UserAccess,
}

/// Word that a logged-in viewer's access changed; an anonymous viewer
/// hears none.
pub struct UserAccess(Option<TopicReceiver<Uuid, ()>>);

impl UserAccess {
    /// Resolves when the user's access may have changed (or notices were
    /// missed); never for an anonymous viewer.
    pub async fn changed(&mut self) {
        match &mut self.0 {
            Some(rx) => match rx.recv().await {
                Ok(()) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => std::future::pending().await,
            },
            None => std::future::pending().await,
        }
    }
}

/// An event socket's subscriptions: every task notification of the
/// service, and its series' revocation.
pub(crate) struct Firehose {
    pub notices: broadcast::Receiver<Notice>,
    pub revoked: TopicReceiver<Uuid, ()>,
}

impl Hub {
    /// Starts the hub and its listener on `db`'s server.
    pub fn start(db: PgPool) -> Arc<Self> {
        let hub = Arc::new(Self::new());
        let channels = &[TASK_CHANNEL, REVOKED_CHANNEL, USER_ACCESS_CHANNEL];
        crate::listen::spawn(db, channels, Arc::downgrade(&hub));
        hub
    }

    fn new() -> Self {
        Self {
            tasks: Topics::new(),
            series: Topics::new(),
            users: Topics::new(),
            firehose: broadcast::channel(FIREHOSE_CAPACITY).0,
        }
    }

    /// Subscribe before reading the task's state, so no change slips
    /// between — and only once the caller may see the task, so that
    /// sockets on ids they cannot see hold no channel.
    pub(crate) fn subscribe(&self, task_id: Uuid, viewer: &Viewer) -> Subscription {
        Subscription {
            task: self.tasks.subscribe(task_id),
            revoked: self.series.subscribe(viewer.series_id),
            access: UserAccess(viewer.user_id.map(|id| self.users.subscribe(id))),
        }
    }

    /// Every task notification, for an event socket of `series_id`.
    pub(crate) fn firehose(&self, series_id: Uuid) -> Firehose {
        Firehose {
            notices: self.firehose.subscribe(),
            revoked: self.series.subscribe(series_id),
        }
    }

    /// Channels held for task, series and user subscriptions (each lives
    /// as long as its last subscriber).
    pub fn topic_count(&self) -> usize {
        self.tasks.len() + self.series.len() + self.users.len()
    }

    fn to_firehose(&self, notice: Notice) {
        // No event socket on this instance: nothing to do (`send` fails).
        if self.firehose.receiver_count() > 0 {
            let _ = self.firehose.send(notice);
        }
    }

    fn task_notice(&self, notice: TaskNotice) {
        match &notice {
            TaskNotice::State { task_id, state, .. } => {
                let change = state.clone().map_or(Change::Gone, Change::State);
                self.tasks.publish(task_id, change);
            }
            TaskNotice::Access { task_id, .. } => self.tasks.publish(task_id, Change::Resync),
            TaskNotice::MinutesUpdated {
                task_id,
                version,
                author,
            } => self.tasks.publish(
                task_id,
                Change::MinutesUpdated {
                    version: *version,
                    author: author.clone(),
                },
            ),
        }
        self.to_firehose(Notice::Task(Arc::new(notice)));
    }
}

impl crate::listen::Receiver for Hub {
    fn receive(&self, event: Event<'_>) {
        let (channel, payload) = match event {
            // Missed notifications: every socket re-reads what it watches.
            Event::Resync => {
                self.to_firehose(Notice::Resync);
                return self.tasks.publish_all(&Change::Resync);
            }
            Event::Notification { channel, payload } => (channel, payload),
        };
        match channel {
            TASK_CHANNEL => match serde_json::from_str::<TaskNotice>(payload) {
                Ok(notice) => self.task_notice(notice),
                Err(e) => tracing::warn!(error = %e, payload, "malformed task notification"),
            },
            REVOKED_CHANNEL => match payload.parse::<Uuid>() {
                Ok(id) => self.series.publish(&id, ()),
                Err(e) => tracing::warn!(error = %e, payload, "malformed revocation notification"),
            },
            USER_ACCESS_CHANNEL => match payload.parse::<Uuid>() {
                Ok(id) => self.users.publish(&id, ()),
                Err(e) => tracing::warn!(error = %e, payload, "malformed access notification"),
            },
            _ => {}
        }
    }
}

/// Publishes a task's state as it is in this transaction (delivered at
/// commit), or its deletion when the row is gone.
pub async fn notify(conn: &mut PgConnection, task_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_notify($1, json_build_object(
             'kind', 'state',
             'task_id', $2::uuid,
             'owner', (SELECT coalesce(user_id, series_id) FROM tasks WHERE id = $2),
             'state', (SELECT json_build_object('status', status, 'stage', stage,
                                                'progress', progress, 'error', left(error, 2000),
                                                'error_code', error_code,
                                                'state_version', state_version,
                                                'title', left(title, $3),
                                                'meeting_date', to_char(meeting_date, 'YYYY-MM-DD'))
                       FROM tasks WHERE id = $2))::text)",
        TASK_CHANNEL,
        task_id,
        MAX_NOTICE_TITLE_CHARS,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Title characters a state notice carries at most: `NOTIFY` payloads must
/// stay under 8000 bytes, and titles an LLM wrote have no bound of their own.
const MAX_NOTICE_TITLE_CHARS: i32 = 1000;

/// Publishes (at commit) that who may see the task changed: watchers on
/// every instance check their access again and lose the task if it is gone.
/// Call it after the change in the same transaction: the notice names the
/// task's grantees as they are then (up to `GRANTEE_HINT_LIMIT`, else none,
/// which makes every logged-in event socket check), so a new grantee's
/// event socket hears of the task.
pub async fn notify_access(conn: &mut PgConnection, task_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_notify($1, json_build_object(
             'kind', 'access',
             'task_id', $2::uuid,
             'users', (SELECT CASE WHEN count(*) <= $3 THEN coalesce(json_agg(grantee_user_id), '[]') END
                       FROM task_shares WHERE task_id = $2))::text)",
        TASK_CHANNEL,
        task_id,
        GRANTEE_HINT_LIMIT,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Publishes (at commit) that what `user_id` may see changed beyond any
/// one task (the admin role removed): that user's task sockets on every
/// instance read their task again, and close 4004 if it is no longer theirs
/// to see.
pub async fn notify_user_access(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_notify($1, $2::uuid::text)",
        USER_ACCESS_CHANNEL,
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Grantees named in an access notice at most: `NOTIFY` payloads must stay
/// under 8000 bytes.
const GRANTEE_HINT_LIMIT: i64 = 100;

/// Publishes (at commit) that version `version` of the task's minutes was
/// saved by `author`, to the sockets and to webhooks (`minutes.updated`).
pub async fn notify_minutes_updated(
    conn: &mut PgConnection,
    task_id: Uuid,
    version: i32,
    author: Option<&str>,
) -> sqlx::Result<()> {
    let payload = serde_json::json!({
        "kind": "minutes_updated", "task_id": task_id, "version": version, "author": author,
    });
    sqlx::query!(
        "SELECT pg_notify($1, $2)",
        TASK_CHANNEL,
        payload.to_string()
    )
    .execute(&mut *conn)
    .await?;
    let data = serde_json::json!({ "version": version, "author": author });
    crate::outbox::emit(conn, crate::outbox::Event::MinutesUpdated, task_id, data).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listen::Receiver as _;

    fn viewer(user_id: Option<Uuid>) -> Viewer {
        Viewer {
            series_id: Uuid::new_v4(),
            user_id,
            series_ends: time::OffsetDateTime::now_utc(),
        }
    }

    #[tokio::test]
    async fn task_sockets_on_random_ids_leave_no_channels_once_closed() {
        let hub = Hub::new();
        let viewer = viewer(Some(Uuid::new_v4()));
        let subs: Vec<_> = (0..500)
            .map(|_| hub.subscribe(Uuid::new_v4(), &viewer))
            .collect();
        assert_eq!(hub.topic_count(), 502, "500 tasks, a series and a user");
        drop(subs);
        assert_eq!(hub.topic_count(), 0);
    }

    #[tokio::test]
    async fn a_users_access_notice_reaches_their_task_sockets_only() {
        let hub = Hub::new();
        let user = Uuid::new_v4();
        let mut theirs = hub.subscribe(Uuid::new_v4(), &viewer(Some(user)));
        let mut others = hub.subscribe(Uuid::new_v4(), &viewer(Some(Uuid::new_v4())));
        let mut anonymous = hub.subscribe(Uuid::new_v4(), &viewer(None));
        hub.receive(Event::Notification {
            channel: USER_ACCESS_CHANNEL,
            payload: &user.to_string(),
        });
        let soon = std::time::Duration::from_millis(50);
        assert!(
            tokio::time::timeout(soon, theirs.access.changed())
                .await
                .is_ok()
        );
        assert!(
            tokio::time::timeout(soon, others.access.changed())
                .await
                .is_err()
        );
        assert!(
            tokio::time::timeout(soon, anonymous.access.changed())
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn the_firehose_carries_every_kind_of_task_notice() {
        let hub = Hub::new();
        let mut fire = hub.firehose(Uuid::new_v4());
        let task_id = Uuid::new_v4();
        let payloads = [
            serde_json::json!({"kind": "state", "task_id": task_id, "owner": null, "state": null}),
            serde_json::json!({"kind": "access", "task_id": task_id, "users": []}),
            serde_json::json!({"kind": "minutes_updated", "task_id": task_id, "version": 2, "author": "ann"}),
        ];
        for p in &payloads {
            hub.receive(Event::Notification {
                channel: TASK_CHANNEL,
                payload: &p.to_string(),
            });
        }
        hub.receive(Event::Resync);
        for _ in &payloads {
            assert!(matches!(fire.notices.recv().await, Ok(Notice::Task(_))));
        }
        assert!(matches!(fire.notices.recv().await, Ok(Notice::Resync)));
    }
}
