//! `Accounts::login`, in two steps with nothing between them in production:
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
    accounts::{Accounts, Outcome, SignedIn, actor, user_in},
    admission::{Admitted, Failure, Purpose},
    device_cookie::Device,
    identity::Username,
    password::{Password, Verdict},
    throttle::{self, Counter, Scope},
    users::{self, Credentials, Lookup},
};
use crate::{
    audit,
    session::{ClientMeta, IssueError, SessionContext},
};

/// A login whose password checked out against `account.password_hash`.
#[derive(Debug)]
pub(super) struct Verified {
    account: Credentials,
    admitted: Admitted,
    /// The hash was made with weaker parameters than configured.
    outdated: bool,
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
    ) -> Outcome<SignedIn> {
        let verified = self
            .verify_login(username, password, device, client, current)
            .await?;
        self.finish_login(verified, password, client, current).await
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
        // A disable that committed since the password check is seen here:
        // the new series' gate re-reads the account under the lock the
        // disable takes.
        let started = match in_force {
            None => Err(Failure::Superseded),
            Some(stored) => match self
                .start_user_series(&mut tx, account.id, client, current)
                .await
            {
                Err(IssueError::AccountDisabled) => Err(Failure::Disabled),
                started => Ok((stored, started?)),
            },
        };
        let (stored, (ctx, issued)) = match started {
            Ok(done) => done,
            Err(failure) => {
                tx.rollback().await?;
                let caller = actor(client, current);
                return self
                    .reject(&admitted.claim, Some(&account.username), &caller, failure)
                    .await;
            }
        };
        if !admitted.trusted {
            let limit = self.settings.max_failed_logins_per_hour;
            let counter = Counter::new(Scope::Account, &account.username, limit);
            throttle::forget(&mut tx, &counter).await?;
        }
        throttle::succeeded(&mut tx, &admitted.claim).await?;
        audit::record(
            &mut tx,
            audit::Kind::LoginSucceeded,
            &actor(client, Some(&ctx)),
            Some(&account.username),
            serde_json::json!({ "trusted_device": admitted.trusted }),
        )
        .await?;
        let user = user_in(&mut tx, account.id).await?;
        tx.commit().await?;
        Ok(SignedIn {
            user,
            session: ctx,
            issued,
            device: self.devices.set(account.id, stored.credential_epoch),
        })
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
