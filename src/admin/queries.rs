//! Admin SQL: accounts as the admin list shows them, the audit log, and the
//! role and disabled writes with the lock that keeps one enabled admin. The
//! list of every task is the tasks feature's (`tasks::queries::list_all`).

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::Role;

#[tracing::instrument(skip(db), err)]
pub(super) async fn is_admin(db: &PgPool, user_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"SELECT user_is_admin($1) AS "admin!""#, user_id,)
        .fetch_one(db)
        .await
}

/// An account with what only admins see.
pub(super) struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    pub created_at: OffsetDateTime,
    pub disabled: bool,
    pub session_count: i64,
}

/// Accounts by username, after `after` (exclusive), or just `only`.
#[tracing::instrument(skip(db), err)]
pub(super) async fn users(
    db: impl sqlx::PgExecutor<'_>,
    only: Option<Uuid>,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT u.id, u.username::text AS "username!", u.email::text AS email, u.created_at,
                  ARRAY(SELECT role FROM user_roles WHERE user_id = u.id ORDER BY role)
                      AS "roles!: Vec<Role>",
                  u.disabled_at IS NOT NULL AS "disabled!",
                  (SELECT count(*) FROM session_series s
                   WHERE s.user_id = u.id AND s.revoked_at IS NULL
                     AND s.idle_expires_at > now() AND s.absolute_expires_at > now())
                      AS "session_count!"
           FROM users u
           WHERE ($1::uuid IS NULL OR u.id = $1)
             AND ($2::text IS NULL OR u.username::text > $2::text)
           ORDER BY u.username::text
           LIMIT $3"#,
        only,
        after,
        limit,
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(conn), err)]
pub(super) async fn user_id(conn: &mut PgConnection, username: &str) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT id FROM users WHERE username = $1::text::citext",
        username
    )
    .fetch_optional(conn)
    .await
}

/// An audit event as the admin log shows it.
pub(super) struct EventRow {
    pub id: i64,
    pub kind: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub subject_name: Option<String>,
    pub task_name: Option<String>,
    pub ip: Option<String>,
    pub created_at: OffsetDateTime,
    pub detail: serde_json::Value,
}

/// Which events the log shows.
pub(super) struct EventFilter<'a> {
    /// Only this kind.
    pub kind: Option<&'a str>,
    /// All but this kind.
    pub exclude_kind: Option<&'a str>,
    /// Events this user caused or that name them as subject.
    pub user: Option<&'a str>,
    /// Written at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Written before this time.
    pub until: Option<OffsetDateTime>,
}

/// Newest first (by id: the order events were written), before `before`.
/// Ids become names: a session series its owner's username, a task its
/// title (its file name before it has minutes), the task a share names
/// likewise.
#[tracing::instrument(skip(db, filter), err)]
pub(super) async fn events(
    db: &PgPool,
    filter: &EventFilter<'_>,
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as!(
        EventRow,
        r#"SELECT e.id, e.kind, a.username::text AS actor, e.subject,
                  coalesce(owner.username::text, subject_task.name) AS subject_name,
                  detail_task.name AS task_name,
                  host(e.ip) AS ip, e.created_at, e.detail
           FROM audit_events e
           LEFT JOIN users a ON a.id = e.actor_user_id
           CROSS JOIN LATERAL (
               SELECT CASE WHEN e.subject ~* $7 THEN e.subject::uuid END AS subject,
                      CASE WHEN e.detail->>'task_id' ~* $7 THEN (e.detail->>'task_id')::uuid END AS task
           ) ids
           LEFT JOIN session_series series ON series.id = ids.subject
           LEFT JOIN users owner ON owner.id = series.user_id
           LEFT JOIN LATERAL (
               SELECT coalesce((SELECT r.content->>'title' FROM minutes_revisions r
                                WHERE r.task_id = t.id ORDER BY r.version DESC LIMIT 1),
                               t.filename) AS name
               FROM tasks t WHERE t.id = ids.subject
           ) subject_task ON true
           LEFT JOIN LATERAL (
               SELECT coalesce((SELECT r.content->>'title' FROM minutes_revisions r
                                WHERE r.task_id = t.id ORDER BY r.version DESC LIMIT 1),
                               t.filename) AS name
               FROM tasks t WHERE t.id = ids.task
           ) detail_task ON true
           WHERE ($1::text IS NULL OR e.kind = $1)
             AND ($2::text IS NULL OR e.kind <> $2)
             AND ($3::text IS NULL
                  OR e.actor_user_id = (SELECT id FROM users WHERE username = $3::text::citext)
                  OR e.subject = lower($3::text))
             AND ($4::timestamptz IS NULL OR e.created_at >= $4)
             AND ($5::timestamptz IS NULL OR e.created_at < $5)
             AND ($6::bigint IS NULL OR e.id < $6)
           ORDER BY e.id DESC
           LIMIT $8"#,
        filter.kind,
        filter.exclude_kind,
        filter.user,
        filter.since,
        filter.until,
        before,
        UUID_PATTERN,
        limit,
    )
    .fetch_all(db)
    .await
}

/// What a UUID looks like as text: only such a subject is cast to one.
const UUID_PATTERN: &str = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
