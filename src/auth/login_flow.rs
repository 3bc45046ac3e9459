//! `Accounts::login`, in two steps with only the second factor's question
//! between them in production (`two_factor`: an account with a second
//! factor stops after the first step unless the browser is trusted):
//! `verify_login` claims the throttle and runs the one password
//! verification (unknown usernames verify a dummy hash, so an unknown user,
//! a wrong password and a disabled account with a wrong password fail alike
//! and in about the same time; only the right password learns that the
//! account is disabled); `finish_login` re-reads the stored hash `FOR SHARE` in the login
//! transaction and commits only if it is still the hash that was verified,
//! so a login racing a password change cannot outlive it. The split is also
//! the seam the race tests step through.

use uuid::Uuid;

use super::{
    accounts::{Accounts, Outcome, SignedIn, actor},
    admission::{Admitted, Failure, Purpose},
    device_cookie::Device,
    identity::Username,
    password::{Password, Verdict},
    sign_in::{Method, SignIn},
    throttle,
    two_factor::{PasswordChecked, Pending, SecondFactor},
    users::{self, Credentials, Lookup},
};
use crate::session::{ClientMeta, IssueError, SessionContext};

/// A login whose password checked out against `account.password_hash`.
#[derive(Debug)]
pub(super) struct Verified {
    account: Credentials,
    admitted: Admitted,
    /// The hash was made with weaker parameters than configured.
    outdated: bool,
    /// The device cookie the browser brought, whichever account it names.
    brought: Option<Device>,
    /// The browser is trusted to skip the second factor.
    trusted_browser: bool,
}

/// Where a right password leads.
#[derive(Debug)]
pub enum LoginStep {
    SignedIn(Box<SignedIn>),
    /// The account has a second factor: no session yet, a challenge cookie.
    SecondFactor(Pending),
}

impl Accounts {
    /// Logs in. A success replaces the browser's series with a new one owned
    /// by the user (no session fixation) and adopts the old series'
    /// anonymous tasks, in one transaction. `device` is the browser's device
    /// cookie, if it has a valid one.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        device: Option<Device>,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Outcome<LoginStep> {
        let mut verified = self
            .verify_login(username, password, device, client, current)
            .await?;
        let unlocking = verified
            .brought
            .as_ref()
            .filter(|d| d.unlocks(verified.account.id, verified.account.credential_epoch));
        let checked = PasswordChecked {
            user_id: verified.account.id,
            credential_epoch: verified.account.credential_epoch,
            trusted_device: verified.admitted.trusted,
            device: unlocking,
            claim: &verified.admitted.claim,
        };
        verified.trusted_browser = match self.second_factor_due(checked).await? {
            SecondFactor::Due(pending) => return Ok(LoginStep::SecondFactor(pending)),
            SecondFactor::Skipped => true,
            SecondFactor::None => false,
        };
        let signed_in = self
            .finish_login(verified, password, client, current)
            .await?;
        Ok(LoginStep::SignedIn(Box::new(signed_in)))
    }

    pub(super) async fn verify_login(
        &self,
        username: &str,
        password: &str,
        device: Option<Device>,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Outcome<Verified> {
        // Login is case-insensitive like the column; a name that could never
        // have been registered has no account and no throttle key.
        let username = Username::parse(&username.to_lowercase()).ok();
        let name = username.as_ref().map(Username::as_str);
        let caller = actor(client, current);
        let brought = device.clone();
        let found = match &username {
            Some(username) => users::credentials(&self.db, Lookup::Name(username)).await?,
            None => None,
        };
        // A device cookie of another account is no better than none.
        // So is one issued under credentials no longer in force.
        let device = device.filter(|d| {
            found
                .as_ref()
                .is_some_and(|a| d.unlocks(a.id, a.credential_epoch))
        });
        let admitted = self
            .admit(Purpose::Login, name, client, device.as_ref(), &caller)
            .await?;

        let Some(account) = found else {
            let dummy = self.hasher.verify_dummy(password);
            self.spend(&admitted.claim, dummy).await?;
            return self
                .reject(&admitted.claim, name, &caller, Failure::UnknownUser)
                .await;
        };
        if !account.has_password {
            // Costs what a check costs; the answer says to use the provider.
            let dummy = self.hasher.verify_dummy(password);
            self.spend(&admitted.claim, dummy).await?;
            return self
                .reject(&admitted.claim, name, &caller, Failure::NoPassword)
                .await;
        }
        let check = self.hasher.verify(password, &account.password_hash);
        let outdated = match self.spend(&admitted.claim, check).await? {
            Verdict::Wrong => {
                return self
                    .reject(&admitted.claim, name, &caller, Failure::WrongPassword)
                    .await;
            }
            // Checked only after the password, so it costs the same and tells a
            // guesser nothing.
            Verdict::Right { .. } if account.disabled => {
                return self
                    .reject(&admitted.claim, name, &caller, Failure::Disabled)
                    .await;
            }
            Verdict::Right { outdated } => outdated,
        };
        Ok(Verified {
            account,
            admitted,
            outdated,
            brought,
            trusted_browser: false,
        })
    }

    pub(super) async fn finish_login(
        &self,
        verified: Verified,
        password: &str,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Outcome<SignedIn> {
        let Verified {
            account, admitted, ..
        } = &verified;
        let mut expected = account.password_hash.clone();
        if verified.outdated {
            if let Some(fresh) = self.rehash(account.id, &expected, password).await {
                expected = fresh;
            }
        }

        let mut tx = self.db.begin().await?;
        let in_force = users::in_force_for_share(&mut tx, account.id)
            .await?
            .filter(|s| s.password_hash == expected);
        let method = if verified.trusted_browser {
            Method::TrustedBrowser
        } else {
            Method::Password
        };
        // A disable that committed since the password check is seen here:
        // the new series' gate re-reads the account under the lock the
        // disable takes.
        let signed_in = match in_force {
            None => Err(Failure::Superseded),
            Some(_) => {
                let sign_in = SignIn {
                    user_id: account.id,
                    username: &account.username,
                    trusted_device: admitted.trusted,
                    device: verified.brought.as_ref(),
                    method,
                    trust_browser: false,
                };
                match self.sign_in_in(&mut tx, sign_in, client, current).await {
                    Err(IssueError::AccountDisabled) => Err(Failure::Disabled),
                    signed_in => Ok(signed_in?),
                }
            }
        };
        let signed_in = match signed_in {
            Ok(signed_in) => signed_in,
            Err(failure) => {
                tx.rollback().await?;
                let caller = actor(client, current);
                return self
                    .reject(&admitted.claim, Some(&account.username), &caller, failure)
                    .await;
            }
        };
        throttle::succeeded(&mut tx, &admitted.claim).await?;
        tx.commit().await?;
        Ok(signed_in)
    }

    /// Stores a hash under the configured parameters while the password is at
    /// hand, only in place of the very hash that was verified: if the
    /// password changed meanwhile, the old password is not written back.
    /// Best effort: the hash now stored, if this replaced it.
    async fn rehash(&self, user_id: Uuid, old: &str, password: &str) -> Option<String> {
        let password = Password::parse(password.to_owned()).ok()?;
        let stored = async {
            let hash = self.hasher.hash(&password).await?;
            let replaced = users::replace_password_hash(&self.db, user_id, old, &hash).await?;
            anyhow::Ok(replaced.then_some(hash))
        };
        match stored.await {
            Ok(Some(hash)) => {
                tracing::info!(%user_id, "password re-hashed with the configured parameters");
                Some(hash)
            }
            Ok(None) => {
                tracing::info!(%user_id, "password changed meanwhile; not re-hashed");
                None
            }
            Err(e) => {
                tracing::warn!(%user_id, error = format!("{e:#}"), "re-hashing failed");
                None
            }
        }
    }
}
