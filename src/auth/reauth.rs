//! Recent sign-in, for what only the person at the keyboard may do (create
//! an API token): the browser's session started with a password in the last
//! `RECENT` (a login, a registration, a password change — each starts a new
//! series), or the password is given again now, checked and throttled as a
//! password change's is.

use time::Duration;
use uuid::Uuid;

use super::{
    accounts::{Accounts, Outcome, actor},
    admission::{Failure, Purpose},
    errors::AccountError,
    password::Verdict,
    throttle,
    users::{self, Lookup},
};
use crate::session::{ClientMeta, SessionContext};

/// How long a password entered at sign-in counts as recent.
pub const RECENT: Duration = Duration::minutes(10);

impl Accounts {
    /// Whether `ctx` is a browser session whose password was entered within
    /// `RECENT`.
    pub async fn signed_in_recently(&self, ctx: &SessionContext) -> Outcome<bool> {
        if ctx.token.is_some() {
            return Ok(false);
        }
        let recent = sqlx::query_scalar!(
            r#"SELECT created_at > now() - make_interval(secs => $2) AS "recent!"
               FROM session_series
               WHERE id = $1 AND kind = 'browser' AND revoked_at IS NULL"#,
            ctx.series_id,
            RECENT.as_seconds_f64(),
        )
        .fetch_optional(&self.db)
        .await?;
        Ok(recent.unwrap_or(false))
    }

    /// Checks the logged-in user's password again: `InvalidCredentials`
    /// when wrong, 429 past the throttle's limits.
    pub async fn confirm_password(
        &self,
        user_id: Uuid,
        password: &str,
        client: &ClientMeta,
        current: &SessionContext,
    ) -> Outcome<()> {
        let account = users::credentials(&self.db, Lookup::Id(user_id))
            .await?
            .filter(|account| !account.disabled)
            .ok_or(AccountError::NotAuthenticated)?;
        let name = Some(account.username.as_str());
        let caller = actor(client, Some(current));
        let admitted = self
            .admit(Purpose::PasswordChange, name, client, None, &caller)
            .await?;
        let check = self.hasher.verify(password, &account.password_hash);
        if self.spend(&admitted.claim, check).await? == Verdict::Wrong {
            return self
                .reject(&admitted.claim, name, &caller, Failure::WrongPassword)
                .await;
        }
        let mut conn = self.db.acquire().await?;
        throttle::succeeded(&mut conn, &admitted.claim).await?;
        Ok(())
    }
}
