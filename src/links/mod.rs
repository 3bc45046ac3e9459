//! Share links (docs/api.md, "Share links"): the owner of a meeting (or an
//! editor, if the owner allows it) makes a view-only link that anyone
//! holding it may open without an account, until it expires or is revoked.
//! A link is checked in the database on every use — its expiry, its
//! revocation, its owner's account, its meeting — so revoking it stops it
//! on every instance at once. Its secret is stored only as a hash, its
//! passphrase (if any) as an argon2id hash checked on the password-hashing
//! threads and throttled per link, and each opening is recorded for the
//! owner to see.

mod errors;
mod model;
mod public;
mod queries;
mod routes;
mod secret;
mod service;

use std::sync::Arc;

use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;

use crate::{auth::Accounts, storage::Uploads};

/// What the link endpoints use.
#[derive(Clone)]
pub struct LinksState {
    pub db: PgPool,
    /// Hashes and checks passphrases, and throttles the checks.
    pub accounts: Arc<Accounts>,
    pub uploads: Arc<Uploads>,
    /// `sharing.link_max_days`.
    pub link_max_days: u32,
    /// `server.public_origin`, for the links' addresses.
    pub public_origin: String,
}

/// The link endpoints; the document states the configured
/// `sharing.link_max_days` as `expires_in_days`' maximum, exactly what the
/// handler checks.
pub fn router<S: Clone + Send + Sync + 'static>(state: LinksState) -> OpenApiRouter<S> {
    let max_days = state.link_max_days;
    let mut router = routes::router().merge(public::router()).with_state(state);
    model::document_max_days(router.get_openapi_mut(), max_days);
    router
}
