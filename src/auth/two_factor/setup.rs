//! Turning two-factor sign-in on and off, for a signed-in browser with a
//! fresh sign-in. `begin_setup` stores a new secret awaiting confirmation
//! (replacing an unconfirmed one; a confirmed one must be turned off
//! first); `confirm_setup` turns it on with a code from the app and
//! answers the recovery codes, the only time they are shown; `disable`
//! needs a code or a recovery code and removes the secret, the codes and
//! the trusted browsers.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{recovery, store, totp};
use crate::{
    audit,
    auth::{
        accounts::{Accounts, Outcome, actor},
        errors::AccountError,
        throttle,
        users::{self, Lookup},
    },
    session::{ClientMeta, SessionContext},
};

/// Whom authenticator apps say the code is for.
const ISSUER: &str = "minutes";

/// The account's second factor as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// A setup was begun and awaits its confirming code.
    pub pending: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: i64,
}

/// A secret to put into an authenticator app.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupView {
    /// The secret in base32, to type in.
    pub secret: String,
    /// The `otpauth://totp/…` URI the QR code carries.
    pub otpauth_uri: String,
}

/// Recovery codes, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

impl Accounts {
    pub async fn two_factor_status(&self, user_id: Uuid) -> Outcome<TwoFactorStatus> {
        let row = store::secret(&self.db, user_id).await?;
        Ok(TwoFactorStatus {
            enabled: row.as_ref().is_some_and(|r| r.confirmed_at.is_some()),
            pending: row.as_ref().is_some_and(|r| r.confirmed_at.is_none()),
            recovery_codes_left: store::recovery_codes_left(&self.db, user_id).await?,
        })
    }

    /// Stores a new secret awaiting confirmation.
    pub async fn begin_setup(&self, ctx: &SessionContext, user_id: Uuid) -> Outcome<SetupView> {
        self.sessions.require_fresh(ctx).await?;
        let username = self.username(user_id).await?;
        let secret = totp::Secret::generate();
        let mut tx = self.db.begin().await?;
        if !store::put_pending(&mut tx, user_id, &self.two_factor.seal(user_id, &secret)).await? {
            return Err(AccountError::TwoFactorEnabled);
        }
        tx.commit().await?;
        Ok(SetupView {
            secret: secret.base32(),
            otpauth_uri: secret.uri(ISSUER, &username),
        })
    }

    /// The QR code of the pending secret's URI, as SVG.
    pub async fn setup_qr(&self, user_id: Uuid) -> Outcome<String> {
        let username = self.username(user_id).await?;
        let secret = store::secret(&self.db, user_id)
            .await?
            .filter(|r| r.confirmed_at.is_none())
            .and_then(|r| self.two_factor.open(user_id, &r.secret_sealed))
            .ok_or(AccountError::NoPendingSetup)?;
        Ok(totp::qr_svg(&secret.uri(ISSUER, &username)))
    }

    /// Turns two-factor sign-in on with a code of the pending secret.
    pub async fn confirm_setup(
        &self,
        ctx: &SessionContext,
        user_id: Uuid,
        code: &str,
        client: &ClientMeta,
    ) -> Outcome<RecoveryCodes> {
        self.sessions.require_fresh(ctx).await?;
        let username = self.username(user_id).await?;
        let pending = store::secret(&self.db, user_id)
            .await?
            .filter(|r| r.confirmed_at.is_none())
            .ok_or(AccountError::NoPendingSetup)?;
        let secret = self
            .two_factor
            .open(user_id, &pending.secret_sealed)
            .ok_or_else(|| anyhow::anyhow!("a TOTP secret does not open under this key"))?;
        let caller = actor(client, Some(ctx));
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let Some(step) = secret
            .matching_step(code, now)
            .filter(|_| totp::looks_like_code(code))
        else {
            return self.wrong_code(&username, &caller).await;
        };
        let (shown, hashes) = recovery::generate();
        let mut tx = self.db.begin().await?;
        if !store::confirm(&mut tx, user_id, step).await? {
            return Err(AccountError::NoPendingSetup);
        }
        store::replace_recovery_codes(&mut tx, user_id, &hashes).await?;
        audit::record(
            &mut tx,
            audit::Kind::TwoFactorEnabled,
            &caller,
            Some(&username),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(RecoveryCodes {
            recovery_codes: shown,
        })
    }

    /// Turns two-factor sign-in off, given a code or a recovery code.
    pub async fn disable_two_factor(
        &self,
        ctx: &SessionContext,
        user_id: Uuid,
        code: &str,
        client: &ClientMeta,
    ) -> Outcome<()> {
        self.sessions.require_fresh(ctx).await?;
        if !store::enabled(&self.db, user_id).await? {
            return Err(AccountError::TwoFactorNotEnabled);
        }
        let username = self.username(user_id).await?;
        let caller = actor(client, Some(ctx));
        let checked = self.check_code(user_id, &username, code, &caller).await?;
        let mut tx = self.db.begin().await?;
        if !checked.proof.spend(&mut tx, user_id).await? {
            tx.rollback().await?;
            return self.wrong_code(&username, &caller).await;
        }
        store::remove(&mut tx, user_id).await?;
        throttle::succeeded(&mut tx, &checked.claim).await?;
        audit::record(
            &mut tx,
            audit::Kind::TwoFactorDisabled,
            &caller,
            Some(&username),
            serde_json::json!({ "with": checked.proof.method().as_str() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signed-in caller's username; `not_authenticated` if the account
    /// is gone or disabled.
    pub(in crate::auth) async fn username(&self, user_id: Uuid) -> Outcome<String> {
        users::credentials(&self.db, Lookup::Id(user_id))
            .await?
            .filter(|a| !a.disabled)
            .map(|a| a.username)
            .ok_or(AccountError::NotAuthenticated)
    }
}
