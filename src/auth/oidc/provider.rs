//! The configured providers, each a client of its provider's endpoints as
//! its discovery document (`/.well-known/openid-configuration`) names
//! them, read at first use and kept. An ID token signed with a key the kept
//! JWKS does not hold has the document (and so the JWKS) read once more:
//! a provider's key rotation is honoured without a restart.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse as _,
    core::{CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata},
};
use secrecy::ExposeSecret as _;
use tokio::sync::RwLock;
use url::Url;

use super::{claims::Claims, errors::Failure};
use crate::config::OidcProviderSettings;

/// A client built from a provider's discovery document.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long one request to a provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

pub(in crate::auth) struct Providers(BTreeMap<String, Provider>);

pub(in crate::auth) struct Provider {
    pub name: String,
    pub settings: OidcProviderSettings,
    redirect: RedirectUrl,
    http: reqwest::Client,
    client: RwLock<Option<Arc<Client>>>,
}

/// Where to send the browser, and what the callback must be checked
/// against (kept server side).
pub(super) struct Authorization {
    pub url: Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl Providers {
    pub fn new(
        configured: &BTreeMap<String, OidcProviderSettings>,
        public_origin: &str,
    ) -> anyhow::Result<Self> {
        // A provider's answers are never followed elsewhere.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()?;
        let origin = public_origin.trim_end_matches('/');
        let providers = configured
            .iter()
            .map(|(name, settings)| {
                let redirect = RedirectUrl::new(format!("{origin}/api/auth/oidc/{name}/callback"))?;
                let provider = Provider {
                    name: name.clone(),
                    settings: settings.clone(),
                    redirect,
                    http: http.clone(),
                    client: RwLock::new(None),
                };
                Ok((name.clone(), provider))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Self(providers))
    }

    pub fn get(&self, name: &str) -> Option<&Provider> {
        self.0.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Provider> {
        self.0.values()
    }
}

impl Provider {
    /// The client, from the discovery document read at first use.
    async fn client(&self) -> Result<Arc<Client>, Failure> {
        if let Some(client) = self.client.read().await.as_ref() {
            return Ok(client.clone());
        }
        self.discover().await
    }

    /// Reads the discovery document and the JWKS it names, and keeps the
    /// client they make.
    async fn discover(&self) -> Result<Arc<Client>, Failure> {
        let unavailable = |e: &dyn std::fmt::Display| {
            tracing::warn!(provider = %self.name, error = %e, "provider discovery failed");
            Failure::Unavailable
        };
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| unavailable(&e))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| unavailable(&e))?;
        let secret = self
            .settings
            .client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.expose_secret().to_owned()));
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            secret,
        )
        .set_redirect_uri(self.redirect.clone());
        let client = Arc::new(client);
        *self.client.write().await = Some(client.clone());
        Ok(client)
    }

    /// A new authorization request: code flow with PKCE (S256), a random
    /// `state` and `nonce`.
    pub(super) async fn authorize(&self) -> Result<Authorization, Failure> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        // `openid` is always asked.
        for scope in self.settings.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok(Authorization {
            url,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Redeems the code at the token endpoint (with the PKCE verifier) and
    /// validates the ID token: signature by a key of the provider's JWKS,
    /// issuer, audience, expiry and nonce.
    pub(super) async fn redeem(
        &self,
        code: String,
        pkce_verifier: String,
        nonce: &str,
    ) -> Result<Claims, Failure> {
        let client = self.client().await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| {
                tracing::warn!(provider = %self.name, error = %e, "no token endpoint");
                Failure::Unavailable
            })?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::info!(provider = %self.name, error = %e, "code refused");
                Failure::CodeRefused
            })?;
        let token = response.id_token().ok_or(Failure::TokenInvalid)?;
        let nonce = Nonce::new(nonce.to_owned());
        match self.validate(&client, token, &nonce) {
            // Signed with a key not in the kept JWKS: the provider may have
            // rotated its keys. Read them again, once.
            Err(Failure::UnknownKey) => {
                let client = self.discover().await?;
                self.validate(&client, token, &nonce)
            }
            validated => validated,
        }
    }

    fn validate(
        &self,
        client: &Client,
        token: &CoreIdToken,
        nonce: &Nonce,
    ) -> Result<Claims, Failure> {
        use openidconnect::{ClaimsVerificationError as E, SignatureVerificationError as S};
        match token.claims(&client.id_token_verifier(), nonce) {
            Ok(claims) => Claims::read(claims.subject().as_str(), &token.to_string()),
            Err(E::SignatureVerification(S::NoMatchingKey)) => Err(Failure::UnknownKey),
            Err(e) => {
                tracing::info!(provider = %self.name, error = %e, "ID token refused");
                Err(Failure::TokenInvalid)
            }
        }
    }
}
