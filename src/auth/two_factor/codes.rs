//! Checking a code someone typed: six digits are a TOTP code, anything
//! else a recovery code. Each check first claims the account's own counter
//! of wrong codes (`auth.max_failed_codes_per_hour`, in `login_attempts`
//! under the same per-counter lock as the password throttle, so N
//! concurrent wrong codes count N and none gets past the limit). A TOTP
//! code is checked against the secret here, a recovery code when it is
//! spent; either way the `Proof` is spent in the caller's transaction, and
//! one that is wrong (or spent already) stays counted and is audited as a
//! failed sign-in.

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{recovery, store, totp};
use crate::{
    audit,
    auth::{
        accounts::{Accounts, Outcome},
        errors::AccountError,
        sign_in::Method,
        throttle::{self, Claim, Counter, Scope},
    },
};

/// A code to spend: a TOTP time step that matched, or the hash of what
/// was typed as a recovery code.
#[derive(Debug)]
pub(super) enum Proof {
    Step(i64),
    RecoveryCode(Vec<u8>),
}

impl Proof {
    pub fn method(&self) -> Method {
        match self {
            Self::Step(_) => Method::Totp,
            Self::RecoveryCode(_) => Method::RecoveryCode,
        }
    }

    /// Spends it: false if another request spent it first (or a later
    /// time step was accepted meanwhile).
    pub async fn spend(&self, conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<bool> {
        match self {
            Self::Step(step) => store::spend_step(conn, user_id, *step).await,
            Self::RecoveryCode(hash) => store::spend_recovery_code(conn, user_id, hash).await,
        }
    }
}

/// A code to spend and the throttle claim its check made.
#[derive(Debug)]
pub(super) struct Checked {
    pub proof: Proof,
    pub claim: Claim,
}

impl Accounts {
    /// Checks a code of `user_id`'s confirmed secret, or reads it as a
    /// recovery code; 429 past the account's limit of wrong codes,
    /// `InvalidCode` for six digits that match no step.
    pub(super) async fn check_code(
        &self,
        user_id: Uuid,
        username: &str,
        code: &str,
        caller: &audit::Actor,
    ) -> Outcome<Checked> {
        let counter = Counter::new(
            Scope::SecondFactor,
            username,
            self.settings.max_failed_codes_per_hour,
        );
        let window = self.settings.throttle_window_secs;
        let claim = match throttle::claim(&self.db, &[counter], window).await? {
            Ok(claim) => claim,
            Err(refused) => {
                audit::count_in_episode(
                    &self.db,
                    audit::Kind::LoginThrottled,
                    caller,
                    Some(username),
                    &refused.counter.episode(),
                    refused.retry_after_secs,
                )
                .await?;
                return Err(AccountError::TooManyAttempts {
                    retry_after_secs: refused.retry_after_secs,
                });
            }
        };
        let proof = if totp::looks_like_code(code) {
            let row = store::secret(&self.db, user_id)
                .await?
                .filter(|r| r.confirmed_at.is_some());
            let secret = row.and_then(|r| self.two_factor.open(user_id, &r.secret_sealed));
            let now = OffsetDateTime::now_utc().unix_timestamp();
            secret
                .and_then(|s| s.matching_step(code, now))
                .map(Proof::Step)
        } else {
            Some(Proof::RecoveryCode(recovery::hash_input(code)))
        };
        match proof {
            Some(proof) => Ok(Checked { proof, claim }),
            None => self.wrong_code(username, caller).await,
        }
    }

    /// Audits a wrong (or already spent) code; its claim stays counted.
    pub(super) async fn wrong_code<T>(&self, username: &str, caller: &audit::Actor) -> Outcome<T> {
        let mut conn = self.db.acquire().await?;
        audit::record(
            &mut conn,
            audit::Kind::LoginFailed,
            caller,
            Some(username),
            serde_json::json!({ "reason": "wrong_code" }),
        )
        .await?;
        Err(AccountError::InvalidCode)
    }
}
