//! The one gate every series of a user passes through: a transaction that
//! issues a pair for a user (a new series from login, registration or a
//! password change, or a rotation) first takes the user's row `FOR SHARE`
//! and re-reads `disabled_at`, and refuses a disabled (or deleted) account.
//! Disabling takes the same row `FOR UPDATE` and revokes the user's series
//! in its own transaction, so the two are serialised: an issue that locked
//! first commits before the disable revokes (and is revoked with the rest);
//! one that comes second sees the account disabled. Either way, once the
//! disable has committed no series of the user is live. The row is always
//! locked before any series row, the order the disable takes them in, so the
//! two never deadlock.

use sqlx::PgConnection;
use uuid::Uuid;

/// Why no pair was issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The account is disabled or gone: none of its series may get a pair.
    #[error("the account is disabled")]
    AccountDisabled,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<sqlx::Error> for IssueError {
    fn from(e: sqlx::Error) -> Self {
        Self::Failed(e.into())
    }
}

/// Locks the user's row for the rest of the caller's transaction and
/// refuses a disabled or deleted account.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn hold_user(conn: &mut PgConnection, user_id: Uuid) -> Result<(), IssueError> {
    let enabled = sqlx::query_scalar!(
        r#"SELECT disabled_at IS NULL AS "enabled!" FROM users WHERE id = $1 FOR SHARE"#,
        user_id,
    )
    .fetch_optional(conn)
    .await?;
    match enabled {
        Some(true) => Ok(()),
        _ => Err(IssueError::AccountDisabled),
    }
}

/// `hold_user` for the owner of a series, before the series itself is
/// locked; an anonymous (or unknown) series has no owner to hold.
#[tracing::instrument(skip(conn), err)]
pub(super) async fn hold_owner(conn: &mut PgConnection, series_id: Uuid) -> Result<(), IssueError> {
    let enabled = sqlx::query_scalar!(
        r#"SELECT u.disabled_at IS NULL AS "enabled!" FROM users u
           WHERE u.id = (SELECT user_id FROM session_series WHERE id = $1)
           FOR SHARE OF u"#,
        series_id,
    )
    .fetch_optional(conn)
    .await?;
    match enabled {
        Some(false) => Err(IssueError::AccountDisabled),
        _ => Ok(()),
    }
}
