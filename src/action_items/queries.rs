//! The action items' statements. Which meetings a user's items come from is
//! decided by `task_access` over the task's owner and the user's share, as
//! the task list decides it (their own and those shared with them; an
//! admin's items are theirs too, not everyone's); the items are read from
//! the newest revision of each meeting's minutes, the one source of truth.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::tasks::Access;

/// An action item of the user's, as stored.
pub(super) struct ItemRow {
    pub task_id: Uuid,
    pub title: String,
    pub meeting_date: String,
    pub version: i32,
    pub access: Access,
    pub index: i32,
    pub text: String,
    pub owner: String,
    pub due: Option<String>,
    pub due_date: Option<String>,
    pub done: bool,
    pub segment: i32,
    pub start: Option<f64>,
}

/// Most items listed at once.
pub(super) const MAX_ITEMS: i64 = 1000;

/// The user's action items: open first, then by due date (a `YYYY-MM-DD`
/// string sorts as its date; undated last), then the newest meeting.
#[tracing::instrument(skip(db), err)]
pub(super) async fn mine(db: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        r#"WITH names AS (
               SELECT lower(u.username::text) AS name FROM users u WHERE u.id = $1
               UNION
               SELECT lower(n.name) FROM user_speaker_names n WHERE n.user_id = $1
           ),
           candidates AS MATERIALIZED (
               SELECT id FROM tasks WHERE user_id = $1
               UNION
               SELECT task_id FROM task_shares WHERE grantee_user_id = $1
           )
           SELECT t.id AS "task_id!", coalesce(t.title, t.filename) AS "title!",
                  to_char(t.meeting_date, 'YYYY-MM-DD') AS "meeting_date!",
                  r.version AS "version!", a.access AS "access!: Access",
                  (i.ordinality - 1)::int AS "index!",
                  i.item->>'text' AS "text!", btrim(i.item->>'owner') AS "owner!",
                  i.item->>'due' AS due, i.item->>'due_date' AS due_date,
                  coalesce((i.item->>'done')::boolean, false) AS "done!",
                  (i.item->>'segment')::int AS "segment!",
                  (r.content->'transcript'->((i.item->>'segment')::int)->>'start')::float8 AS start
           FROM candidates c
           JOIN tasks t ON t.id = c.id
           LEFT JOIN users o ON o.id = t.user_id
           LEFT JOIN task_shares s ON s.task_id = t.id AND s.grantee_user_id = $1
           CROSS JOIN LATERAL (SELECT task_access(t, NULL, $1, false, o, s) AS access) a
           CROSS JOIN LATERAL (
               SELECT m.version, m.content FROM minutes_revisions m
               WHERE m.task_id = t.id ORDER BY m.version DESC LIMIT 1
           ) r
           CROSS JOIN LATERAL jsonb_array_elements(r.content->'action_items')
               WITH ORDINALITY AS i(item, ordinality)
           WHERE a.access IS NOT NULL
             AND lower(btrim(i.item->>'owner')) IN (SELECT name FROM names)
           ORDER BY coalesce((i.item->>'done')::boolean, false), i.item->>'due_date' NULLS LAST,
                    t.meeting_date DESC, t.id, i.ordinality
           LIMIT $2"#,
        user_id,
        MAX_ITEMS,
    )
    .fetch_all(db)
    .await
}

/// The speaker names the user claims, in the order they were claimed.
#[tracing::instrument(skip(db), err)]
pub(super) async fn names(
    db: impl sqlx::PgExecutor<'_>,
    user_id: Uuid,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT name FROM user_speaker_names WHERE user_id = $1 ORDER BY created_at, name",
        user_id
    )
    .fetch_all(db)
    .await
}

/// Replaces the user's claimed names; a name differing from an earlier one
/// only in case is the same name.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn set_names(
    conn: &mut PgConnection,
    user_id: Uuid,
    names: &[String],
) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM user_speaker_names WHERE user_id = $1", user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "INSERT INTO user_speaker_names (user_id, name, created_at)
         SELECT $1, n.name, now() + n.position * interval '1 microsecond'
         FROM unnest($2::text[]) WITH ORDINALITY AS n(name, position)
         ON CONFLICT (user_id, lower(name)) DO NOTHING",
        user_id,
        names,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// When the user's calendar feed was made, if they have one.
#[tracing::instrument(skip(db), err)]
pub(super) async fn feed_created(
    db: &PgPool,
    user_id: Uuid,
) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar!(
        "SELECT created_at FROM calendar_feeds WHERE user_id = $1",
        user_id
    )
    .fetch_optional(db)
    .await
}

/// A feed address made: when, and whether it replaced one.
pub(super) struct NewFeedRow {
    pub created_at: OffsetDateTime,
    pub replaced: bool,
}

/// Gives the user a feed with this secret, replacing any other: the old
/// address stops with this statement.
#[tracing::instrument(skip_all, err)]
pub(super) async fn replace_feed(
    conn: &mut PgConnection,
    user_id: Uuid,
    secret_hash: &[u8],
) -> sqlx::Result<NewFeedRow> {
    // `xmax` is set on a row the upsert updated, zero on one it inserted.
    sqlx::query_as!(
        NewFeedRow,
        r#"INSERT INTO calendar_feeds (user_id, secret_hash) VALUES ($1, $2)
           ON CONFLICT (user_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, created_at = now()
           RETURNING created_at, (xmax::text <> '0') AS "replaced!""#,
        user_id,
        secret_hash,
    )
    .fetch_one(conn)
    .await
}

/// Ends the user's feed; whether they had one.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn delete_feed(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM calendar_feeds WHERE user_id = $1", user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The enabled user whose feed has this secret.
#[tracing::instrument(skip_all, err)]
pub(super) async fn feed_user(db: &PgPool, secret_hash: &[u8]) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id
         WHERE f.secret_hash = $1 AND u.disabled_at IS NULL",
        secret_hash
    )
    .fetch_optional(db)
    .await
}
