//! The session series: a browser's chain of (session ID, refresh token)
//! pairs, one row in `session_series`. Queries to create, lock for rotation,
//! record a rotation, revoke (which also deletes the live session ID record)
//! and list.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ClientMeta, refresh_pair_expiration::SeriesDeadlines};

/// `NOTIFY` channel carrying the id of each revoked series, so every
/// instance can close that series' WebSockets.
pub const REVOKED_CHANNEL: &str = "session_revoked";

/// `NOTIFY` channel carrying the superseded session ID of each rotation, so
/// every instance's session cache drops that ID alone: the series' new ID,
/// cached by the rotating instance, stays.
pub const SUPERSEDED_CHANNEL: &str = "session_superseded";

#[derive(Debug)]
pub struct SeriesRow {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub current_token_hash: Option<Vec<u8>>,
    pub previous_token_hash: Option<Vec<u8>>,
    pub pending_token_sealed: Option<Vec<u8>>,
    pub rotated_at: Option<OffsetDateTime>,
    pub current_session_id: Option<String>,
    pub idle_expires_at: OffsetDateTime,
    pub absolute_expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

impl SeriesRow {
    pub fn expires_at(&self) -> OffsetDateTime {
        SeriesDeadlines {
            idle: self.idle_expires_at,
            absolute: self.absolute_expires_at,
        }
        .expires_at()
    }
}

pub struct NewSeries<'a> {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub token_hash: &'a [u8],
    pub session_id: &'a str,
    pub idle_expires_at: OffsetDateTime,
    pub absolute_expires_at: OffsetDateTime,
    pub client: &'a ClientMeta,
}

#[tracing::instrument(skip_all, fields(series_id = %s.id), err)]
pub async fn insert(conn: &mut PgConnection, s: NewSeries<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO session_series
            (id, user_id, current_token_hash, current_session_id, idle_expires_at,
             absolute_expires_at, user_agent, ip, signed_in_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::inet,
                 CASE WHEN $2::uuid IS NOT NULL THEN now() END)",
        s.id,
        s.user_id,
        s.token_hash,
        s.session_id,
        s.idle_expires_at,
        s.absolute_expires_at,
        s.client.user_agent,
        s.client.ip,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Locks a series for the rotation protocol; concurrent refreshes queue here.
/// Its owner's row is held first (`issue_gate::hold_owner`).
#[tracing::instrument(skip(conn), err)]
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<SeriesRow>> {
    sqlx::query_as!(
        SeriesRow,
        r#"SELECT id, user_id, current_token_hash, previous_token_hash, pending_token_sealed,
                  rotated_at, current_session_id, idle_expires_at, absolute_expires_at, revoked_at
           FROM session_series WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// What an unlocked read of a series tells: enough to try a rotation in
/// one statement (`record_rotation` re-checks all of it under the row lock).
#[derive(Debug)]
pub struct Glance {
    pub user_id: Option<Uuid>,
    pub current_token_hash: Option<Vec<u8>>,
    pub current_session_id: Option<String>,
    pub idle_expires_at: OffsetDateTime,
    pub absolute_expires_at: OffsetDateTime,
    pub live: bool,
}

/// Reads a series without locking it, for the rotation's fast path.
#[tracing::instrument(skip(db), err)]
pub async fn glance(db: &PgPool, id: Uuid) -> sqlx::Result<Option<Glance>> {
    sqlx::query_as!(
        Glance,
        r#"SELECT user_id, current_token_hash, current_session_id, idle_expires_at,
                  absolute_expires_at, revoked_at IS NULL AS "live!"
           FROM session_series WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

pub struct Rotation<'a> {
    pub id: Uuid,
    /// The owner the new session ID record names; the series must still
    /// have it.
    pub user_id: Option<Uuid>,
    /// The hash of the presented token: the series must still hold it as
    /// its current one.
    pub presented: &'a [u8],
    pub token_hash: &'a [u8],
    pub token_sealed: &'a [u8],
    /// The session ID being replaced (read with the series), if any.
    pub superseded: Option<&'a str>,
    pub session_id: &'a str,
    /// The new session ID record's `data` (`session_id::encode`).
    pub record: &'a [u8],
    pub session_expires_at: OffsetDateTime,
    pub idle_expires_at: OffsetDateTime,
    pub rotated_at: OffsetDateTime,
    pub client: &'a ClientMeta,
}

/// Moves the current hash to previous, installs the new pair, replaces the
/// superseded session ID record with the new one and names the superseded ID
/// to the other instances' caches, in one statement, and says whether it
/// did. It does nothing unless the series still holds the presented token
/// and the read owner, is live and unexpired, and its owner is not
/// disabled: so it is safe without the series lock. A disable that has
/// committed is seen; one in flight either revokes the series first (this
/// statement then waits for it and finds the series revoked) or waits for
/// this statement and revokes the new pair with the rest.
#[tracing::instrument(skip_all, fields(series_id = %r.id), err)]
pub async fn record_rotation(conn: &mut PgConnection, r: Rotation<'_>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"WITH updated AS (
               UPDATE session_series s SET
                   previous_token_hash = current_token_hash,
                   current_token_hash = $2,
                   pending_token_sealed = $3,
                   current_session_id = $4,
                   rotated_at = $8,
                   rotation_count = rotation_count + 1,
                   last_seen_at = now(),
                   idle_expires_at = $5,
                   user_agent = $6,
                   ip = $7::text::inet
               WHERE id = $1 AND current_token_hash = $13
                 AND user_id IS NOT DISTINCT FROM $14
                 AND revoked_at IS NULL
                 AND s.idle_expires_at > $8 AND absolute_expires_at > $8
                 AND (user_id IS NULL OR EXISTS (
                     SELECT 1 FROM users u WHERE u.id = s.user_id AND u.disabled_at IS NULL))
               RETURNING id
           ), deleted AS (
               DELETE FROM tower_sessions.session
               WHERE id = $12 AND EXISTS (SELECT 1 FROM updated)
           ), inserted AS (
               INSERT INTO tower_sessions.session (id, data, expiry_date)
               SELECT $4, $10, $11 FROM updated
           )
           SELECT CASE WHEN $12::text IS NOT NULL THEN pg_notify($9, $12) END FROM updated"#,
        r.id,
        r.token_hash,
        r.token_sealed,
        r.session_id,
        r.idle_expires_at,
        r.client.user_agent,
        r.client.ip,
        r.rotated_at,
        SUPERSEDED_CHANNEL,
        r.record,
        r.session_expires_at,
        r.superseded,
        r.presented,
        r.user_id,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Which live series a revocation hits. Built only through the constructors,
/// so no caller can accidentally select every series.
#[derive(Debug, Clone, Copy)]
pub struct Selector {
    target: Option<Uuid>,
    user_id: Option<Uuid>,
    except: Option<Uuid>,
    /// Spares the user's API tokens (series of kind `api_token`).
    browsers_only: bool,
}

impl Selector {
    /// One series, whoever owns it (the caller has established the right).
    pub fn series(id: Uuid) -> Self {
        Self {
            target: Some(id),
            user_id: None,
            except: None,
            browsers_only: false,
        }
    }

    /// One series, only if it belongs to this user.
    pub fn users_series(user_id: Uuid, id: Uuid) -> Self {
        Self {
            target: Some(id),
            user_id: Some(user_id),
            except: None,
            browsers_only: false,
        }
    }

    /// All of a user's series, API tokens included, optionally sparing one
    /// (the caller's own).
    pub fn all_of_user(user_id: Uuid, except: Option<Uuid>) -> Self {
        Self {
            target: None,
            user_id: Some(user_id),
            except,
            browsers_only: false,
        }
    }

    /// A user's browser sessions but `except`: their API tokens live on.
    pub fn other_browsers(user_id: Uuid, except: Uuid) -> Self {
        Self {
            target: None,
            user_id: Some(user_id),
            except: Some(except),
            browsers_only: true,
        }
    }
}

/// Forgets the sealed copy of the current refresh token once its grace
/// window is over: past it nothing may replay the token, so nothing may keep it.
#[tracing::instrument(skip(conn), err)]
pub async fn clear_sealed(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE session_series SET pending_token_sealed = NULL WHERE id = $1",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes the selected live series: hashes cleared, live session ID records
/// deleted, so their cookies stop working on the very next request.
/// Returns the ids revoked.
#[tracing::instrument(skip(conn), err)]
pub async fn revoke(
    conn: &mut PgConnection,
    selector: Selector,
    reason: &str,
) -> sqlx::Result<Vec<Uuid>> {
    let revoked = sqlx::query_scalar!(
        r#"WITH old AS (
               SELECT id, current_session_id FROM session_series
               WHERE revoked_at IS NULL
                 AND ($1::uuid IS NULL OR id = $1)
                 AND ($2::uuid IS NULL OR user_id = $2)
                 AND ($3::uuid IS NULL OR id <> $3)
                 AND (NOT $5 OR kind = 'browser')
               FOR UPDATE
           ), revoked AS (
               UPDATE session_series s SET
                   revoked_at = now(),
                   revoke_reason = $4,
                   current_token_hash = NULL,
                   previous_token_hash = NULL,
                   pending_token_sealed = NULL,
                   current_session_id = NULL
               FROM old WHERE s.id = old.id
               RETURNING s.id, old.current_session_id
           ), deleted AS (
               DELETE FROM tower_sessions.session
               WHERE id IN (SELECT current_session_id FROM revoked)
           )
           SELECT id AS "id!" FROM revoked"#,
        selector.target,
        selector.user_id,
        selector.except,
        reason,
        selector.browsers_only,
    )
    .fetch_all(&mut *conn)
    .await?;
    if !revoked.is_empty() {
        sqlx::query!(
            "SELECT pg_notify($1, id::text) FROM unnest($2::uuid[]) AS id",
            REVOKED_CHANNEL,
            &revoked,
        )
        .execute(conn)
        .await?;
    }
    Ok(revoked)
}

#[derive(Debug)]
pub struct LiveSeries {
    pub id: Uuid,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// The caller's live browser series: its own, plus all of its user's when
/// logged in (API tokens are listed with the tokens).
#[tracing::instrument(skip(db), err)]
pub async fn list_live(
    db: &PgPool,
    series_id: Uuid,
    user_id: Option<Uuid>,
) -> sqlx::Result<Vec<LiveSeries>> {
    sqlx::query_as!(
        LiveSeries,
        r#"SELECT id, created_at, last_seen_at, user_agent, host(ip) AS ip
           FROM session_series
           WHERE revoked_at IS NULL AND kind = 'browser'
             AND idle_expires_at > now() AND absolute_expires_at > now()
             AND (id = $1 OR ($2::uuid IS NOT NULL AND user_id = $2))
           ORDER BY last_seen_at DESC, id"#,
        series_id,
        user_id,
    )
    .fetch_all(db)
    .await
}

/// When a live series expires (its refresh token's deadline, which moves as
/// the browser's requests rotate it); `None` once revoked or gone. For
/// long-lived connections that must end with their session.
#[tracing::instrument(skip(db), err)]
pub async fn live_until(db: &PgPool, id: Uuid) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar!(
        r#"SELECT least(idle_expires_at, absolute_expires_at) AS "expires_at!"
           FROM session_series WHERE id = $1 AND revoked_at IS NULL"#,
        id
    )
    .fetch_optional(db)
    .await
}
