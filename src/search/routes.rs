//! `GET /api/search`.

use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    SearchState,
    cursor::Cursor,
    queries::{self, Found},
    snippet::{Part, snippet},
};
use crate::{
    error::{ApiError, ErrorResponse, Result},
    paging::Page,
    tasks::{Task, Viewer},
};

pub(super) fn router() -> OpenApiRouter<SearchState> {
    OpenApiRouter::new().routes(routes!(search))
}

/// Longest query, in characters.
const MAX_QUERY_CHARS: usize = 200;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    /// What to find: words or a phrase, in any language (1–200 characters;
    /// only spaces finds nothing).
    #[param(required = true, value_type = String, min_length = 1, max_length = 200)]
    q: Option<String>,
    /// `true`: an admin searches every task they may open, not only their
    /// own and those shared with them. Changes nothing for anyone else.
    #[param(value_type = Option<bool>)]
    all: Option<String>,
    /// Page size, 1–100; 50 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct SearchResults {
    /// Best first.
    results: Vec<SearchResult>,
    /// Where the next page starts; null on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// A meeting found.
#[derive(Serialize, ToSchema)]
struct SearchResult {
    task: Task,
    /// How well it matched: title matches count most, then decisions and
    /// action items, the summary, the transcript. Larger is better.
    score: i32,
    /// The passages it was found in, the most telling first (at most 3).
    hits: Vec<Hit>,
}

/// A passage of the minutes that matched.
#[derive(Serialize, ToSchema)]
struct Hit {
    /// `title`, `summary`, `decision`, `action_item` or `transcript`.
    part: String,
    /// Its index within `part` (a summary point, decision, action item, or
    /// transcript segment).
    index: i32,
    /// The transcript segment it was said in (null for the title and
    /// summary): the page jumps there.
    #[schema(required = true)]
    segment: Option<i32>,
    /// The passage around its first match, the matches marked `hit`.
    snippet: Vec<Part>,
}

fn invalid_query() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        format!("q must be 1 to {MAX_QUERY_CHARS} characters"),
    )
}

fn invalid_all() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_all",
        "all must be true or false",
    )
}

/// Finds the caller's meetings by what their minutes say.
#[utoipa::path(
    get,
    path = "/api/search",
    operation_id = "search",
    tag = "tasks",
    params(SearchParams),
    security((), ("session" = [])),
    responses(
        (status = 200, description = "Meetings the caller can open whose title, summary, decisions, action items \
or transcript (words or speakers) contain `q` — as a substring, in any case, or for English by word stem — \
best first; empty without a session or when `q` is only spaces", body = SearchResults),
        (status = 400, description = "`invalid_query`, `invalid_all`, `invalid_limit` or `invalid_cursor`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn search(
    State(state): State<SearchState>,
    viewer: Option<Viewer>,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResults>> {
    let Some(asked) = params.q.as_deref() else {
        return Err(invalid_query());
    };
    if asked.is_empty() || asked.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid_query());
    }
    let text = asked.trim();
    let everything = match params.all.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(invalid_all()),
    };
    let page = Page::<Cursor>::parse(params.limit.as_deref(), params.cursor.as_deref())?;
    // Nothing to look for, or no one to look for it: nothing found.
    let (Some(viewer), false) = (viewer, text.is_empty()) else {
        return Ok(Json(SearchResults {
            results: vec![],
            next_cursor: None,
        }));
    };
    let query = queries::Query {
        text,
        everything,
        after: page.after.clone(),
        limit: page.fetch(),
    };
    let mut found = queries::search(&state.db, &viewer, query).await?;
    let next_cursor = page.finish(&mut found, Found::cursor);
    let results = found.into_iter().map(|f| result(f, text)).collect();
    Ok(Json(SearchResults {
        results,
        next_cursor,
    }))
}

fn result(found: Found, text: &str) -> SearchResult {
    let hits = found
        .passages
        .into_iter()
        .map(|p| Hit {
            snippet: snippet(&p.body, text),
            part: p.part,
            index: p.index,
            segment: p.segment,
        })
        .collect();
    SearchResult {
        task: found.task.into(),
        score: found.score,
        hits,
    }
}
