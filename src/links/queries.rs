//! Link SQL. The owner's statements run after `service::authorize` locked
//! the task in the same transaction; the public ones find a link by its
//! secret's hash and carry every condition of a live link in their `WHERE`
//! (not revoked, not expired, the task's owner enabled), so each use is
//! decided by the database as it is at that moment.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::model::{LinkView, LinkViewEntry};

/// Views listed per link.
const VIEWS_SHOWN: i64 = 50;
/// Views one link records a minute at most.
const VIEWS_PER_MINUTE: i64 = 60;

pub(super) struct NewRow<'a> {
    pub id: Uuid,
    pub task_id: Uuid,
    pub created_by: Uuid,
    pub prefix: &'a str,
    pub secret_hash: &'a [u8],
    pub passphrase_hash: Option<&'a str>,
    pub include_transcript: bool,
    pub include_recording: bool,
    pub expires_in_days: u32,
}

struct LinkRow {
    id: Uuid,
    task_id: Uuid,
    prefix: String,
    created_by: Option<String>,
    has_passphrase: bool,
    include_transcript: bool,
    include_recording: bool,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    view_count: i64,
}

impl LinkRow {
    fn with_views(self, views: Vec<LinkViewEntry>) -> LinkView {
        LinkView {
            id: self.id,
            task_id: self.task_id,
            prefix: self.prefix,
            created_by: self.created_by,
            has_passphrase: self.has_passphrase,
            include_transcript: self.include_transcript,
            include_recording: self.include_recording,
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
            view_count: self.view_count,
            views,
        }
    }
}

#[tracing::instrument(skip_all, err)]
pub(super) async fn insert(conn: &mut PgConnection, row: NewRow<'_>) -> sqlx::Result<LinkView> {
    sqlx::query!(
        "INSERT INTO share_links (id, task_id, created_by, prefix, secret_hash, passphrase_hash,
                                  include_transcript, include_recording, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(days => $9))",
        row.id,
        row.task_id,
        row.created_by,
        row.prefix,
        row.secret_hash,
        row.passphrase_hash,
        row.include_transcript,
        row.include_recording,
        i32::try_from(row.expires_in_days).unwrap_or(i32::MAX),
    )
    .execute(&mut *conn)
    .await?;
    let mut links = list(conn, row.task_id, Some(row.id)).await?;
    Ok(links.pop().expect("the link was just inserted"))
}

/// The task's links (or the one `only`), newest first, each with its newest views.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn list(
    conn: &mut PgConnection,
    task_id: Uuid,
    only: Option<Uuid>,
) -> sqlx::Result<Vec<LinkView>> {
    let rows = sqlx::query_as!(
        LinkRow,
        r#"SELECT l.id, l.task_id, l.prefix, u.username::text AS created_by,
                  l.passphrase_hash IS NOT NULL AS "has_passphrase!",
                  l.include_transcript, l.include_recording, l.created_at, l.expires_at,
                  l.revoked_at,
                  (SELECT count(*) FROM share_link_views v WHERE v.link_id = l.id) AS "view_count!"
           FROM share_links l
           LEFT JOIN users u ON u.id = l.created_by
           WHERE l.task_id = $1 AND ($2::uuid IS NULL OR l.id = $2)
           ORDER BY l.created_at DESC, l.id"#,
        task_id,
        only,
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let views = sqlx::query!(
        r#"SELECT v.link_id AS "link_id!", v.viewed_at AS "viewed_at!", v.user_agent,
                  host(v.ip) AS ip
           FROM unnest($1::uuid[]) AS l (id)
           CROSS JOIN LATERAL (
               SELECT link_id, viewed_at, user_agent, ip FROM share_link_views
               WHERE link_id = l.id ORDER BY viewed_at DESC, id DESC LIMIT $2) v"#,
        &ids,
        VIEWS_SHOWN,
    )
    .fetch_all(conn)
    .await?;
    let mut by_link: HashMap<Uuid, Vec<LinkViewEntry>> = HashMap::new();
    for v in views {
        by_link.entry(v.link_id).or_default().push(LinkViewEntry {
            viewed_at: v.viewed_at,
            user_agent: v.user_agent,
            ip: v.ip,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let views = by_link.remove(&r.id).unwrap_or_default();
            r.with_views(views)
        })
        .collect())
}

/// Links to the task not yet revoked or expired.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn count_live(conn: &mut PgConnection, task_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM share_links
           WHERE task_id = $1 AND revoked_at IS NULL AND expires_at > now()"#,
        task_id,
    )
    .fetch_one(conn)
    .await
}

/// The task a link is to, whatever its state.
#[tracing::instrument(skip(db), err)]
pub(super) async fn task_of(db: &PgPool, link_id: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("SELECT task_id FROM share_links WHERE id = $1", link_id)
        .fetch_optional(db)
        .await
}

/// Revokes the link; its prefix when it was live until now.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn revoke(
    conn: &mut PgConnection,
    link_id: Uuid,
    task_id: Uuid,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "UPDATE share_links SET revoked_at = now()
         WHERE id = $1 AND task_id = $2 AND revoked_at IS NULL
         RETURNING prefix",
        link_id,
        task_id,
    )
    .fetch_optional(conn)
    .await
}

/// The task's owning user, `None` for an anonymous series' task, and
/// whether its editors may make links.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn task_policy(
    conn: &mut PgConnection,
    task_id: Uuid,
) -> sqlx::Result<(Option<Uuid>, bool)> {
    let row = sqlx::query!(
        "SELECT user_id, editors_may_link FROM tasks WHERE id = $1",
        task_id
    )
    .fetch_one(conn)
    .await?;
    Ok((row.user_id, row.editors_may_link))
}

#[tracing::instrument(skip(conn), err)]
pub(super) async fn set_policy(
    conn: &mut PgConnection,
    task_id: Uuid,
    editors_may_link: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tasks SET editors_may_link = $2 WHERE id = $1",
        task_id,
        editors_may_link,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A live link, found by its secret's hash, with what its page shows.
pub(super) struct Live {
    pub id: Uuid,
    pub passphrase_hash: Option<String>,
    pub include_transcript: bool,
    pub include_recording: bool,
    pub expires_at: OffsetDateTime,
    pub title: Option<String>,
    pub meeting_date: String,
    pub filename: String,
    pub content_type: String,
    pub storage_key: String,
    pub status: crate::tasks::Status,
}

/// The live link with this hash: not revoked, not expired, to a task whose
/// owning account is enabled. `None` for anything else, alike.
#[tracing::instrument(skip_all, err)]
pub(super) async fn live(db: &PgPool, secret_hash: &[u8]) -> sqlx::Result<Option<Live>> {
    sqlx::query_as!(
        Live,
        r#"SELECT l.id, l.passphrase_hash, l.include_transcript, l.include_recording,
                  l.expires_at, t.title, to_char(t.meeting_date, 'YYYY-MM-DD') AS "meeting_date!",
                  t.filename, t.content_type, t.storage_key,
                  t.status AS "status: crate::tasks::Status"
           FROM share_links l
           JOIN tasks t ON t.id = l.task_id
           JOIN users o ON o.id = t.user_id
           WHERE l.secret_hash = $1 AND l.revoked_at IS NULL AND l.expires_at > now()
             AND o.disabled_at IS NULL"#,
        secret_hash,
    )
    .fetch_optional(db)
    .await
}

/// The newest minutes of the link's task.
#[tracing::instrument(skip(db), err)]
pub(super) async fn newest_minutes(
    db: &PgPool,
    link_id: Uuid,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        "SELECT r.content FROM share_links l
         JOIN minutes_revisions r ON r.task_id = l.task_id
         WHERE l.id = $1 ORDER BY r.version DESC LIMIT 1",
        link_id,
    )
    .fetch_optional(db)
    .await
}

/// Records an opening of the link. Openings by the same browser and
/// address within a minute are one view (a reload is not a new reader), and
/// a link records at most `VIEWS_PER_MINUTE` views a minute, so a holder who
/// floods it cannot grow the table without bound.
#[tracing::instrument(skip(db, user_agent), err)]
pub(super) async fn record_view(
    db: &PgPool,
    link_id: Uuid,
    user_agent: Option<&str>,
    ip: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO share_link_views (link_id, user_agent, ip)
         SELECT $1, $2, $3::text::inet
         WHERE NOT EXISTS (
                   SELECT 1 FROM share_link_views
                   WHERE link_id = $1 AND viewed_at > now() - interval '1 minute'
                     AND ip IS NOT DISTINCT FROM $3::text::inet
                     AND user_agent IS NOT DISTINCT FROM $2)
           AND (SELECT count(*) FROM share_link_views
                WHERE link_id = $1 AND viewed_at > now() - interval '1 minute') < $4",
        link_id,
        user_agent,
        ip,
        VIEWS_PER_MINUTE,
    )
    .execute(db)
    .await?;
    Ok(())
}
