//! `Accounts::change_password`: the current password is checked and
//! throttled like a login (a device cookie for this account exempts it from
//! the account's and IP's counters), and the new hash replaces only the
//! hash that was checked, so two changes racing cannot both win. A disabled
//! account changes nothing and gets no series.

use uuid::Uuid;
use validator::ValidationErrors;

use super::{
    accounts::{Accounts, Outcome, actor},
    admission::{Failure, Purpose},
    device_cookie::{Device, SetDeviceCookie},
    errors::AccountError,
    password::{Password, Verdict},
    throttle,
    users::{self, Lookup},
};
use crate::{
    audit,
    session::{ClientMeta, Issued, Selector, SessionContext},
};

impl Accounts {
    /// Changes a logged-in user's password, given the current one. Every
    /// series of the user is revoked, the browser's own included, and the
    /// browser gets a new pair: whoever else held a session, or the old
    /// cookies, is out. Every device cookie of the account stops counting;
    /// this browser gets a new one.
    pub async fn change_password(
        &self,
        user_id: Uuid,
        current_password: &str,
        new_password: String,
        device: Option<Device>,
        client: &ClientMeta,
        current: &SessionContext,
    ) -> Outcome<(SessionContext, Issued, SetDeviceCookie)> {
        self.sessions.require_fresh(current).await?;
        let new = Password::parse(new_password).map_err(|e| {
            let mut errors = ValidationErrors::new();
            errors.add("new_password", e);
            AccountError::Invalid(errors)
        })?;
        // A session that outlived its account's disable earns nothing here;
        // the transaction below checks again, under the disable's lock.
        let account = users::credentials(&self.db, Lookup::Id(user_id))
            .await?
            .filter(|account| !account.disabled)
            .ok_or(AccountError::NotAuthenticated)?;
        account.require_password()?;
        let name = Some(account.username.as_str());
        let caller = actor(client, Some(current));
        let device = device.filter(|d| d.unlocks(user_id, account.credential_epoch));
        let admitted = self
            .admit(
                Purpose::PasswordChange,
                name,
                client,
                device.as_ref(),
                &caller,
            )
            .await?;
        let check = self.hasher.verify(current_password, &account.password_hash);
        if self.spend(&admitted.claim, check).await? == Verdict::Wrong {
            return self
                .reject(&admitted.claim, name, &caller, Failure::WrongPassword)
                .await;
        }
        let hash = self.spend(&admitted.claim, self.hasher.hash(&new)).await?;

        let mut tx = self.db.begin().await?;
        let Some(epoch) =
            users::set_password(&mut tx, user_id, &account.password_hash, &hash).await?
        else {
            tx.rollback().await?;
            return self
                .reject(&admitted.claim, name, &caller, Failure::Superseded)
                .await;
        };
        // The hash's update holds the user's row from here on, before any
        // series row, as the disable does; `start_in` below refuses (and
        // the whole change rolls back) if the account was disabled.
        let every_series = Selector::all_of_user(user_id, None);
        self.sessions
            .revoke_in(&mut tx, every_series, "password_changed", &caller)
            .await?;
        let (ctx, issued) = self
            .sessions
            .start_in(&mut tx, Some(user_id), client)
            .await?;
        throttle::succeeded(&mut tx, &admitted.claim).await?;
        audit::record(
            &mut tx,
            audit::Kind::PasswordChanged,
            &caller,
            name,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok((ctx, issued, self.devices.set(user_id, epoch)))
    }
}
