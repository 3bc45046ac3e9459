//! Security events (`audit_events`): logins and their failures, logouts,
//! registrations, password changes, revocations, detected token reuse,
//! shares, roles and disabled accounts, edits of minutes.
//! Written in the caller's transaction so an event exists iff its effect does.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

/// Who caused an event and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub series_id: Option<Uuid>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    SeriesCreated,
    SeriesRevoked,
    RefreshReuseDetected,
    LoginSucceeded,
    /// `detail.reason`: `unknown_user`, `wrong_password`, `disabled` or
    /// `throttled` — never the password tried.
    LoginFailed,
    Logout,
    PasswordChanged,
    UserRegistered,
    /// Sharing: `detail` is `{task_id, grantee, permission}`.
    ShareGranted,
    ShareChanged,
    ShareRevoked,
    /// Admin: `subject` is the account's username.
    RoleGranted,
    RoleRemoved,
    UserDisabled,
    UserEnabled,
    SessionsRevokedByAdmin,
    /// A new version of a task's minutes; subject the task, `detail.version`.
    MinutesEdited,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::SeriesCreated => "series_created",
            Self::SeriesRevoked => "series_revoked",
            Self::RefreshReuseDetected => "refresh_token_reused",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::PasswordChanged => "password_changed",
            Self::UserRegistered => "user_registered",
            Self::ShareGranted => "share_granted",
            Self::ShareChanged => "share_changed",
            Self::ShareRevoked => "share_revoked",
            Self::RoleGranted => "role_granted",
            Self::RoleRemoved => "role_removed",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::SessionsRevokedByAdmin => "sessions_revoked_by_admin",
            Self::MinutesEdited => "minutes_edited",
        }
    }
}

#[tracing::instrument(skip_all, fields(kind = kind.as_str()), err)]
pub async fn record(
    conn: &mut PgConnection,
    kind: Kind,
    actor: &Actor,
    subject: Option<&str>,
    detail: Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO audit_events (kind, actor_user_id, actor_series_id, subject, ip, detail)
         VALUES ($1, $2, $3, $4, $5::text::inet, $6)",
        kind.as_str(),
        actor.user_id,
        actor.series_id,
        subject,
        actor.ip,
        detail,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes up to `limit` events older than `before`; the purge repeats it.
pub async fn purge(
    db: &sqlx::PgPool,
    before: time::OffsetDateTime,
    limit: i64,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "DELETE FROM audit_events WHERE id = ANY(ARRAY(
             SELECT id FROM audit_events WHERE created_at < $1 LIMIT $2))",
        before,
        limit,
    )
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}
