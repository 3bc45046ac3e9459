//! `Accounts`, the service behind login, registration, logout and password
//! changes, held in `AppState`. Each flow takes plain values — what the
//! client sent, its `ClientMeta`, the browser's current `SessionContext` if
//! any — runs its writes in one transaction and returns the new pair, which
//! the handler installs with `SessionHandle::issue`. A failed password check
//! costs what a success costs and answers the same `invalid_credentials`,
//! whatever failed; the throttle is checked before any hashing, so a
//! throttled guesser costs no CPU.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use validator::ValidationErrors;

use super::{
    errors::AccountError,
    identity::Username,
    password::{Hasher, Password, Verdict},
    register::Account,
    throttle::{self, Attempt},
    users::{self, Lookup, Role, User},
};
use crate::{
    audit,
    config::{AuthSettings, Registration},
    session::{ClientMeta, Issued, Selector, SessionContext, Sessions},
    tasks,
};

/// A browser just signed in: the account, its new session and the pair for
/// its cookies.
pub type SignedIn = (User, SessionContext, Issued);

type Outcome<T> = Result<T, AccountError>;

/// Why a password check failed: for the audit log, never for the client.
#[derive(Debug, Clone, Copy)]
enum Failure {
    UnknownUser,
    WrongPassword,
    Disabled,
}

impl Failure {
    fn as_str(self) -> &'static str {
        match self {
            Self::UnknownUser => "unknown_user",
            Self::WrongPassword => "wrong_password",
            Self::Disabled => "disabled",
        }
    }
}

/// Audit's view of a request: the session it acts in (which may be one just
/// started) and the client's IP.
fn actor(client: &ClientMeta, ctx: Option<&SessionContext>) -> audit::Actor {
    audit::Actor {
        user_id: ctx.and_then(|c| c.user_id),
        series_id: ctx.map(|c| c.series_id),
        ip: client.ip.clone(),
    }
}

pub struct Accounts {
    db: PgPool,
    hasher: Hasher,
    settings: AuthSettings,
    sessions: std::sync::Arc<Sessions>,
}

impl Accounts {
    pub fn new(
        db: PgPool,
        settings: &AuthSettings,
        sessions: std::sync::Arc<Sessions>,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            db,
            hasher: Hasher::new(settings)?,
            settings: settings.clone(),
            sessions,
        })
    }

    /// Logs in: exactly one password verification runs whatever the
    /// account's state — unknown usernames verify a dummy hash — so an
    /// unknown user, a wrong password and a disabled account get the same
    /// failure in about the same time. A success replaces the browser's
    /// series with a new one owned by the user (no session fixation) and
    /// adopts the old series' anonymous tasks, in one transaction.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Outcome<SignedIn> {
        // Login is case-insensitive like the column; a name that could never
        // have been registered has no account and no throttle key.
        let username = Username::parse(&username.to_lowercase()).ok();
        let name = username.as_ref().map(Username::as_str);
        let attempt = Attempt::new(name, client.ip.clone());
        let caller = actor(client, current);
        self.check_throttle(&attempt, name, &caller).await?;

        let found = match &username {
            Some(username) => users::credentials(&self.db, Lookup::Name(username)).await?,
            None => None,
        };
        let Some(account) = found else {
            self.hasher.verify_dummy(password).await?;
            return self
                .reject(&attempt, name, &caller, Failure::UnknownUser)
                .await;
        };
        let outdated = match self.hasher.verify(password, &account.password_hash).await? {
            Verdict::Wrong => {
                return self
                    .reject(&attempt, name, &caller, Failure::WrongPassword)
                    .await;
            }
            // Checked only after the password, so it costs the same and tells a
            // guesser nothing.
            Verdict::Right { .. } if account.disabled => {
                return self
                    .reject(&attempt, name, &caller, Failure::Disabled)
                    .await;
            }
            Verdict::Right { outdated } => outdated,
        };
        if outdated {
            self.rehash(account.id, password).await;
        }

        let mut tx = self.db.begin().await?;
        let (ctx, issued) = self
            .start_user_series(&mut tx, account.id, client, current)
            .await?;
        throttle::forget_account(&mut tx, &attempt).await?;
        audit::record(
            &mut tx,
            audit::Kind::LoginSucceeded,
            &actor(client, Some(&ctx)),
            Some(&account.username),
            serde_json::json!({}),
        )
        .await?;
        let user = user_in(&mut tx, account.id).await?;
        tx.commit().await?;
        Ok((user, ctx, issued))
    }

    /// Creates a member account and logs the browser in as by `login`. The
    /// password is hashed before the transaction opens, so no lock waits on
    /// argon2.
    pub async fn register(
        &self,
        username: &str,
        email: Option<&str>,
        password: String,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Outcome<SignedIn> {
        if self.settings.registration == Registration::Closed {
            return Err(AccountError::RegistrationClosed);
        }
        let account = Account::parse(username, email, password).map_err(AccountError::Invalid)?;
        let hash = self.hasher.hash(&account.password).await?;

        let mut tx = self.db.begin().await?;
        let caller = actor(client, current);
        let user_id = account
            .insert(&mut tx, &hash, &[Role::Member], &caller)
            .await?;
        let (ctx, issued) = self
            .start_user_series(&mut tx, user_id, client, current)
            .await?;
        let user = user_in(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok((user, ctx, issued))
    }

    /// Revokes the browser's series, whoever owns it.
    pub async fn logout(&self, current: &SessionContext, client: &ClientMeta) -> Outcome<()> {
        let actor = actor(client, Some(current));
        let mut tx = self.db.begin().await?;
        let this = Selector::series(current.series_id);
        self.sessions
            .revoke_in(&mut tx, this, "logout", &actor)
            .await?;
        audit::record(
            &mut tx,
            audit::Kind::Logout,
            &actor,
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a logged-in user's password, given the current one (checked
    /// and throttled like a login). Every series of the user is revoked, the
    /// browser's own included, and the browser gets a new pair: whoever else
    /// held a session, or the old cookies, is out.
    pub async fn change_password(
        &self,
        user_id: Uuid,
        current_password: &str,
        new_password: String,
        client: &ClientMeta,
        current: &SessionContext,
    ) -> Outcome<(SessionContext, Issued)> {
        let new = Password::parse(new_password).map_err(|e| {
            let mut errors = ValidationErrors::new();
            errors.add("new_password", e);
            AccountError::Invalid(errors)
        })?;
        let account = users::credentials(&self.db, Lookup::Id(user_id))
            .await?
            .ok_or(AccountError::NotAuthenticated)?;
        let name = Some(account.username.as_str());
        let attempt = Attempt::new(name, client.ip.clone());
        let caller = actor(client, Some(current));
        self.check_throttle(&attempt, name, &caller).await?;
        let verdict = self
            .hasher
            .verify(current_password, &account.password_hash)
            .await?;
        if verdict == Verdict::Wrong {
            return self
                .reject(&attempt, name, &caller, Failure::WrongPassword)
                .await;
        }
        let hash = self.hasher.hash(&new).await?;

        let mut tx = self.db.begin().await?;
        users::set_password_hash(&mut *tx, user_id, &hash).await?;
        let every_series = Selector::all_of_user(user_id, None);
        self.sessions
            .revoke_in(&mut tx, every_series, "password_changed", &caller)
            .await?;
        let (ctx, issued) = self
            .sessions
            .start_in(&mut tx, Some(user_id), client)
            .await?;
        audit::record(
            &mut tx,
            audit::Kind::PasswordChanged,
            &caller,
            name,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok((ctx, issued))
    }

    /// Fails — audited — when the attempt's account or IP has failed too often.
    async fn check_throttle(
        &self,
        attempt: &Attempt,
        subject: Option<&str>,
        caller: &audit::Actor,
    ) -> Outcome<()> {
        let Some(retry_after_secs) =
            throttle::retry_after(&self.db, attempt, &self.settings).await?
        else {
            return Ok(());
        };
        let mut conn = self.db.acquire().await?;
        audit::record(
            &mut conn,
            audit::Kind::LoginFailed,
            caller,
            subject,
            serde_json::json!({ "reason": "throttled" }),
        )
        .await?;
        Err(AccountError::TooManyAttempts { retry_after_secs })
    }

    /// Counts and audits a failed password check; the failure is always
    /// `InvalidCredentials`.
    async fn reject<T>(
        &self,
        attempt: &Attempt,
        subject: Option<&str>,
        caller: &audit::Actor,
        failure: Failure,
    ) -> Outcome<T> {
        let mut tx = self.db.begin().await?;
        throttle::record_failure(&mut tx, attempt, &self.settings).await?;
        audit::record(
            &mut tx,
            audit::Kind::LoginFailed,
            caller,
            subject,
            serde_json::json!({ "reason": failure.as_str() }),
        )
        .await?;
        tx.commit().await?;
        Err(AccountError::InvalidCredentials)
    }

    /// Stores a hash under the configured parameters while the password is at
    /// hand. Best effort: the login succeeds either way, and a password that
    /// predates the current policy keeps its old hash.
    async fn rehash(&self, user_id: Uuid, password: &str) {
        let Ok(password) = Password::parse(password.to_owned()) else {
            return;
        };
        let stored = async {
            let hash = self.hasher.hash(&password).await?;
            users::set_password_hash(&self.db, user_id, &hash).await?;
            anyhow::Ok(())
        };
        match stored.await {
            Ok(()) => tracing::info!(%user_id, "password re-hashed with the configured parameters"),
            Err(e) => tracing::warn!(%user_id, error = format!("{e:#}"), "re-hashing failed"),
        }
    }

    /// Replaces the browser's series with a new one owned by `user_id`, in the
    /// caller's transaction: the old series, if any, is revoked and its
    /// anonymous tasks go to the user.
    async fn start_user_series(
        &self,
        conn: &mut PgConnection,
        user_id: Uuid,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Outcome<(SessionContext, Issued)> {
        let (ctx, issued) = self.sessions.start_in(conn, Some(user_id), client).await?;
        if let Some(old) = current {
            let actor = actor(client, Some(&ctx));
            let old_series = Selector::series(old.series_id);
            self.sessions
                .revoke_in(conn, old_series, "login", &actor)
                .await?;
            tasks::adopt(conn, old.series_id, user_id).await?;
        }
        Ok((ctx, issued))
    }
}

/// The account as the API shows it, read in the flow's transaction so the
/// answer and the new series commit together.
async fn user_in(conn: &mut PgConnection, id: Uuid) -> Outcome<User> {
    users::get(conn, id)
        .await?
        .ok_or(AccountError::NotAuthenticated)
}
