//! The throttle gate of the `Accounts` flows: which counters an attempt
//! claims before its argon2 run, and what a refused or failed attempt
//! leaves in the audit log (a failure its `login_failed` event; refusals
//! one `login_throttled` event per episode, with their count). A browser
//! with a valid device cookie for the account it asks about claims its own
//! device counter and the account's ceiling for all its devices; past
//! either limit, or without such a cookie, an attempt claims the account's
//! and the IP's counters as before. A login also claims the account's
//! counter of successful logins.

use std::future::Future;

use super::{
    accounts::{Accounts, Outcome},
    device_cookie::Device,
    errors::AccountError,
    hash_pool::HashError,
    throttle::{self, Claim, Counter, Refused, Scope},
};
use crate::{audit, session::ClientMeta};

/// Why a password check failed: for the audit log. The client learns only
/// that the name or password is wrong, except that an account disabled
/// after the right password is told so (which tells nothing to someone
/// without the password).
#[derive(Debug, Clone, Copy)]
pub(super) enum Failure {
    UnknownUser,
    WrongPassword,
    Disabled,
    /// The password matched a hash that was replaced before the flow could
    /// commit (a password change won the race).
    Superseded,
    /// The account has no password: it signs in through a provider.
    NoPassword,
}

impl Failure {
    fn as_str(self) -> &'static str {
        match self {
            Self::UnknownUser => "unknown_user",
            Self::WrongPassword => "wrong_password",
            Self::Disabled => "disabled",
            Self::Superseded => "password_changed",
            Self::NoPassword => "no_password",
        }
    }

    fn answer(self) -> AccountError {
        match self {
            Self::Disabled => AccountError::AccountDisabled,
            Self::NoPassword => AccountError::PasswordNotSet,
            Self::UnknownUser | Self::WrongPassword | Self::Superseded => {
                AccountError::InvalidCredentials
            }
        }
    }
}

/// What a password check is for: a login is also counted as a success
/// when it succeeds (`auth.max_logins_per_account_per_hour`); a password
/// change starts no extra series and is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    Login,
    PasswordChange,
}

/// A password check allowed to run, counted in advance.
#[derive(Debug)]
pub(super) struct Admitted {
    pub claim: Claim,
    /// Admitted on a device cookie for this account: its failures count
    /// against the device, and its success leaves the account's counter alone.
    pub trusted: bool,
}

impl Accounts {
    /// Claims the attempt's counters or fails with 429, counted into the
    /// audit log's `login_throttled` episode of the counter that refused it.
    /// `device` must already be known to belong to the account asked about.
    pub(super) async fn admit(
        &self,
        purpose: Purpose,
        account: Option<&str>,
        client: &ClientMeta,
        device: Option<&Device>,
        caller: &audit::Actor,
    ) -> Outcome<Admitted> {
        let window = self.settings.throttle_window_secs;
        let logins = account.filter(|_| purpose == Purpose::Login).map(|a| {
            let limit = self.settings.max_logins_per_account_per_hour;
            Counter::new(Scope::Login, a, limit)
        });
        if let Some(device) = device {
            let own = Counter::new(
                Scope::Device,
                &device.id,
                self.settings.max_failed_logins_per_device_per_hour,
            );
            // However many cookies of the account there are, together they
            // get one ceiling.
            let all = account.map(|a| {
                let ceiling = self.settings.max_failed_device_logins_per_account_per_hour;
                Counter::new(Scope::DeviceAccount, a, ceiling)
            });
            let counters: Vec<Counter> = std::iter::once(own)
                .chain(all)
                .chain(logins.clone())
                .collect();
            // Past either limit a known browser is just another browser.
            if let Ok(claim) = throttle::claim(&self.db, &counters, window).await? {
                return Ok(Admitted {
                    claim,
                    trusted: true,
                });
            }
        }
        let counters: Vec<Counter> = account
            .map(|a| Counter::new(Scope::Account, a, self.settings.max_failed_logins_per_hour))
            .into_iter()
            .chain(client.ip.as_deref().map(|ip| {
                Counter::new(
                    Scope::Ip,
                    ip,
                    self.settings.max_failed_logins_per_ip_per_hour,
                )
            }))
            .chain(logins)
            .collect();
        match throttle::claim(&self.db, &counters, window).await? {
            Ok(claim) => Ok(Admitted {
                claim,
                trusted: false,
            }),
            Err(Refused {
                counter,
                retry_after_secs,
            }) => {
                // Counted into one event per episode, not one row per refusal.
                let subject = account.filter(|_| counter.is_per_account());
                audit::count_in_episode(
                    &self.db,
                    audit::Kind::LoginThrottled,
                    caller,
                    subject,
                    &counter.episode(),
                    retry_after_secs,
                )
                .await?;
                Err(AccountError::TooManyAttempts { retry_after_secs })
            }
        }
    }

    /// Counts a registration from the client's IP, or fails with 429.
    pub(super) async fn admit_registration(&self, client: &ClientMeta) -> Outcome<Claim> {
        let counters: Vec<Counter> = client
            .ip
            .as_deref()
            .map(|ip| {
                Counter::new(
                    Scope::Register,
                    ip,
                    self.settings.max_registrations_per_ip_per_hour,
                )
            })
            .into_iter()
            .collect();
        throttle::claim(&self.db, &counters, self.settings.throttle_window_secs)
            .await?
            .map_err(|refused| AccountError::TooManyAttempts {
                retry_after_secs: refused.retry_after_secs,
            })
    }

    /// Runs an admitted argon2 job; if it does not run to a result (the
    /// queue is full, or it failed) the attempt is uncounted, as no
    /// password was checked.
    pub(super) async fn spend<T>(
        &self,
        claim: &Claim,
        job: impl Future<Output = Result<T, HashError>>,
    ) -> Outcome<T> {
        match job.await {
            Ok(done) => Ok(done),
            Err(e) => {
                let mut conn = self.db.acquire().await?;
                throttle::release(&mut conn, claim).await?;
                Err(e.into())
            }
        }
    }

    /// Audits a failed password check, counted by its claim as a failure
    /// only; the failure is always `InvalidCredentials`.
    pub(super) async fn reject<T>(
        &self,
        claim: &Claim,
        subject: Option<&str>,
        caller: &audit::Actor,
        failure: Failure,
    ) -> Outcome<T> {
        let mut conn = self.db.acquire().await?;
        throttle::failed(&mut conn, claim).await?;
        audit::record(
            &mut conn,
            audit::Kind::LoginFailed,
            caller,
            subject,
            serde_json::json!({ "reason": failure.as_str() }),
        )
        .await?;
        Err(failure.answer())
    }
}
