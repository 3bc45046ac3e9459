//! `Accounts`, the service behind login, registration, logout and password
//! changes, and the state of the account routes. Each flow takes plain values — what the
//! client sent, its device cookie, its `ClientMeta`, the browser's current
//! `SessionContext` if any — runs its writes in one transaction and returns
//! the new pair, which the handler installs with `SessionHandle::issue`. A
//! failed password check costs what a success costs and answers the same
//! `invalid_credentials`, whatever failed. The flows live next door: login
//! in `login_flow` and `two_factor`, where every sign-in ends in
//! `sign_in`, password changes in `password_change`, the throttle gate in
//! `admission`.

use secrecy::ExposeSecret as _;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    device_cookie::{DeviceCookies, SetDeviceCookie},
    errors::AccountError,
    oidc::Providers,
    passkeys::Passkeys,
    password::Hasher,
    register::Account,
    two_factor::TwoFactor,
    users::{self, Role, User},
};
use crate::{
    audit,
    config::{AuthSettings, Registration, Settings},
    session::{ClientMeta, IssueError, Issued, Selector, SessionContext, Sessions},
    tasks, templates,
};

/// A browser just signed in: the account, its new session and the pair for
/// its cookies, and a new device cookie for the credentials in force.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: SessionContext,
    pub issued: Issued,
    pub device: SetDeviceCookie,
}

pub(super) type Outcome<T> = Result<T, AccountError>;

/// Audit's view of a request: the session it acts in (which may be one just
/// started) and the client's IP.
pub(super) fn actor(client: &ClientMeta, ctx: Option<&SessionContext>) -> audit::Actor {
    audit::Actor {
        user_id: ctx.and_then(|c| c.user_id),
        series_id: ctx.map(|c| c.series_id),
        ip: client.ip.clone(),
    }
}

pub struct Accounts {
    pub(super) db: PgPool,
    pub(super) hasher: Hasher,
    pub(super) settings: AuthSettings,
    pub(super) sessions: std::sync::Arc<Sessions>,
    pub(super) devices: DeviceCookies,
    pub(super) two_factor: TwoFactor,
    pub(super) passkeys: Passkeys,
    pub(super) oidc: Providers,
}

impl Accounts {
    pub fn new(
        db: PgPool,
        settings: &Settings,
        sessions: std::sync::Arc<Sessions>,
    ) -> anyhow::Result<Self> {
        let secret = settings
            .session
            .secret
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("session.secret is not set"))?;
        Ok(Self {
            db,
            hasher: Hasher::new(&settings.auth)?,
            settings: settings.auth.clone(),
            sessions,
            devices: DeviceCookies::new(
                secret.expose_secret().as_bytes(),
                settings.session.cookie_secure,
            ),
            two_factor: TwoFactor::new(
                secret.expose_secret().as_bytes(),
                settings.session.cookie_secure,
            ),
            passkeys: Passkeys::new(
                &settings.server.public_origin,
                settings.session.cookie_secure,
            )?,
            oidc: Providers::new(&settings.auth.oidc, &settings.server.public_origin)?,
        })
    }

    /// Issues and reads the device cookies of browsers that logged in.
    pub fn devices(&self) -> &DeviceCookies {
        &self.devices
    }

    /// Argon2 runs (hashes and verifications) started by this service, so
    /// a test can prove a path spent none.
    pub fn argon2_runs(&self) -> u64 {
        self.hasher.runs()
    }

    /// Creates a member account and logs the browser in as by `login`.
    /// Registrations are throttled per client IP, and a taken name or email
    /// is refused before any hashing; the password is hashed before the
    /// transaction opens, so no lock waits on argon2.
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
        // Kept even when the name is taken: probing names costs attempts too.
        let claim = self.admit_registration(client).await?;
        account.ensure_free(&self.db).await?;
        let hash = self
            .spend(&claim, self.hasher.hash(&account.password))
            .await?;

        let mut tx = self.db.begin().await?;
        let caller = actor(client, current);
        let user_id = account
            .insert(&mut tx, &hash, &[Role::Member], &caller)
            .await?;
        let (ctx, issued) = self
            .start_user_series(&mut tx, user_id, client, current)
            .await?;
        let epoch = users::credential_epoch(&mut tx, user_id).await?;
        let user = user_in(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok(SignedIn {
            user,
            session: ctx,
            issued,
            device: self.devices.set(user_id, epoch),
        })
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

    /// Replaces the browser's series with a new one owned by `user_id`, in the
    /// caller's transaction: the old series, if any, is revoked and its
    /// anonymous tasks go to the user. A disabled account gets none
    /// (`Sessions::start_in`).
    pub(super) async fn start_user_series(
        &self,
        conn: &mut PgConnection,
        user_id: Uuid,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Result<(SessionContext, Issued), IssueError> {
        let (ctx, issued) = self.sessions.start_in(conn, Some(user_id), client).await?;
        if let Some(old) = current {
            let actor = actor(client, Some(&ctx));
            let old_series = Selector::series(old.series_id);
            self.sessions
                .revoke_in(conn, old_series, "login", &actor)
                .await?;
            tasks::adopt(conn, old.series_id, user_id).await?;
            templates::adopt(conn, old.series_id, user_id).await?;
        }
        Ok((ctx, issued))
    }
}

/// The account as the API shows it, read in the flow's transaction so the
/// answer and the new series commit together.
pub(super) async fn user_in(conn: &mut PgConnection, id: Uuid) -> Outcome<User> {
    users::get(conn, id)
        .await?
        .ok_or(AccountError::NotAuthenticated)
}
