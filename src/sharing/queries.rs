//! Sharing SQL. Every statement here runs after `Viewer::authorize` locked
//! the task in the same transaction, so share writes on one task queue up
//! behind each other.

use sqlx::PgConnection;
use uuid::Uuid;

use super::model::{Permission, Share};
use crate::tasks;

/// An account a task may be shared with.
pub(super) struct Grantee {
    pub id: Uuid,
    pub username: String,
}

#[tracing::instrument(skip(conn), err)]
pub(super) async fn list(conn: &mut PgConnection, task_id: Uuid) -> sqlx::Result<Vec<Share>> {
    sqlx::query_as!(
        Share,
        r#"SELECT g.username::text AS "username!", s.permission AS "permission: Permission",
                  b.username::text AS granted_by, s.created_at
           FROM task_shares s
           JOIN users g ON g.id = s.grantee_user_id
           LEFT JOIN users b ON b.id = s.granted_by
           WHERE s.task_id = $1
           ORDER BY s.created_at, g.username"#,
        task_id,
    )
    .fetch_all(conn)
    .await
}

/// The owning user of a task, `None` for an anonymous series' task.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn owner(conn: &mut PgConnection, task_id: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("SELECT user_id FROM tasks WHERE id = $1", task_id)
        .fetch_one(conn)
        .await
}

/// An enabled account by username (case-insensitive).
#[tracing::instrument(skip(conn), err)]
pub(super) async fn enabled_user(
    conn: &mut PgConnection,
    username: &str,
) -> sqlx::Result<Option<Grantee>> {
    sqlx::query_as!(
        Grantee,
        r#"SELECT id, username::text AS "username!" FROM users
           WHERE username = $1::text::citext AND disabled_at IS NULL"#,
        username,
    )
    .fetch_optional(conn)
    .await
}

#[tracing::instrument(skip(conn), err)]
pub(super) async fn permission(
    conn: &mut PgConnection,
    task_id: Uuid,
    grantee: Uuid,
) -> sqlx::Result<Option<Permission>> {
    sqlx::query_scalar!(
        r#"SELECT permission AS "permission: Permission" FROM task_shares
           WHERE task_id = $1 AND grantee_user_id = $2"#,
        task_id,
        grantee,
    )
    .fetch_optional(conn)
    .await
}

/// Grants, or changes the permission in place (the grantor and the time of
/// the first grant are kept).
#[tracing::instrument(skip(conn, grantee), err)]
pub(super) async fn upsert(
    conn: &mut PgConnection,
    task_id: Uuid,
    grantee: &Grantee,
    permission: Permission,
    granted_by: Uuid,
) -> sqlx::Result<Share> {
    sqlx::query_as!(
        Share,
        r#"WITH up AS (
               INSERT INTO task_shares (task_id, grantee_user_id, permission, granted_by)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (task_id, grantee_user_id)
                   DO UPDATE SET permission = EXCLUDED.permission
               RETURNING permission, granted_by, created_at
           )
           SELECT $5::text AS "username!", up.permission AS "permission!: Permission",
                  b.username::text AS granted_by, up.created_at AS "created_at!"
           FROM up LEFT JOIN users b ON b.id = up.granted_by"#,
        task_id,
        grantee.id,
        permission.as_str(),
        granted_by,
        grantee.username,
    )
    .fetch_one(conn)
    .await
}

/// Removes the share of `username` (any account, disabled too); the
/// grantee's exact name and permission when there was one.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn delete(
    conn: &mut PgConnection,
    task_id: Uuid,
    username: &str,
) -> sqlx::Result<Option<(String, Permission)>> {
    let row = sqlx::query!(
        r#"DELETE FROM task_shares s USING users g
           WHERE s.task_id = $1 AND g.id = s.grantee_user_id
             AND g.username = $2::text::citext
           RETURNING g.username::text AS "username!", s.permission AS "permission: Permission""#,
        task_id,
        username,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.username, r.permission)))
}

/// Tells watchers of every shared task `owner` owns to check their access
/// again: disabling (or enabling) the owner takes (or gives back) those
/// tasks from (to) their grantees. Run in the transaction of the change.
#[tracing::instrument(skip(conn), err)]
pub(crate) async fn notify_owner_access_changed(
    conn: &mut PgConnection,
    owner: Uuid,
) -> sqlx::Result<()> {
    let shared = sqlx::query_scalar!(
        "SELECT DISTINCT t.id FROM tasks t JOIN task_shares s ON s.task_id = t.id
         WHERE t.user_id = $1",
        owner,
    )
    .fetch_all(&mut *conn)
    .await?;
    for task_id in shared {
        tasks::notify_access(conn, task_id).await?;
    }
    Ok(())
}
