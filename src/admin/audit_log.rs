//! `GET /api/admin/audit`: the audit log, newest first, by kind and user.

use axum::{
    Json,
    extract::{Query, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    AdminState,
    extract::RequireAdmin,
    queries::{self, EventFilter},
};
use crate::{
    error::{ApiError, ErrorResponse, Result},
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
    /// Every kind but this one, e.g. `series_created` (sessions started:
    /// most of the log).
    exclude_kind: Option<String>,
    /// Only events this user caused or that name them as subject.
    user: Option<String>,
    /// Only events written at or after this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime, example = "2026-12-01T00:00:00Z")]
    since: Option<String>,
    /// Only events written before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime, example = "2026-12-08T00:00:00Z")]
    until: Option<String>,
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
    /// What it is about: a username, a session series id (session
    /// events) or a task id (`minutes_edited`).
    #[schema(required = true)]
    subject: Option<String>,
    /// The subject in words, where it is an id: the username owning the
    /// session series (null for an anonymous one, or one already purged),
    /// or the task's title (its file name before it has minutes; null once
    /// deleted). Null for a subject that is a username.
    #[schema(required = true)]
    subject_name: Option<String>,
    /// The title (or file name) of the task `detail.task_id` names (the
    /// share events); null when there is none or it was deleted.
    #[schema(required = true)]
    task_name: Option<String>,
    #[schema(required = true)]
    ip: Option<String>,
    #[serde(with = "crate::rfc3339")]
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
        (status = 400, description = "`invalid_limit`, `invalid_cursor`, or `invalid_time`: `since` or `until` is not RFC 3339", body = ErrorResponse),
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
    let filter = EventFilter {
        kind: params.kind.as_deref(),
        exclude_kind: params.exclude_kind.as_deref(),
        user: params.user.as_deref(),
        since: time_param(params.since.as_deref())?,
        until: time_param(params.until.as_deref())?,
    };
    let mut rows = queries::events(&state.db, &filter, page.after, page.fetch()).await?;
    let next_cursor = page.finish(&mut rows, |r| r.id);
    let events = rows
        .into_iter()
        .map(|r| AuditEvent {
            id: r.id,
            kind: r.kind,
            actor: r.actor,
            subject: r.subject,
            subject_name: r.subject_name,
            task_name: r.task_name,
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

/// An RFC 3339 time from the query; 400 `invalid_time` for anything else.
fn time_param(value: Option<&str>) -> Result<Option<OffsetDateTime>> {
    value
        .map(|v| {
            OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339).map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_time",
                    "since and until must be RFC 3339 times, e.g. 2026-12-01T00:00:00Z",
                )
            })
        })
        .transpose()
}
