//! `GET /api/admin/audit`: the audit log, newest first, by kind and user.

use axum::{
    Json,
    extract::{Query, State},
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{AdminState, extract::RequireAdmin, queries};
use crate::{
    error::{ErrorResponse, Result},
    paging::Page,
};

pub(super) fn router() -> OpenApiRouter<AdminState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    /// Only events of this kind, e.g. `share_granted`.
    kind: Option<String>,
    /// Only events this user caused or that name them as subject.
    user: Option<String>,
    /// Page size, 1–100; 50 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct AuditEvent {
    id: i64,
    #[schema(example = "share_granted")]
    kind: String,
    /// The username of the account that caused it; null for anonymous
    /// callers and the command line.
    #[schema(required = true)]
    actor: Option<String>,
    /// What it is about: a username, or a session series id.
    #[schema(required = true)]
    subject: Option<String>,
    #[schema(required = true)]
    ip: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    detail: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
struct AuditLog {
    events: Vec<AuditEvent>,
    /// Where the next page starts; null on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/admin/audit",
    operation_id = "admin_audit_log",
    tag = "admin",
    params(AuditParams),
    security(("session" = [])),
    responses(
        (status = 200, description = "Audit events, newest first", body = AuditLog),
        (status = 400, description = "`invalid_limit` or `invalid_cursor`", body = ErrorResponse),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`forbidden`: not an admin", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn list(
    _admin: RequireAdmin,
    State(state): State<AdminState>,
    Query(params): Query<AuditParams>,
) -> Result<Json<AuditLog>> {
    let page = Page::<i64>::parse(params.limit.as_deref(), params.cursor.as_deref())?;
    let (kind, user) = (params.kind.as_deref(), params.user.as_deref());
    let mut rows = queries::events(&state.db, kind, user, page.after, page.fetch()).await?;
    let next_cursor = page.finish(&mut rows, |r| r.id);
    let events = rows
        .into_iter()
        .map(|r| AuditEvent {
            id: r.id,
            kind: r.kind,
            actor: r.actor,
            subject: r.subject,
            ip: r.ip,
            created_at: r.created_at,
            detail: r.detail,
        })
        .collect();
    Ok(Json(AuditLog {
        events,
        next_cursor,
    }))
}
