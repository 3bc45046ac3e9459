//! The second step of a sign-in. `Accounts::login` asks `second_factor_due`
//! once the password checked out: an account without a second factor, or
//! a browser it trusts, goes on to the series; any other stops here with a
//! challenge cookie and no session. `complete_sign_in` takes the
//! challenge, checks the code (throttled), and in one transaction uses the
//! challenge up, spends the code, re-checks that the credentials are those
//! the password was checked under, and ends the sign-in as a password
//! sign-in ends (`sign_in`).

use axum::http::HeaderMap;
use time::OffsetDateTime;

use super::{SetChallengeCookie, challenge, store, trusted};
use crate::{
    auth::{
        accounts::{Accounts, Outcome, SignedIn, actor},
        admission::Failure,
        device_cookie::Device,
        errors::AccountError,
        sign_in::SignIn,
        throttle,
        users::{self, Lookup},
    },
    session::{ClientMeta, IssueError, SessionContext},
};

/// A sign-in waiting for its second factor.
#[derive(Debug)]
pub struct Pending {
    pub expires_at: OffsetDateTime,
    pub cookie: SetChallengeCookie,
}

/// What a right password leads to.
pub(in crate::auth) enum SecondFactor {
    /// The account has none: the sign-in goes on.
    None,
    /// The account has one and the browser is trusted to skip it.
    Skipped,
    /// The browser must give a code: no session yet.
    Due(Pending),
}

/// What the password step leaves for the second step to decide.
pub(in crate::auth) struct PasswordChecked<'a> {
    pub user_id: uuid::Uuid,
    pub credential_epoch: i64,
    pub trusted_device: bool,
    /// The browser's device cookie, when it is one of this account's as its
    /// credentials now are.
    pub device: Option<&'a Device>,
    pub claim: &'a throttle::Claim,
}

impl Accounts {
    /// Whether the sign-in may go on without a second factor (the account
    /// has none, or the browser is trusted); else the challenge, stored,
    /// and the password's check counted as a success.
    pub(in crate::auth) async fn second_factor_due(
        &self,
        checked: PasswordChecked<'_>,
    ) -> Outcome<SecondFactor> {
        if !store::enabled(&self.db, checked.user_id).await? {
            return Ok(SecondFactor::None);
        }
        if let Some(device) = checked.device {
            if trusted::trusts(&self.db, checked.user_id, &device.id).await? {
                return Ok(SecondFactor::Skipped);
            }
        }
        let (hash, cookie) = self.two_factor.cookie.issue();
        let mut tx = self.db.begin().await?;
        let expires_at = challenge::insert(
            &mut tx,
            &hash,
            checked.user_id,
            checked.credential_epoch,
            checked.trusted_device,
        )
        .await?;
        throttle::succeeded(&mut tx, checked.claim).await?;
        tx.commit().await?;
        Ok(SecondFactor::Due(Pending { expires_at, cookie }))
    }

    /// The header that removes the challenge cookie.
    pub fn clear_challenge(&self) -> SetChallengeCookie {
        self.two_factor.cookie.clear()
    }

    /// Completes a half-finished sign-in with a code or a recovery code.
    /// `sign_in_expired` without a live challenge of this browser.
    pub async fn complete_sign_in(
        &self,
        headers: &HeaderMap,
        code: &str,
        trust_browser: bool,
        device: Option<Device>,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Outcome<SignedIn> {
        let token = self
            .two_factor
            .cookie
            .read(headers)
            .ok_or(AccountError::SignInExpired)?;
        let pending = challenge::get(&self.db, &token)
            .await?
            .ok_or(AccountError::SignInExpired)?;
        let account = users::credentials(&self.db, Lookup::Id(pending.user_id))
            .await?
            .ok_or(AccountError::SignInExpired)?;
        let caller = actor(client, current);
        let checked = self
            .check_code(account.id, &account.username, code, &caller)
            .await?;

        let mut tx = self.db.begin().await?;
        if !challenge::take(&mut tx, &token).await? {
            return Err(AccountError::SignInExpired);
        }
        let in_force = users::in_force_for_share(&mut tx, account.id)
            .await?
            .filter(|s| s.credential_epoch == pending.credential_epoch);
        if in_force.is_none() {
            // Changed or disabled since the password was checked: this
            // sign-in is over, the challenge used up with it.
            tx.commit().await?;
            return Err(AccountError::SignInExpired);
        }
        if !checked.proof.spend(&mut tx, account.id).await? {
            tx.rollback().await?;
            return self.wrong_code(&account.username, &caller).await;
        }
        let sign_in = SignIn {
            user_id: account.id,
            username: &account.username,
            trusted_device: pending.trusted_device,
            device: device.as_ref(),
            method: checked.proof.method(),
            trust_browser,
        };
        let signed_in = match self.sign_in_in(&mut tx, sign_in, client, current).await {
            Err(IssueError::AccountDisabled) => {
                tx.rollback().await?;
                return self
                    .reject(
                        &checked.claim,
                        Some(&account.username),
                        &caller,
                        Failure::Disabled,
                    )
                    .await;
            }
            signed_in => signed_in?,
        };
        throttle::succeeded(&mut tx, &checked.claim).await?;
        tx.commit().await?;
        Ok(signed_in)
    }
}
