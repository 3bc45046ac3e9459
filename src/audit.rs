//! Security events (`audit_events`): logins, revocations, detected token reuse.
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
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::SeriesCreated => "series_created",
            Self::SeriesRevoked => "series_revoked",
            Self::RefreshReuseDetected => "refresh_token_reused",
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
