//! Signing in again with a passkey, for sensitive actions (as
//! `POST /api/auth/reauthenticate` does with the password): an assertion
//! of one of the caller's own passkeys, its counter checked and kept, marks
//! the series signed in now.

use axum::http::HeaderMap;
use serde_json::Value;
use uuid::Uuid;
use webauthn_rs::prelude::{PasskeyAuthentication, PublicKeyCredential};

use super::{
    ceremony::Ceremony,
    flow::{Begun, Checked},
    store,
};
use crate::{
    auth::{
        accounts::{Accounts, Outcome, actor},
        errors::AccountError,
    },
    session::{ClientMeta, SessionContext, mark_signed_in},
};

impl Accounts {
    /// Begins signing the caller in again: options listing the account's
    /// passkeys. `passkey_not_found` when it has none.
    pub async fn begin_passkey_reauth(
        &self,
        ctx: &SessionContext,
        user_id: Uuid,
    ) -> Outcome<Begun> {
        let webauthn = self.webauthn()?;
        let keys = store::of_user(&self.db, user_id).await?;
        if keys.is_empty() {
            return Err(AccountError::PasskeyNotFound);
        }
        let (options, state) = webauthn
            .start_passkey_authentication(&keys)
            .map_err(anyhow::Error::from)?;
        let options = serde_json::to_value(options).map_err(anyhow::Error::from)?;
        let ceremony = Ceremony::Reauth {
            user_id,
            series_id: ctx.series_id,
        };
        self.begin_ceremony(ceremony, state, options).await
    }

    /// Finishes it: the series counts as signed in now.
    pub async fn finish_passkey_reauth(
        &self,
        headers: &HeaderMap,
        credential: Value,
        client: &ClientMeta,
        ctx: &SessionContext,
        user_id: Uuid,
    ) -> Outcome<()> {
        let webauthn = self.webauthn()?;
        let ceremony = Ceremony::Reauth {
            user_id,
            series_id: ctx.series_id,
        };
        let state: PasskeyAuthentication = self.take_ceremony(headers, ceremony).await?;
        let credential: PublicKeyCredential =
            serde_json::from_value(credential).map_err(|_| AccountError::PasskeyRefused)?;
        let username = self.username(user_id).await?;
        let mut tx = self.db.begin().await?;
        let check = |_: &_| webauthn.finish_passkey_authentication(&credential, &state);
        let credential_id = credential.raw_id.as_slice();
        if let Checked::Cloned(id) = self
            .check_assertion(&mut tx, credential_id, user_id, check)
            .await?
        {
            tx.rollback().await?;
            return self
                .passkey_cloned(&username, &actor(client, Some(ctx)), id)
                .await;
        }
        mark_signed_in(&mut tx, ctx.series_id).await?;
        tx.commit().await?;
        Ok(())
    }
}
