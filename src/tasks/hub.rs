//! The per-process WebSocket hub. Task changes and session revocations are
//! published with PostgreSQL `NOTIFY` (committed with the change itself), so
//! every instance behind a load balancer hears them; the hub fans each one
//! out to the sockets of this process that watch that task or session.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
};

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use tokio::sync::broadcast;
use uuid::Uuid;

pub const TASK_CHANNEL: &str = "task_events";
use super::model::{Stage, Status};
use crate::{listen::Event, session::REVOKED_CHANNEL};

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
    #[schema(required = true)]
    pub error: Option<String>,
}

/// A task notification's payload, tagged by `kind`.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum TaskNotice {
    /// The task's new state; null when the task was deleted.
    State {
        task_id: Uuid,
        state: Option<TaskState>,
    },
    /// Who may see the task changed (a share granted, changed or revoked,
    /// an owner disabled): every watcher checks its own access again.
    Access { task_id: Uuid },
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

/// Subscribers by key; a key's channel is dropped with its last subscriber.
struct Topics<K, T>(Mutex<HashMap<K, broadcast::Sender<T>>>);

impl<K: Eq + Hash + Copy, T: Clone> Topics<K, T> {
    fn new() -> Self {
        Self(Mutex::new(HashMap::new()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, broadcast::Sender<T>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn subscribe(&self, key: K) -> broadcast::Receiver<T> {
        self.lock()
            .entry(key)
            .or_insert_with(|| broadcast::channel(64).0)
            .subscribe()
    }

    fn publish(&self, key: &K, message: T) {
        let mut map = self.lock();
        if let Some(tx) = map.get(key) {
            if tx.send(message).is_err() {
                map.remove(key);
            }
        }
    }

    fn publish_all(&self, message: &T) {
        self.lock().retain(|_, tx| tx.send(message.clone()).is_ok());
    }
}

pub struct Hub {
    tasks: Topics<Uuid, Change>,
    series: Topics<Uuid, ()>,
}

/// A socket's subscriptions: a wake-up per change of its task, and one when
/// its session series is revoked.
pub struct Subscription {
    pub task: broadcast::Receiver<Change>,
    pub revoked: broadcast::Receiver<()>,
}

impl Hub {
    /// Starts the hub and its listener on `db`'s server.
    pub fn start(db: PgPool) -> Arc<Self> {
        let hub = Arc::new(Self {
            tasks: Topics::new(),
            series: Topics::new(),
        });
        crate::listen::spawn(db, &[TASK_CHANNEL, REVOKED_CHANNEL], Arc::downgrade(&hub));
        hub
    }

    /// Subscribe before reading the task's state, so no change slips between.
    pub fn subscribe(&self, task_id: Uuid, series_id: Uuid) -> Subscription {
        Subscription {
            task: self.tasks.subscribe(task_id),
            revoked: self.series.subscribe(series_id),
        }
    }
}

impl crate::listen::Receiver for Hub {
    fn receive(&self, event: Event<'_>) {
        let (channel, payload) = match event {
            // Missed notifications: every socket re-reads its task.
            Event::Resync => return self.tasks.publish_all(&Change::Resync),
            Event::Notification { channel, payload } => (channel, payload),
        };
        match channel {
            TASK_CHANNEL => match serde_json::from_str::<TaskNotice>(payload) {
                Ok(TaskNotice::State { task_id, state }) => {
                    let change = state.map_or(Change::Gone, Change::State);
                    self.tasks.publish(&task_id, change);
                }
                Ok(TaskNotice::Access { task_id }) => self.tasks.publish(&task_id, Change::Resync),
                Ok(TaskNotice::MinutesUpdated {
                    task_id,
                    version,
                    author,
                }) => self
                    .tasks
                    .publish(&task_id, Change::MinutesUpdated { version, author }),
                Err(e) => tracing::warn!(error = %e, payload, "malformed task notification"),
            },
            REVOKED_CHANNEL => match payload.parse::<Uuid>() {
                Ok(id) => self.series.publish(&id, ()),
                Err(e) => tracing::warn!(error = %e, payload, "malformed revocation notification"),
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
             'state', (SELECT json_build_object('status', status, 'stage', stage,
                                                'progress', progress, 'error', left(error, 2000))
                       FROM tasks WHERE id = $2))::text)",
        TASK_CHANNEL,
        task_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Publishes (at commit) that who may see the task changed: watchers on
/// every instance check their access again and lose the task if it is gone.
pub async fn notify_access(conn: &mut PgConnection, task_id: Uuid) -> sqlx::Result<()> {
    let payload = serde_json::json!({"kind": "access", "task_id": task_id});
    sqlx::query!(
        "SELECT pg_notify($1, $2)",
        TASK_CHANNEL,
        payload.to_string()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Publishes (at commit) that version `version` of the task's minutes was
/// saved by `author`.
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
    .execute(conn)
    .await?;
    Ok(())
}
