//! The single sign-on flow (docs/sign-in.md). `oidc_start` keeps the
//! request's PKCE verifier and nonce server side, under its `state`, bound
//! to the browser's series; `oidc_callback` takes that request back
//! (once), redeems the code, validates the ID token, then either links the
//! identity to the signed-in account that asked, or signs in — ending, like
//! every sign-in, in `Accounts::sign_in_in`: a new series owned by the user,
//! the anonymous tasks adopted, the disable check, the session cap, the
//! new-device notice and one `login_succeeded` (method `oidc`).
//!
//! A provider's sign-in counts as the whole proof: an account with
//! two-factor sign-in is not asked for its code here (the provider is where
//! a second factor for this way in belongs).

use sqlx::PgConnection;
use url::Url;
use uuid::Uuid;

use super::{
    claims::Claims,
    errors::{self, Failure},
    identities,
    pending::{self, NewPending},
    provider::Provider,
};
use crate::{
    audit,
    auth::{
        accounts::{Accounts, SignedIn, actor},
        device_cookie::Device,
        identity::{Email, Username},
        roles::{RoleHolder, another_enabled_admin, set_roles},
        sign_in::{Method, SignIn},
        users::{self, NewUser, Role, User},
    },
    error::{ApiError, Result},
    session::{ClientMeta, SessionContext},
};

/// What the provider sent back with the browser.
#[derive(Debug, Default)]
pub(in crate::auth) struct Reply {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// A callback that went through.
pub(in crate::auth) enum Finished {
    SignedIn(Box<SignedIn>),
    /// The identity now signs in to the caller's account.
    Linked,
}

/// A callback that did not, and whether it was a link (the page to show
/// the error on).
pub(in crate::auth) struct Refused {
    pub linking: bool,
    pub failure: Failure,
}

impl Accounts {
    pub(in crate::auth) fn oidc_provider(&self, name: &str) -> Result<&Provider> {
        self.oidc.get(name).ok_or_else(errors::provider_not_found)
    }

    /// Begins an authorization request for the browser's series (to link
    /// the identity to `link_user_id`, or to sign in): where to send the
    /// browser.
    pub(in crate::auth) async fn oidc_start(
        &self,
        name: &str,
        series_id: Uuid,
        link_user_id: Option<Uuid>,
    ) -> Result<Url> {
        let provider = self.oidc_provider(name)?;
        let request = provider.authorize().await.map_err(errors::start_failed)?;
        let new = NewPending {
            state: &request.state,
            provider: name,
            series_id,
            pkce_verifier: &request.pkce_verifier,
            nonce: &request.nonce,
            link_user_id,
        };
        pending::insert(&self.db, new).await?;
        Ok(request.url)
    }

    /// Finishes the request the reply's `state` names, if this browser's
    /// series began it at this provider.
    pub(in crate::auth) async fn oidc_callback(
        &self,
        name: &str,
        reply: Reply,
        device: Option<Device>,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Result<Finished, Refused> {
        let refused = |linking, failure| Refused { linking, failure };
        let taken = match reply.state.as_deref() {
            Some(state) => pending::take(&self.db, state)
                .await
                .map_err(|e| refused(false, e.into()))?,
            None => None,
        };
        let Some(request) = taken
            .filter(|p| p.provider == name && current.is_some_and(|c| c.series_id == p.series_id))
        else {
            return Err(refused(false, Failure::StateInvalid));
        };
        let linking = request.link_user_id.is_some();
        let finished = async {
            if reply.error.is_some() {
                return Err(Failure::Denied);
            }
            let code = reply.code.ok_or(Failure::CodeRefused)?;
            let provider = self.oidc.get(name).ok_or(Failure::StateInvalid)?;
            let claims = provider
                .redeem(code, request.pkce_verifier, &request.nonce)
                .await?;
            match request.link_user_id {
                Some(user_id) => {
                    self.link_identity(provider, &claims, user_id, client, current)
                        .await?;
                    Ok(Finished::Linked)
                }
                None => {
                    let signed_in = self
                        .sign_in_by_identity(provider, &claims, device, client, current)
                        .await?;
                    Ok(Finished::SignedIn(Box::new(signed_in)))
                }
            }
        };
        finished.await.map_err(|failure| refused(linking, failure))
    }

    async fn link_identity(
        &self,
        provider: &Provider,
        claims: &Claims,
        user_id: Uuid,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Result<(), Failure> {
        if current.and_then(|c| c.user_id) != Some(user_id) {
            return Err(Failure::StateInvalid);
        }
        let mut tx = self.db.begin().await?;
        let user = users::get(&mut *tx, user_id)
            .await?
            .ok_or(Failure::StateInvalid)?;
        identities::link(
            &mut tx,
            &provider.name,
            &claims.subject,
            user_id,
            claims.email(),
        )
        .await?;
        let detail = serde_json::json!({ "provider": provider.name });
        let caller = actor(client, current);
        audit::record(
            &mut tx,
            audit::Kind::IdentityLinked,
            &caller,
            Some(&user.username),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sign_in_by_identity(
        &self,
        provider: &Provider,
        claims: &Claims,
        device: Option<Device>,
        client: &ClientMeta,
        current: Option<&SessionContext>,
    ) -> Result<SignedIn, Failure> {
        let caller = actor(client, current);
        let mut tx = self.db.begin().await?;
        let user_id = match identities::owner(&mut *tx, &provider.name, &claims.subject).await? {
            Some(id) => id,
            None => sign_up(&mut tx, provider, claims, &caller).await?,
        };
        let user = users::get(&mut *tx, user_id)
            .await?
            .ok_or(Failure::Internal)?;
        apply_admin_claim(&mut tx, provider, claims, &user, &caller).await?;
        let sign_in = SignIn {
            user_id,
            username: &user.username,
            trusted_device: false,
            device: device.as_ref(),
            method: Method::Oidc,
            trust_browser: false,
        };
        match self.sign_in_in(&mut tx, sign_in, client, current).await {
            Ok(signed_in) => {
                tx.commit().await?;
                Ok(signed_in)
            }
            Err(e) => {
                tx.rollback().await?;
                let failure = Failure::from(e);
                if failure == Failure::AccountDisabled {
                    let detail = serde_json::json!({ "reason": "disabled", "method": "oidc" });
                    let mut conn = self.db.acquire().await?;
                    let kind = audit::Kind::LoginFailed;
                    audit::record(&mut conn, kind, &caller, Some(&user.username), detail).await?;
                }
                Err(failure)
            }
        }
    }
}

/// A first sign-in by an identity no account has. Never links to an
/// existing account by email (whoever controls an email at some provider
/// would take the account): that is refused, and the person is told to
/// sign in with the password and link the provider from the account page.
async fn sign_up(
    conn: &mut PgConnection,
    provider: &Provider,
    claims: &Claims,
    caller: &audit::Actor,
) -> Result<Uuid, Failure> {
    let email = claims.email().and_then(|e| Email::parse(e).ok());
    if let Some(email) = &email {
        if users::email_registered(&mut *conn, email).await? {
            return Err(Failure::EmailTaken);
        }
    }
    if !provider.settings.allow_signup {
        return Err(Failure::NoAccount);
    }
    let username = claims
        .text(&provider.settings.username_claim)
        .and_then(|name| Username::parse(&name.to_lowercase()).ok())
        .ok_or(Failure::UsernameUnavailable)?;
    // Only an address the provider verified is kept on the account.
    let email = email.filter(|e| claims.verified_email() == Some(e.as_str()));
    let new = NewUser {
        username: &username,
        email: email.as_ref(),
        password_hash: "",
        has_password: false,
        roles: &[Role::Member],
    };
    let user_id = match users::create(&mut *conn, new).await {
        Ok(id) => id,
        Err(ApiError::Client { code, .. }) if code == crate::auth::errors::USERNAME_TAKEN => {
            return Err(Failure::UsernameUnavailable);
        }
        Err(ApiError::Client { code, .. }) if code == crate::auth::errors::EMAIL_TAKEN => {
            return Err(Failure::EmailTaken);
        }
        Err(e) => return Err(e.into()),
    };
    identities::link(
        conn,
        &provider.name,
        &claims.subject,
        user_id,
        claims.email(),
    )
    .await?;
    let detail = serde_json::json!({
        "user_id": user_id,
        "roles": [Role::Member.as_str()],
        "provider": provider.name,
    });
    let kind = audit::Kind::UserRegistered;
    audit::record(conn, kind, caller, Some(username.as_str()), detail).await?;
    Ok(user_id)
}

/// `admin_claim`: the provider decides, at each sign-in, whether the
/// account is an administrator. The last enabled administrator keeps the
/// role (the service always keeps one).
async fn apply_admin_claim(
    conn: &mut PgConnection,
    provider: &Provider,
    claims: &Claims,
    user: &User,
    caller: &audit::Actor,
) -> Result<(), Failure> {
    let Some(claim) = &provider.settings.admin_claim else {
        return Ok(());
    };
    let admin = claims.holds_any(claim, &provider.settings.admin_values);
    if admin == user.roles.contains(&Role::Admin) {
        return Ok(());
    }
    if !admin && !another_enabled_admin(&mut *conn, user.id).await? {
        tracing::warn!(user_id = %user.id, "the last administrator keeps the role");
        return Ok(());
    }
    let roles: &[Role] = if admin {
        &[Role::Admin, Role::Member]
    } else {
        &[Role::Member]
    };
    let holder = RoleHolder {
        id: user.id,
        username: &user.username,
        roles: &user.roles,
    };
    set_roles(conn, &holder, roles, caller).await?;
    Ok(())
}
