//! "My action items" (docs/api.md, "Action items"): the action items of
//! every meeting a user can open whose owner is them — their username, or a
//! speaker name they claim — with done and not done saved as an edit of
//! the minutes through the tasks feature, so it has a revision and reaches
//! every open page; and a calendar feed of their due items behind a secret
//! address they can replace (`feed`, rendered by `ics`).

mod feed;
mod ics;
mod model;
mod queries;
mod routes;

use std::sync::Arc;

use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;

/// What the action-item endpoints use.
#[derive(Clone)]
pub struct ItemsState {
    pub db: PgPool,
    /// `server.public_origin` without a trailing slash: feed addresses and
    /// the links in the calendar start with it.
    pub origin: Arc<str>,
}

pub fn router<S: Clone + Send + Sync + 'static>(state: ItemsState) -> OpenApiRouter<S> {
    routes::router().merge(feed::router()).with_state(state)
}
