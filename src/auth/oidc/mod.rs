//! Single sign-on through OpenID Connect providers (`auth.oidc.<name>`,
//! docs/sign-in.md): the authorization code flow with PKCE, `state` and
//! `nonce` kept server side and bound to the browser's series, the ID
//! token validated against the provider's JWKS (re-read once for a key it
//! lacks), identities linked to accounts, and every sign-in ending in
//! `Accounts::sign_in_in` like a password's.

mod claims;
mod errors;
mod flow;
mod identities;
mod pending;
mod provider;
mod routes;

pub(super) use provider::Providers;
pub(super) use routes::router;
