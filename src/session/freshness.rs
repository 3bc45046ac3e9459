//! Fresh sign-in: a browser series records when its person last proved who
//! they are (`signed_in_at`: set when a user's series starts, and again
//! when the password is given anew or a second factor is checked; rotation
//! keeps it, so it never slides). A sensitive action asks `require_fresh`,
//! which refuses with 403 `reauthentication_required` past
//! `auth.fresh_secs`. An API token's series is never fresh: a token does
//! not stand for the person at the keyboard.

use sqlx::PgConnection;
use uuid::Uuid;

use super::{SessionContext, Sessions, errors};
use crate::error::{ApiError, Result};

impl Sessions {
    /// Whether the caller signed in within `auth.fresh_secs`.
    #[tracing::instrument(skip_all, fields(series_id = %ctx.series_id), err)]
    pub async fn signed_in_recently(&self, ctx: &SessionContext) -> sqlx::Result<bool> {
        if ctx.token.is_some() || ctx.user_id.is_none() {
            return Ok(false);
        }
        let fresh = sqlx::query_scalar!(
            r#"SELECT signed_in_at > now() - make_interval(secs => $2) AS "fresh!"
               FROM session_series
               WHERE id = $1 AND kind = 'browser' AND revoked_at IS NULL
                 AND signed_in_at IS NOT NULL"#,
            ctx.series_id,
            self.fresh.as_seconds_f64(),
        )
        .fetch_optional(&self.db)
        .await?;
        Ok(fresh.unwrap_or(false))
    }

    /// 403 `reauthentication_required` unless the caller signed in within
    /// `auth.fresh_secs`.
    pub async fn require_fresh(&self, ctx: &SessionContext) -> Result<()> {
        if self.signed_in_recently(ctx).await? {
            Ok(())
        } else {
            Err(reauthentication_required())
        }
    }
}

/// The person behind the series proved who they are just now.
#[tracing::instrument(skip(conn), err)]
pub async fn mark_signed_in(conn: &mut PgConnection, series_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE session_series SET signed_in_at = now()
         WHERE id = $1 AND kind = 'browser' AND user_id IS NOT NULL AND revoked_at IS NULL",
        series_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub fn reauthentication_required() -> ApiError {
    ApiError::forbidden(
        errors::REAUTHENTICATION_REQUIRED,
        "sign in again (give your password) to do this",
    )
}
