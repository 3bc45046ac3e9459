//! The passkey flows of `Accounts`: registering (begin, finish), naming,
//! listing and removing the caller's passkeys, and signing in with one
//! (begin, finish), which ends in `sign_in_in` as every sign-in does.

use axum::http::HeaderMap;
use serde_json::{Value, json};
use sqlx::PgConnection;
use uuid::Uuid;
use webauthn_rs::{
    Webauthn,
    prelude::{
        AuthenticationResult, DiscoverableAuthentication, DiscoverableKey, Passkey,
        PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, WebauthnError,
        WebauthnResult,
    },
};

use super::{
    ceremony::{self, Ceremony},
    store::{self, PasskeyView},
};
use crate::{
    audit,
    auth::{
        accounts::{Accounts, Outcome, SignedIn, actor},
        device_cookie::Device,
        errors::AccountError,
        sign_in::{Method, SignIn},
        two_factor::SetChallengeCookie,
        users::{self, Lookup},
    },
    session::{ClientMeta, IssueError, SessionContext},
};

/// The longest name a passkey may have, in characters (the schemas say so
/// too: `max_length = 100`).
const MAX_NAME_CHARS: usize = 100;

/// What a begun ceremony gives the browser: the options for
/// `navigator.credentials`, and the cookie that finds its state again.
pub struct Begun {
    pub options: Value,
    pub cookie: SetChallengeCookie,
}

impl Accounts {
    pub(super) fn webauthn(&self) -> Outcome<&Webauthn> {
        self.passkeys
            .webauthn
            .as_ref()
            .ok_or(AccountError::PasskeysUnavailable)
    }

    /// Stores a ceremony's state under a new cookie.
    pub(super) async fn begin_ceremony(
        &self,
        ceremony: Ceremony,
        state: impl serde::Serialize,
        options: Value,
    ) -> Outcome<Begun> {
        let (hash, cookie) = self.passkeys.cookie.issue();
        let state = serde_json::to_value(state).map_err(anyhow::Error::from)?;
        ceremony::insert(&self.db, &hash, ceremony, state).await?;
        Ok(Begun { options, cookie })
    }

    /// Uses up the browser's ceremony of this kind: its state.
    pub(super) async fn take_ceremony<T: serde::de::DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        ceremony: Ceremony,
    ) -> Outcome<T> {
        let token = self
            .passkeys
            .cookie
            .read(headers)
            .ok_or(AccountError::CeremonyExpired)?;
        let state = ceremony::take(&self.db, &token, ceremony)
            .await?
            .ok_or(AccountError::CeremonyExpired)?;
        Ok(serde_json::from_value(state).map_err(anyhow::Error::from)?)
    }

    /// The header that removes the ceremony cookie.
    pub fn clear_passkey_ceremony(&self) -> SetChallengeCookie {
        self.passkeys.cookie.clear()
    }

    /// Begins registering a passkey for the caller (fresh sign-in needed):
    /// options asking for a discoverable credential with user verification,
    /// none of the account's passkeys again.
    pub async fn begin_passkey_registration(
        &self,
        ctx: &SessionContext,
        user_id: Uuid,
    ) -> Outcome<Begun> {
        let webauthn = self.webauthn()?;
        self.sessions.require_fresh(ctx).await?;
        let username = self.username(user_id).await?;
        let exclude = store::credential_ids(&self.db, user_id).await?;
        let exclude = exclude.into_iter().map(Into::into).collect();
        let (options, state) = webauthn
            .start_passkey_registration(user_id, &username, &username, Some(exclude))
            .map_err(anyhow::Error::from)?;
        let mut options = serde_json::to_value(options).map_err(anyhow::Error::from)?;
        // Discoverable, so that signing in needs no username.
        options["publicKey"]["authenticatorSelection"]["residentKey"] = json!("required");
        options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = json!(true);
        let ceremony = Ceremony::Register {
            user_id,
            series_id: ctx.series_id,
        };
        self.begin_ceremony(ceremony, state, options).await
    }

    /// Finishes the browser's registration: the new passkey, named `name`
    /// (or "Passkey" when blank). `passkey_refused` for a credential that
    /// does not answer the ceremony.
    pub async fn finish_passkey_registration(
        &self,
        headers: &HeaderMap,
        credential: Value,
        name: &str,
        client: &ClientMeta,
        ctx: &SessionContext,
        user_id: Uuid,
    ) -> Outcome<PasskeyView> {
        let webauthn = self.webauthn()?;
        self.sessions.require_fresh(ctx).await?;
        let ceremony = Ceremony::Register {
            user_id,
            series_id: ctx.series_id,
        };
        let state: PasskeyRegistration = self.take_ceremony(headers, ceremony).await?;
        let credential: RegisterPublicKeyCredential =
            serde_json::from_value(credential).map_err(|_| AccountError::PasskeyRefused)?;
        let passkey = webauthn
            .finish_passkey_registration(&credential, &state)
            .map_err(|e| refused("registration", e))?;
        let username = self.username(user_id).await?;
        let name = passkey_name(name);
        let mut tx = self.db.begin().await?;
        let view = store::insert(&mut tx, user_id, &name, &passkey)
            .await?
            .ok_or(AccountError::PasskeyRefused)?;
        audit::record(
            &mut tx,
            audit::Kind::PasskeyAdded,
            &actor(client, Some(ctx)),
            Some(&username),
            json!({ "passkey_id": view.id, "name": view.name }),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn passkeys(&self, user_id: Uuid) -> Outcome<Vec<PasskeyView>> {
        self.webauthn()?;
        Ok(store::list(&self.db, user_id).await?)
    }

    pub async fn rename_passkey(
        &self,
        user_id: Uuid,
        id: Uuid,
        name: &str,
    ) -> Outcome<PasskeyView> {
        self.webauthn()?;
        store::rename(&self.db, user_id, id, &passkey_name(name))
            .await?
            .ok_or(AccountError::PasskeyNotFound)
    }

    /// Removes one of the caller's passkeys (fresh sign-in needed); it
    /// signs in no more.
    pub async fn remove_passkey(
        &self,
        id: Uuid,
        client: &ClientMeta,
        ctx: &SessionContext,
        user_id: Uuid,
    ) -> Outcome<()> {
        self.webauthn()?;
        self.sessions.require_fresh(ctx).await?;
        let username = self.username(user_id).await?;
        let mut tx = self.db.begin().await?;
        let name = store::delete(&mut tx, user_id, id)
            .await?
            .ok_or(AccountError::PasskeyNotFound)?;
        audit::record(
            &mut tx,
            audit::Kind::PasskeyRemoved,
            &actor(client, Some(ctx)),
            Some(&username),
            json!({ "passkey_id": id, "name": name }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Begins a sign-in with any discoverable passkey of this site.
    pub async fn begin_passkey_sign_in(&self) -> Outcome<Begun> {
        let (options, state) = self
            .webauthn()?
            .start_discoverable_authentication()
            .map_err(anyhow::Error::from)?;
        let options = serde_json::to_value(options).map_err(anyhow::Error::from)?;
        self.begin_ceremony(Ceremony::SignIn, state, options).await
    }

    /// Finishes the browser's passkey sign-in: the assertion must come from
    /// a registered passkey of the account it names, verified by the user,
    /// with a counter that went up; the passkey's new counter is kept and
    /// the sign-in ends as every sign-in does. A disabled account is
    /// refused (`account_disabled`), a counter that did not go up too
    /// (`passkey_refused`, audited as a clone).
    pub async fn finish_passkey_sign_in(
        &self,
        headers: &HeaderMap,
        credential: Value,
        device: Option<Device>,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Outcome<SignedIn> {
        let webauthn = self.webauthn()?;
        let state: DiscoverableAuthentication =
            self.take_ceremony(headers, Ceremony::SignIn).await?;
        let credential: PublicKeyCredential =
            serde_json::from_value(credential).map_err(|_| AccountError::PasskeyRefused)?;
        let (user_id, credential_id) = webauthn
            .identify_discoverable_authentication(&credential)
            .map_err(|e| refused("sign-in", e))?;
        let account = users::credentials(&self.db, Lookup::Id(user_id))
            .await?
            .ok_or(AccountError::PasskeyRefused)?;
        let caller = actor(client, current);

        let mut tx = self.db.begin().await?;
        let check = |passkey: &Passkey| {
            let keys = [DiscoverableKey::from(passkey)];
            webauthn.finish_discoverable_authentication(&credential, state, &keys)
        };
        if let Checked::Cloned(id) = self
            .check_assertion(&mut tx, credential_id, user_id, check)
            .await?
        {
            tx.rollback().await?;
            return self.passkey_cloned(&account.username, &caller, id).await;
        }
        let sign_in = SignIn {
            user_id,
            username: &account.username,
            trusted_device: false,
            device: device.as_ref(),
            method: Method::Passkey,
            trust_browser: false,
        };
        let signed_in = match self.sign_in_in(&mut tx, sign_in, client, current).await {
            Err(IssueError::AccountDisabled) => {
                tx.rollback().await?;
                let detail = json!({ "reason": "disabled", "method": "passkey" });
                return self
                    .passkey_failed(
                        &account.username,
                        &caller,
                        detail,
                        AccountError::AccountDisabled,
                    )
                    .await;
            }
            signed_in => signed_in?,
        };
        tx.commit().await?;
        Ok(signed_in)
    }

    /// Checks an assertion (`check`) against the account's stored passkey of
    /// this credential, locked in the caller's transaction, and keeps its
    /// new counter. `passkey_refused` for an unknown or removed credential
    /// and any failed check but a counter that did not go up: that one is
    /// `Cloned`, for the caller to undo its transaction and audit.
    pub(super) async fn check_assertion(
        &self,
        conn: &mut PgConnection,
        credential_id: &[u8],
        user_id: Uuid,
        check: impl FnOnce(&Passkey) -> WebauthnResult<AuthenticationResult>,
    ) -> Outcome<Checked> {
        let Some(mut stored) = store::for_sign_in(conn, credential_id, user_id).await? else {
            return Err(AccountError::PasskeyRefused);
        };
        match check(&stored.passkey) {
            Ok(result) => {
                stored.passkey.update_credential(&result);
                store::used(conn, stored.id, &stored.passkey).await?;
                Ok(Checked::Passed)
            }
            Err(WebauthnError::CredentialPossibleCompromise) => Ok(Checked::Cloned(stored.id)),
            Err(e) => Err(refused("assertion", e)),
        }
    }

    /// Audits an assertion refused as a clone's: `passkey_refused`.
    pub(super) async fn passkey_cloned<T>(
        &self,
        username: &str,
        caller: &audit::Actor,
        passkey_id: Uuid,
    ) -> Outcome<T> {
        let detail =
            json!({ "reason": "passkey_cloned", "method": "passkey", "passkey_id": passkey_id });
        self.passkey_failed(username, caller, detail, AccountError::PasskeyRefused)
            .await
    }

    /// Records a refused passkey sign-in of a known account.
    async fn passkey_failed<T>(
        &self,
        username: &str,
        caller: &audit::Actor,
        detail: Value,
        answer: AccountError,
    ) -> Outcome<T> {
        let mut conn = self.db.acquire().await?;
        audit::record(
            &mut conn,
            audit::Kind::LoginFailed,
            caller,
            Some(username),
            detail,
        )
        .await?;
        Err(answer)
    }
}

/// What checking an assertion found.
pub(super) enum Checked {
    Passed,
    /// The counter did not go up: the passkey (this id) was copied.
    Cloned(Uuid),
}

/// A credential that does not answer its ceremony.
fn refused(what: &str, e: WebauthnError) -> AccountError {
    tracing::info!(error = %e, "passkey {what} refused");
    AccountError::PasskeyRefused
}

/// The name to keep: trimmed, at most `MAX_NAME_CHARS`, "Passkey" if blank.
fn passkey_name(name: &str) -> String {
    let name: String = name.trim().chars().take(MAX_NAME_CHARS).collect();
    if name.trim().is_empty() {
        "Passkey".to_owned()
    } else {
        name.trim().to_owned()
    }
}
