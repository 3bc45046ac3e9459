//! Templates of minutes: the built-in ones (general meeting, 1:1, stand-up,
//! customer call, interview; headed in Japanese and English) and those a
//! user makes (a name, sections, instructions for an LLM), owned like tasks
//! by a user or by an anonymous browser series until its login adopts them.
//! Every query is scoped by that owner: another's template is 404, never
//! 403. The summary core applies a template as data
//! (`summary::template::apply`); uploads and regenerations find one here
//! with `resolve`.

mod builtin;
mod errors;
mod model;
mod queries;
mod routes;

use std::sync::Arc;

use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::{
    error::ApiError,
    session::{SessionContext, Sessions},
    summary::Template,
};

pub(crate) use errors::unknown_template;
pub(crate) use queries::adopt;

/// What the template endpoints use.
#[derive(Clone)]
pub struct TemplatesState {
    pub db: PgPool,
    /// Creating a template without cookies starts a session, as an upload does.
    pub sessions: Arc<Sessions>,
}

pub fn router<S: Clone + Send + Sync + 'static>(state: TemplatesState) -> OpenApiRouter<S> {
    routes::router().with_state(state)
}

/// Whose templates a request may use: the user's, or else the anonymous
/// series'.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owner {
    pub series_id: Uuid,
    pub user_id: Option<Uuid>,
}

impl From<&SessionContext> for Owner {
    fn from(ctx: &SessionContext) -> Self {
        Self {
            series_id: ctx.series_id,
            user_id: ctx.user_id,
        }
    }
}

/// The template `id` names for `owner` (a built-in, or one of their own), or
/// 404 `unknown_template`. Without an owner only the built-ins are found.
pub(crate) async fn resolve(
    db: &PgPool,
    owner: Option<Owner>,
    id: &str,
) -> Result<Template, ApiError> {
    if let Some(template) = builtin::find(id) {
        return Ok(template);
    }
    let found = match (owner, Uuid::try_parse(id)) {
        (Some(owner), Ok(id)) => queries::get(db, owner, id).await?,
        _ => None,
    };
    found
        .map(model::Stored::into_template)
        .ok_or_else(errors::unknown_template)
}
