//! Admin SQL: accounts as the admin list shows them, the audit log, and the
//! role and disabled writes with the lock that keeps one enabled admin. The
//! list of every task is the tasks feature's (`tasks::queries::list_all`).

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::Role;

#[tracing::instrument(skip(db), err)]
pub(super) async fn is_admin(db: &PgPool, user_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id
               WHERE r.user_id = $1 AND r.role = 'admin' AND u.disabled_at IS NULL
           ) AS "admin!""#,
        user_id,
    )
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
    pub ip: Option<String>,
    pub created_at: OffsetDateTime,
    pub detail: serde_json::Value,
}

/// Newest first (by id: the order events were written), before `before`;
/// `user` matches events the user caused or that name them as subject.
#[tracing::instrument(skip(db), err)]
pub(super) async fn events(
    db: &PgPool,
    kind: Option<&str>,
    user: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as!(
        EventRow,
        r#"SELECT e.id, e.kind, a.username::text AS actor, e.subject, host(e.ip) AS ip,
                  e.created_at, e.detail
           FROM audit_events e
           LEFT JOIN users a ON a.id = e.actor_user_id
           WHERE ($1::text IS NULL OR e.kind = $1)
             AND ($2::text IS NULL
                  OR e.actor_user_id = (SELECT id FROM users WHERE username = $2::text::citext)
                  OR e.subject = lower($2::text))
             AND ($3::bigint IS NULL OR e.id < $3)
           ORDER BY e.id DESC
           LIMIT $4"#,
        kind,
        user,
        before,
        limit,
    )
    .fetch_all(db)
    .await
}
