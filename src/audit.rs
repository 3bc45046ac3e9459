//! Security events (`audit_events`): logins and their failures, logouts,
//! registrations, password changes, revocations, detected token reuse,
//! shares, roles and disabled accounts, edits of minutes, linked sign-in
//! providers.
//! Written in the caller's transaction so an event exists iff its effect does.
//! Events that would repeat by the thousand (attempts refused by a throttle)
//! are counted into one event per episode instead.

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
    /// `password_changed` — never the password tried.
    LoginFailed,
    /// Logins (and password changes) refused by the throttle, one event
    /// per episode (`count_in_episode`): `detail.episode` names the counter
    /// at its limit (`account/ada`, `ip/192.0.2.1`), `detail.count` the
    /// attempts refused.
    LoginThrottled,
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
    /// A regeneration of a task's minutes was asked for; subject the task,
    /// `detail.template` (its id) and `detail.from_version`.
    MinutesRegenerated,
    /// API tokens: `subject` is the token's id; `detail` its name and
    /// scopes on creation.
    TokenCreated,
    TokenUsedFromNewAddress,
    TokenRevoked,
    /// Share links: `subject` is the link's id; `detail` its task, prefix
    /// and, on creation, expiry and options.
    LinkCreated,
    LinkRevoked,
    /// Webhooks: `subject` is the endpoint's id; `detail` its URL (and
    /// events on creation and change).
    WebhookCreated,
    WebhookChanged,
    WebhookRotated,
    /// Disabled by the deliverers after repeated failures (no actor).
    WebhookDisabled,
    WebhookDeleted,
    /// Two-factor sign-in turned on (a confirmed TOTP secret) or off;
    /// subject the username.
    TwoFactorEnabled,
    TwoFactorDisabled,
    /// A passkey registered or removed; subject the username, `detail` its
    /// id and name.
    PasskeyAdded,
    PasskeyRemoved,
    /// The calendar feed of a user's action items: a new secret address
    /// (`detail.replaced`: whether it ended another), or the feed ended.
    CalendarFeedCreated,
    CalendarFeedStopped,
    /// Single sign-on: a provider identity linked to or removed from an
    /// account; subject the username, `detail.provider`.
    IdentityLinked,
    IdentityUnlinked,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::SeriesCreated => "series_created",
            Self::SeriesRevoked => "series_revoked",
            Self::RefreshReuseDetected => "refresh_token_reused",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoginThrottled => "login_throttled",
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
            Self::MinutesRegenerated => "minutes_regenerated",
            Self::TokenCreated => "token_created",
            Self::TokenUsedFromNewAddress => "token_used_from_new_address",
            Self::TokenRevoked => "token_revoked",
            Self::LinkCreated => "link_created",
            Self::LinkRevoked => "link_revoked",
            Self::WebhookCreated => "webhook_created",
            Self::WebhookChanged => "webhook_changed",
            Self::WebhookRotated => "webhook_rotated",
            Self::WebhookDisabled => "webhook_disabled",
            Self::WebhookDeleted => "webhook_deleted",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::CalendarFeedCreated => "calendar_feed_created",
            Self::CalendarFeedStopped => "calendar_feed_stopped",
            Self::IdentityLinked => "identity_linked",
            Self::IdentityUnlinked => "identity_unlinked",
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

/// Counts one more occurrence of an event that comes in episodes: the open
/// episode named `episode` of this kind (one whose `detail.until` has not
/// passed) has its `detail.count` raised and its end moved to
/// `until_secs` from now; without one, a new event starts an episode with
/// count 1, its actor and subject those of the first occurrence. Runs in a
/// short transaction of its own, under a lock on the episode's name, so
/// occurrences arriving together count into one event.
#[tracing::instrument(skip(db, actor, subject), fields(kind = kind.as_str()), err)]
pub async fn count_in_episode(
    db: &sqlx::PgPool,
    kind: Kind,
    actor: &Actor,
    subject: Option<&str>,
    episode: &str,
    until_secs: u64,
) -> sqlx::Result<()> {
    let until_secs = until_secs as f64;
    let mut tx = db.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('audit_episode/' || $1 || '/' || $2, 0))",
        kind.as_str(),
        episode,
    )
    .execute(&mut *tx)
    .await?;
    let counted = sqlx::query_scalar!(
        "UPDATE audit_events SET detail = detail || jsonb_build_object(
             'count', (detail->>'count')::bigint + 1,
             'last_at', now(),
             'until', now() + make_interval(secs => $3))
         WHERE id = (SELECT id FROM audit_events
                     WHERE kind = $1 AND detail->>'episode' = $2
                       AND (detail->>'until')::timestamptz > now()
                     ORDER BY id DESC LIMIT 1)
         RETURNING id",
        kind.as_str(),
        episode,
        until_secs,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if counted.is_none() {
        sqlx::query!(
            "INSERT INTO audit_events (kind, actor_user_id, actor_series_id, subject, ip, detail)
             VALUES ($1, $2, $3, $4, $5::text::inet, jsonb_build_object(
                 'episode', $6::text, 'count', 1, 'last_at', now(),
                 'until', now() + make_interval(secs => $7)))",
            kind.as_str(),
            actor.user_id,
            actor.series_id,
            subject,
            actor.ip,
            episode,
            until_secs,
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
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
