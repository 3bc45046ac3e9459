//! All task SQL. Every viewer statement carries the viewer's access in its
//! `WHERE` through the SQL function `task_access` (migration
//! `task_access_inlined` is the one definition): the owner (a user, or the
//! anonymous series that uploaded a task no user has adopted), a user it is
//! shared with, or an admin; anyone else has none and gets nothing. Each
//! statement joins what the function reads (the task's owner, the viewer's
//! share, `(SELECT user_is_admin(viewer))` once) and PostgreSQL inlines it,
//! so access costs index lookups, not a function call per row. Where a
//! statement uses the access more than once, it computes it in a lateral
//! subquery kept whole by `OFFSET 0`: pulled up, each use would carry its own
//! copy of the admin sub-select. The only
//! lookups without a viewer serve the worker (`job_input`) and login
//! (`adopt`).

use sqlx::{PgConnection, PgPool, types::Json};
use uuid::Uuid;

use super::{
    Viewer,
    cursor::{Cursor, MeetingCursor},
    filters::{Filters, Scope, Sort},
    model::{Access, ErrorCode, JobInput, Stage, Status, TaskRow},
};
use crate::{queue, storage::StorageKey, summary::Template};

/// What an upload knows about its task before the database does.
pub(super) struct NewTask<'a> {
    pub id: Uuid,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub storage_key: &'a str,
    /// The template chosen at upload, kept as it is now.
    pub template: Option<&'a Template>,
    /// The date the file name gives, if any; else the upload's.
    pub meeting_date: Option<time::Date>,
}

// The hot reads' spans are at debug: the request's span (at info) names the
// route, and an error is logged with `err` whatever the level.
#[tracing::instrument(level = "debug", skip(db, viewer), err)]
pub(crate) async fn get(
    db: impl sqlx::PgExecutor<'_>,
    viewer: &Viewer,
    task_id: Uuid,
) -> sqlx::Result<Option<TaskRow>> {
    sqlx::query_as!(
        TaskRow,
        r#"SELECT t.id, t.filename, t.content_type, t.size_bytes, t.storage_key,
                t.status AS "status: Status", t.stage AS "stage: Stage", t.progress, t.error,
                t.error_code AS "error_code: ErrorCode",
                CASE WHEN a.access = 'admin' THEN t.error_detail END AS error_detail,
                t.upload_timestamp, t.updated_at, t.state_version, a.access AS "access!: Access",
                t.title, to_char(t.meeting_date, 'YYYY-MM-DD') AS "meeting_date!",
                CASE WHEN a.access <> 'owner' THEN u.username::text END AS owner
         FROM tasks t
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN task_shares s ON s.task_id = t.id AND s.grantee_user_id = $3
         CROSS JOIN LATERAL
             (SELECT task_access(t, $2, $3, (SELECT user_is_admin($3)), u, s) AS access OFFSET 0) a
         WHERE t.id = $1 AND a.access IS NOT NULL"#,
        task_id,
        viewer.series_id,
        viewer.user_id,
    )
    .fetch_optional(db)
    .await
}

/// Locks the task row for the rest of the transaction and answers the
/// viewer's access to it, or `None` when they have none (or it is gone).
#[tracing::instrument(skip(conn, viewer), err)]
pub(crate) async fn lock(
    conn: &mut PgConnection,
    viewer: &Viewer,
    task_id: Uuid,
) -> sqlx::Result<Option<Access>> {
    let access = sqlx::query_scalar!(
        r#"SELECT task_access(t, $2, $3, (SELECT user_is_admin($3)), u, s) AS "access: Access"
           FROM tasks t
           LEFT JOIN users u ON u.id = t.user_id
           LEFT JOIN task_shares s ON s.task_id = t.id AND s.grantee_user_id = $3
           WHERE t.id = $1
           FOR UPDATE OF t"#,
        task_id,
        viewer.series_id,
        viewer.user_id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(access.flatten())
}

/// The viewer's own tasks and those shared with them (not every task an
/// admin could open: that list is the admin's), narrowed by `filters`, in
/// their sort, `limit` rows after `after` (exclusive). Each kind of
/// candidate is its own branch, so each walks its index
/// (`tasks_user_id_idx`, `tasks_series_id_idx` or their meeting-date twins,
/// the grantee's shares) and stops at `limit`; an `OR` across them made
/// PostgreSQL scan every task. Each branch carries its rows' access from
/// `task_access` over what it joined (the share branch: the share and the
/// owner, whose name it shows), so nothing is looked up again after the
/// branches. The owner branches exclude each other (a user, or an anonymous
/// series), and the share branch leaves out the viewer's own tasks, which a
/// share never names anyway: a task is listed once. The filters are more
/// conditions on each branch, so they narrow and never widen. A signed-in
/// viewer's statement is `list_user.sql` (own and shared); an anonymous
/// viewer's is `list_series.sql`, their series' branch alone, which
/// `scripts/bench` also runs in pgbench.
#[tracing::instrument(level = "debug", skip(db, viewer), err)]
pub(super) async fn list(
    db: &PgPool,
    viewer: &Viewer,
    filters: &Filters,
    after: ListAfter,
    limit: i64,
) -> sqlx::Result<Vec<TaskRow>> {
    let (uploaded, meeting) = match after {
        ListAfter::Uploaded(c) => (c, None),
        ListAfter::MeetingDate(c) => (None, c),
    };
    // Both statements take the same parameters.
    macro_rules! list_from {
        ($file:literal) => {
            sqlx::query_file_as!(
                TaskRow,
                $file,
                viewer.series_id,
                viewer.user_id,
                uploaded.map(|c| c.upload_timestamp),
                uploaded.map(|c| c.id).or(meeting.as_ref().map(|c| c.id)),
                limit,
                Uuid::max(),
                filters.sort == Sort::MeetingDate,
                meeting.as_ref().map(|c| c.meeting_date.as_str()),
                filters.statuses.as_deref(),
                filters.scope.map(Scope::as_str),
                filters.owner.as_deref(),
                filters.from,
                filters.to,
            )
            .fetch_all(db)
            .await
        };
    }
    if viewer.user_id.is_some() {
        list_from!("src/tasks/list_user.sql")
    } else {
        list_from!("src/tasks/list_series.sql")
    }
}

/// Where a page of the list starts, in its sort (`None`: the first page).
#[derive(Debug)]
pub(super) enum ListAfter {
    Uploaded(Option<Cursor>),
    MeetingDate(Option<MeetingCursor>),
}

/// Every task an admin may open (optionally only `owner`'s), newest first,
/// `limit` rows after `after` (exclusive), with the admin's access to each
/// and each failure's detail.
#[tracing::instrument(skip(db, viewer), err)]
pub(crate) async fn list_all(
    db: &PgPool,
    viewer: &Viewer,
    owner: Option<&str>,
    after: Option<Cursor>,
    limit: i64,
) -> sqlx::Result<Vec<TaskRow>> {
    sqlx::query_as!(
        TaskRow,
        r#"SELECT t.id, t.filename, t.content_type, t.size_bytes, t.storage_key,
                t.status AS "status: Status", t.stage AS "stage: Stage", t.progress, t.error,
                t.error_code AS "error_code: ErrorCode", t.error_detail,
                t.upload_timestamp, t.updated_at, t.state_version, a.access AS "access!: Access",
                t.title, to_char(t.meeting_date, 'YYYY-MM-DD') AS "meeting_date!",
                CASE WHEN a.access <> 'owner' THEN u.username::text END AS owner
         FROM tasks t
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN task_shares s ON s.task_id = t.id AND s.grantee_user_id = $2
         CROSS JOIN LATERAL
             (SELECT task_access(t, $1, $2, (SELECT user_is_admin($2)), u, s) AS access OFFSET 0) a
         WHERE a.access IS NOT NULL
           AND ($3::text IS NULL OR u.username = $3::text::citext)
           AND ($4::timestamptz IS NULL OR (t.upload_timestamp, t.id) < ($4::timestamptz, $5::uuid))
         ORDER BY t.upload_timestamp DESC, t.id DESC
         LIMIT $6"#,
        viewer.series_id,
        viewer.user_id,
        owner,
        after.map(|c| c.upload_timestamp),
        after.map(|c| c.id),
        limit,
    )
    .fetch_all(db)
    .await
}

/// Bytes the tasks of an anonymous series take.
pub(super) async fn anonymous_bytes(
    db: impl sqlx::PgExecutor<'_>,
    series_id: Uuid,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT coalesce(sum(size_bytes), 0)::bigint AS "bytes!"
           FROM tasks WHERE series_id = $1 AND user_id IS NULL"#,
        series_id,
    )
    .fetch_one(db)
    .await
}

/// Inserts the task and its processing job in one transaction: a task is
/// never left without the job that will process it. An anonymous viewer's
/// task is refused (`None`) when it would take their series past
/// `anonymous_cap` bytes; the series row is locked for the check, so
/// concurrent uploads cannot all squeeze under it.
#[tracing::instrument(skip_all, fields(task_id = %new.id), err)]
pub(super) async fn insert(
    db: &PgPool,
    viewer: &Viewer,
    new: NewTask<'_>,
    anonymous_cap: i64,
) -> sqlx::Result<Option<TaskRow>> {
    // A user's task must not hang off a series: the series' cascade would
    // delete it with the series.
    let series_id = viewer.user_id.is_none().then_some(viewer.series_id);
    let mut tx = db.begin().await?;
    if let Some(series_id) = series_id {
        sqlx::query!(
            "SELECT id FROM session_series WHERE id = $1 FOR UPDATE",
            series_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let used = anonymous_bytes(&mut *tx, series_id).await?;
        if used.saturating_add(new.size_bytes) > anonymous_cap {
            return Ok(None);
        }
    }
    let row = sqlx::query_as!(
        TaskRow,
        r#"INSERT INTO tasks (id, series_id, user_id, filename, content_type, size_bytes, storage_key,
                            template, meeting_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                 coalesce($9::date, (now() AT TIME ZONE 'UTC')::date))
         RETURNING id, filename, content_type, size_bytes, storage_key,
                   status AS "status: Status", stage AS "stage: Stage", progress, error,
                   error_code AS "error_code: ErrorCode", error_detail,
                   upload_timestamp, updated_at, state_version,
                   'owner' AS "access!: Access",
                   title, to_char(meeting_date, 'YYYY-MM-DD') AS "meeting_date!",
                   NULL::text AS owner"#,
        new.id,
        series_id,
        viewer.user_id,
        new.filename,
        new.content_type,
        new.size_bytes,
        new.storage_key,
        new.template.map(Json) as _,
        new.meeting_date,
    )
    .fetch_one(&mut *tx)
    .await?;
    queue::enqueue(&mut tx, row.id, queue::PROCESS).await?;
    // Announced, so the owner's event sockets know the task before anything
    // happens to it (even its deletion).
    super::hub::notify(&mut tx, row.id).await?;
    tx.commit().await?;
    Ok(Some(row))
}

/// Deletes a task the caller has locked and may manage (its jobs and shares
/// cascade) and returns its storage key. Watching sockets hear of it at
/// commit and close.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn delete(conn: &mut PgConnection, task_id: Uuid) -> sqlx::Result<String> {
    let key = sqlx::query_scalar!(
        "DELETE FROM tasks WHERE id = $1 RETURNING storage_key",
        task_id,
    )
    .fetch_one(&mut *conn)
    .await?;
    super::hub::notify(conn, task_id).await?;
    Ok(key)
}

/// At login, hands the tasks of the browser's anonymous series to the user,
/// in the login's transaction. `series_id` is cleared so the purge of the
/// revoked series cannot cascade into them.
#[tracing::instrument(skip(conn), err)]
pub(crate) async fn adopt(
    conn: &mut sqlx::PgConnection,
    series_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "UPDATE tasks SET user_id = $2, series_id = NULL
         WHERE series_id = $1 AND user_id IS NULL",
        series_id,
        user_id,
    )
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// The worker's read of the task its job names. Not a viewer query: the job
/// itself is the authority, and nothing here reaches a client.
pub(crate) async fn job_input(db: &PgPool, task_id: Uuid) -> sqlx::Result<Option<JobInput>> {
    let row = sqlx::query!(
        r#"SELECT storage_key, filename, content_type, template AS "template: Json<Template>"
           FROM tasks WHERE id = $1"#,
        task_id
    )
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(JobInput {
            storage_key: StorageKey::parse(&r.storage_key)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            filename: r.filename,
            content_type: r.content_type,
            template: r.template.map(|t| t.0),
        })
    })
    .transpose()
}

/// Puts a failed task the caller has locked and may retry back in the
/// queue; `false` when it is not failed.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn retry(conn: &mut PgConnection, task_id: Uuid) -> sqlx::Result<bool> {
    let requeued = sqlx::query!(
        "UPDATE tasks SET status = 'queued', stage = NULL, progress = 0, error = NULL,
                error_code = NULL, error_detail = NULL, updated_at = now()
         WHERE id = $1 AND status = 'failed'",
        task_id,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if requeued {
        queue::enqueue(&mut *conn, task_id, queue::PROCESS).await?;
        super::hub::notify(conn, task_id).await?;
    }
    Ok(requeued)
}

/// A task as an event socket tracks it: the viewer's access in list scope
/// (none once lost) and its state.
pub(super) struct Watched {
    pub id: Uuid,
    pub access: Option<Access>,
    pub status: Status,
    pub stage: Option<Stage>,
    pub progress: i16,
    pub error: Option<String>,
    pub error_code: Option<ErrorCode>,
    pub state_version: i64,
    pub title: Option<String>,
    pub meeting_date: String,
}

/// Every task of the viewer's list (their own and those shared with them;
/// an admin's too: not every task they could open), for an event socket.
#[tracing::instrument(skip(db, viewer), err)]
pub(super) async fn watched_all(db: &PgPool, viewer: &Viewer) -> sqlx::Result<Vec<Watched>> {
    sqlx::query_as!(
        Watched,
        r#"SELECT t.id, a.access AS "access: Access",
                t.status AS "status: Status", t.stage AS "stage: Stage", t.progress, t.error,
                t.error_code AS "error_code: ErrorCode", t.state_version,
                t.title, to_char(t.meeting_date, 'YYYY-MM-DD') AS "meeting_date!"
         FROM tasks t
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN task_shares s ON s.task_id = t.id AND s.grantee_user_id = $2
         CROSS JOIN LATERAL (SELECT task_access(t, $1, $2, false, u, s) AS access) a
         WHERE (task_visible(t, $1, $2) OR s.task_id IS NOT NULL)
           AND a.access IS NOT NULL"#,
        viewer.series_id,
        viewer.user_id,
    )
    .fetch_all(db)
    .await
}

/// These tasks as `watched_all` sees them, with a null access where the
/// viewer has none; a task that no longer exists has no row.
#[tracing::instrument(skip(db, viewer), err)]
pub(super) async fn watched(
    db: &PgPool,
    viewer: &Viewer,
    ids: &[Uuid],
) -> sqlx::Result<Vec<Watched>> {
    sqlx::query_as!(
        Watched,
        r#"SELECT t.id, task_access(t, $1, $2, false, u, s) AS "access: Access",
                t.status AS "status: Status", t.stage AS "stage: Stage", t.progress, t.error,
                t.error_code AS "error_code: ErrorCode", t.state_version,
                t.title, to_char(t.meeting_date, 'YYYY-MM-DD') AS "meeting_date!"
         FROM tasks t
         LEFT JOIN users u ON u.id = t.user_id
         LEFT JOIN task_shares s ON s.task_id = t.id AND s.grantee_user_id = $2
         WHERE t.id = ANY($3)"#,
        viewer.series_id,
        viewer.user_id,
        ids,
    )
    .fetch_all(db)
    .await
}
