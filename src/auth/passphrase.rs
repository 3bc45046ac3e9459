//! Passphrases that guard something other than an account (a share link):
//! hashed and checked on the password-hashing threads like passwords, and
//! each check counted per guarded thing in the throttle's table before its
//! argon2 run, so concurrent wrong guesses, on every instance together, get
//! no more than the limit through. A right passphrase uncounts its check.

use secrecy::SecretString;

use super::{
    accounts::{Accounts, Outcome},
    errors::AccountError,
    password::Verdict,
    throttle::{self, Counter, Scope},
};

impl Accounts {
    /// A PHC string of `phrase`.
    pub async fn hash_passphrase(&self, phrase: &str) -> Outcome<String> {
        Ok(self.hasher.hash_secret(SecretString::from(phrase)).await?)
    }

    /// Whether `phrase` matches `phc`, the check counted against `guarded`
    /// (e.g. `link/<id>`): past `limit` failures in `auth.throttle_window_secs`,
    /// `TooManyAttempts` without a check.
    pub async fn check_passphrase(
        &self,
        guarded: &str,
        phrase: &str,
        phc: &str,
        limit: u32,
    ) -> Outcome<bool> {
        let counter = Counter::new(Scope::Passphrase, guarded, limit);
        let claim = match throttle::claim(
            &self.db,
            std::slice::from_ref(&counter),
            self.settings.throttle_window_secs,
        )
        .await?
        {
            Ok(claim) => claim,
            Err(refused) => {
                return Err(AccountError::TooManyAttempts {
                    retry_after_secs: refused.retry_after_secs,
                });
            }
        };
        let verdict = self.hasher.verify(phrase, phc).await;
        let mut conn = self.db.acquire().await?;
        match verdict {
            Ok(Verdict::Right { .. }) => {
                throttle::succeeded(&mut conn, &claim).await?;
                Ok(true)
            }
            Ok(Verdict::Wrong) => Ok(false),
            Err(e) => {
                // Not checked (the hashing queue is full): not counted either.
                throttle::release(&mut conn, &claim).await?;
                Err(e.into())
            }
        }
    }
}
