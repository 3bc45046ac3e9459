//! The SQL of `minutes_revisions`, the one source of truth for a task's
//! minutes: version 1 is what processing produced, each edit adds the next,
//! and the newest is what every read renders. Reads carry the viewer's access
//! in their `WHERE`; writes run after `Viewer::authorize` (or, for version
//! 1, in the worker's completing transaction).

use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Viewer, model::Status, regenerate::Regeneration};

/// One stored version's number and content (the minutes JSON).
#[derive(Debug)]
pub(super) struct Revision {
    pub version: i32,
    pub content: serde_json::Value,
}

/// A visible task's status and the revision asked for (the newest when no
/// version is given), if it exists.
pub(super) struct Lookup {
    pub status: Status,
    /// The task's meeting date (`2024-09-30`), for minutes that name none.
    pub meeting_date: String,
    pub revision: Option<Revision>,
}

/// The device a revision was saved from, as the session list shows a device.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Device {
    #[schema(required = true)]
    user_agent: Option<String>,
    /// Null unless the caller is the task's owner or an admin.
    #[schema(required = true)]
    ip: Option<String>,
}

/// One entry of the revision history.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct RevisionInfo {
    version: i32,
    /// The username of who saved it; null for version 1 (processing), an
    /// anonymous owner, or a deleted account.
    #[schema(required = true)]
    author: Option<String>,
    /// Where it was saved from; null for version 1 (processing).
    #[schema(required = true)]
    device: Option<Device>,
    /// The older version this one restored (`PUT …?restored_from=N`); null
    /// for an edit.
    #[schema(required = true)]
    restored_from: Option<i32>,
    /// The name of the template this version was regenerated with (`POST
    /// …/minutes/regenerate`); null for processing and edits.
    #[schema(required = true)]
    regenerated_with: Option<String>,
    #[serde(with = "crate::rfc3339")]
    created_at: OffsetDateTime,
}

/// Stores what processing produced as version 1, in the worker's completing
/// transaction. A job completes once (its writes are conditioned on the
/// lease), so a version 1 already there is left alone.
pub async fn insert_processed(
    conn: &mut PgConnection,
    task_id: Uuid,
    content: &serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO minutes_revisions (task_id, version, content)
         VALUES ($1, 1, $2)
         ON CONFLICT ON CONSTRAINT minutes_revisions_pkey DO NOTHING",
        task_id,
        content,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The task's status and one revision (`version`, or the newest), if the
/// viewer may see the task; `None` when they may not (or it does not exist).
#[tracing::instrument(skip(db, viewer), err)]
pub(super) async fn read(
    db: &PgPool,
    viewer: &Viewer,
    task_id: Uuid,
    version: Option<i32>,
) -> sqlx::Result<Option<Lookup>> {
    let row = sqlx::query!(
        r#"SELECT t.status AS "status: Status", r.version AS "version?", r.content AS "content?",
                  to_char(t.meeting_date, 'YYYY-MM-DD') AS "meeting_date!"
           FROM tasks t
           LEFT JOIN LATERAL (
               SELECT version, content FROM minutes_revisions
               WHERE task_id = t.id AND ($4::int IS NULL OR version = $4)
               ORDER BY version DESC
               LIMIT 1
           ) r ON true
           LEFT JOIN users u ON u.id = t.user_id
           LEFT JOIN task_shares s ON s.task_id = t.id AND s.grantee_user_id = $3
           WHERE t.id = $1
             AND task_access(t, $2, $3, (SELECT user_is_admin($3)), u, s) IS NOT NULL"#,
        task_id,
        viewer.series_id,
        viewer.user_id,
        version,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Lookup {
        status: r.status,
        meeting_date: r.meeting_date,
        revision: r
            .version
            .zip(r.content)
            .map(|(version, content)| Revision { version, content }),
    }))
}

/// The newest revision of a task the caller has locked (`Viewer::authorize`),
/// so no other save can slip in before theirs commits.
pub(super) async fn newest(
    conn: &mut PgConnection,
    task_id: Uuid,
) -> sqlx::Result<Option<Revision>> {
    sqlx::query_as!(
        Revision,
        "SELECT version, content FROM minutes_revisions
         WHERE task_id = $1
         ORDER BY version DESC
         LIMIT 1",
        task_id,
    )
    .fetch_optional(conn)
    .await
}

/// A save about to be stored: who made it and from which series.
pub(super) struct Edit<'a> {
    pub task_id: Uuid,
    pub version: i32,
    pub content: &'a serde_json::Value,
    pub author_user_id: Option<Uuid>,
    pub series_id: Uuid,
    /// The older version this save restores, if it is a restore.
    pub restored_from: Option<i32>,
}

/// Stores an edit as a new revision, copying the series' device description;
/// answers the author's username (null for an anonymous owner).
pub(super) async fn insert_edit(
    conn: &mut PgConnection,
    edit: Edit<'_>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        r#"INSERT INTO minutes_revisions
               (task_id, version, content, author_user_id, series_id, device_user_agent, device_ip,
                restored_from)
           SELECT $1, $2, $3, $4, s.id, s.user_agent, s.ip, $6
           FROM session_series s WHERE s.id = $5
           RETURNING (SELECT username::text FROM users WHERE id = author_user_id) AS author"#,
        edit.task_id,
        edit.version,
        edit.content,
        edit.author_user_id,
        edit.series_id,
        edit.restored_from,
    )
    .fetch_one(conn)
    .await
}

/// A task's revisions, newest first, with each device's address only when
/// `with_addresses` (`Right::SeeAddresses`). The caller has checked the
/// viewer's access (`Viewer::read`).
#[tracing::instrument(skip(db), err)]
pub(super) async fn list(
    db: &PgPool,
    task_id: Uuid,
    with_addresses: bool,
) -> sqlx::Result<Vec<RevisionInfo>> {
    let rows = sqlx::query!(
        r#"SELECT r.version, u.username::text AS author, r.created_at,
                  r.series_id IS NOT NULL OR r.device_user_agent IS NOT NULL
                      OR r.device_ip IS NOT NULL AS "has_device!",
                  r.device_user_agent,
                  CASE WHEN $2 THEN host(r.device_ip) END AS device_ip,
                  r.restored_from, r.regenerated_with
           FROM minutes_revisions r
           LEFT JOIN users u ON u.id = r.author_user_id
           WHERE r.task_id = $1
           ORDER BY r.version DESC"#,
        task_id,
        with_addresses,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RevisionInfo {
            version: r.version,
            author: r.author,
            device: r.has_device.then_some(Device {
                user_agent: r.device_user_agent,
                ip: r.device_ip,
            }),
            restored_from: r.restored_from,
            regenerated_with: r.regenerated_with,
            created_at: r.created_at,
        })
        .collect())
}

/// The newest minutes of a task, for the worker that regenerates them. Not
/// a viewer query: the job is the authority.
#[tracing::instrument(skip(db), err)]
pub async fn newest_for_job(db: &PgPool, task_id: Uuid) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        "SELECT content FROM minutes_revisions
         WHERE task_id = $1
         ORDER BY version DESC
         LIMIT 1",
        task_id,
    )
    .fetch_optional(db)
    .await
}

/// Stores regenerated minutes as the next version, in the worker's
/// completing transaction, after locking the task row as a save does: an
/// edit saved since the regeneration was asked for keeps its version, and
/// this one comes after it. Announces the new version. `false` when the
/// task has gone (or has no minutes any more).
#[tracing::instrument(skip(conn, content, job), err)]
pub async fn insert_regenerated(
    conn: &mut PgConnection,
    task_id: Uuid,
    content: &serde_json::Value,
    job: &Regeneration,
    template_name: &str,
) -> sqlx::Result<bool> {
    let locked = sqlx::query_scalar!("SELECT id FROM tasks WHERE id = $1 FOR UPDATE", task_id)
        .fetch_optional(&mut *conn)
        .await?;
    if locked.is_none() {
        return Ok(false);
    }
    let Some(current) = newest(conn, task_id).await? else {
        return Ok(false);
    };
    let version = current.version + 1;
    let author = sqlx::query_scalar!(
        r#"INSERT INTO minutes_revisions
               (task_id, version, content, author_user_id, series_id, device_user_agent, device_ip,
                regenerated_with)
           SELECT $1, $2, $3, $4, s.id, s.user_agent, s.ip, $6
           FROM (SELECT 1) one LEFT JOIN session_series s ON s.id = $5
           RETURNING (SELECT username::text FROM users WHERE id = author_user_id) AS author"#,
        task_id,
        version,
        content,
        job.author_user_id,
        job.series_id,
        template_name,
    )
    .fetch_one(&mut *conn)
    .await?;
    super::hub::notify_minutes_updated(conn, task_id, version, author.as_deref()).await?;
    Ok(true)
}
