//! Where every sign-in ends, whatever proved the person (a password, a
//! password and a second factor, a password on a trusted browser, a
//! passkey, a single sign-on provider): in the
//! caller's transaction, a new series owned by the user through the issue
//! gate (a disabled account gets none), the browser's old series revoked
//! and its anonymous tasks adopted, the session cap applied, a new-device
//! notice when the browser had no device cookie for the account, the
//! account's failure counter forgotten unless a device cookie admitted the
//! attempt, one `login_succeeded` event, and a new device cookie (a
//! trusted browser's trust moving to it).

use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    accounts::{Accounts, SignedIn, actor},
    device_cookie::Device,
    notices,
    throttle::{self, Counter, Scope},
    two_factor::trusted,
    users,
};
use crate::{
    audit,
    session::{ClientMeta, IssueError, SessionContext},
};

/// How the person proved who they are, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Password,
    /// The password, on a browser trusted to skip the second factor.
    TrustedBrowser,
    Totp,
    RecoveryCode,
    /// A passkey (WebAuthn), verified by the user.
    Passkey,
    /// A single sign-on provider's sign-in (`oidc`).
    Oidc,
}

impl Method {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::TrustedBrowser => "trusted_browser",
            Self::Totp => "totp",
            Self::RecoveryCode => "recovery_code",
            Self::Passkey => "passkey",
            Self::Oidc => "oidc",
        }
    }
}

/// A sign-in whose proofs all checked out.
pub(super) struct SignIn<'a> {
    pub user_id: Uuid,
    pub username: &'a str,
    /// Admitted on a device cookie of the account (the throttle's view).
    pub trusted_device: bool,
    /// The device cookie the browser brought, whichever account it names.
    pub device: Option<&'a Device>,
    pub method: Method,
    /// Trust this browser to skip the second factor (after one).
    pub trust_browser: bool,
}

impl Accounts {
    /// Ends a sign-in in the caller's transaction (see the module's doc).
    pub(super) async fn sign_in_in(
        &self,
        conn: &mut PgConnection,
        s: SignIn<'_>,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Result<SignedIn, IssueError> {
        let (ctx, issued) = self
            .start_user_series(conn, s.user_id, client, current)
            .await?;
        let caller = actor(client, Some(&ctx));
        if let Some(cap) = self.settings.max_sessions_per_user {
            self.sessions
                .enforce_cap(conn, s.user_id, ctx.series_id, cap, &caller)
                .await?;
        }
        let known = s.device.is_some_and(|d| d.user_id == s.user_id);
        if !known {
            notices::record(conn, s.user_id, ctx.series_id, client).await?;
        }
        if !s.trusted_device {
            let limit = self.settings.max_failed_logins_per_hour;
            let counter = Counter::new(Scope::Account, s.username, limit);
            throttle::forget(conn, &counter).await?;
        }
        let epoch = users::credential_epoch(conn, s.user_id).await?;
        let device = self.devices.mint(s.user_id, epoch);
        match s.device.filter(|d| d.unlocks(s.user_id, epoch)) {
            Some(old) if s.method == Method::TrustedBrowser => {
                trusted::carry(conn, s.user_id, &old.id, &device.id).await?;
            }
            _ if s.trust_browser => trusted::add(conn, s.user_id, &device.id, client).await?,
            _ => {}
        }
        audit::record(
            conn,
            audit::Kind::LoginSucceeded,
            &caller,
            Some(s.username),
            serde_json::json!({
                "trusted_device": s.trusted_device,
                "method": s.method.as_str(),
                "new_device": !known,
            }),
        )
        .await?;
        let user = users::get(&mut *conn, s.user_id)
            .await?
            .ok_or(IssueError::AccountDisabled)?;
        Ok(SignedIn {
            user,
            session: ctx,
            issued,
            device: device.cookie,
        })
    }
}
