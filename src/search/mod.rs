//! Search across meetings: `GET /api/search?q=` finds the meetings the
//! caller can open whose minutes say `q` — in the title, summary, decisions,
//! action items, or the transcript's words and speakers — ranked, each with
//! the passages it was found in as highlighted snippets and the transcript
//! segment each is in. The passages are indexed in PostgreSQL (migration
//! `search`); who may see a meeting is decided in the same statement by
//! `task_access`, the definition every task list uses.

mod cursor;
mod queries;
mod routes;
mod snippet;

use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;

/// What the search endpoint uses.
#[derive(Clone)]
pub struct SearchState {
    pub db: PgPool,
}

pub fn router<S: Clone + Send + Sync + 'static>(db: PgPool) -> OpenApiRouter<S> {
    routes::router().with_state(SearchState { db })
}
