//! New-device notices (`sign_in_notices`): a sign-in from a browser that
//! carries no device cookie for the account is recorded, and the account's
//! other page views show it ("New sign-in: Firefox on Linux, 203.0.113.7,
//! 10:42") until the owner dismisses it. The browser that signed in is not
//! told about itself.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{Accounts, CurrentUser, errors};
use crate::{
    error::{ApiError, ErrorResponse, Result},
    session::ClientMeta,
};

/// A sign-in from a new browser, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignInNotice {
    pub id: Uuid,
    /// The browser's `User-Agent`, as it sent it.
    #[schema(required = true)]
    pub user_agent: Option<String>,
    #[schema(required = true)]
    pub ip: Option<String>,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Records a sign-in of `series_id` from a new browser.
#[tracing::instrument(skip(conn, client), err)]
pub async fn record(
    conn: &mut PgConnection,
    user_id: Uuid,
    series_id: Uuid,
    client: &ClientMeta,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sign_in_notices (id, user_id, series_id, user_agent, ip)
         VALUES ($1, $2, $3, $4, $5::text::inet)",
        Uuid::new_v4(),
        user_id,
        series_id,
        client.user_agent,
        client.ip,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The account's undismissed notices but those of the caller's own sign-in,
/// newest first (at most 20).
#[tracing::instrument(skip(db), err)]
pub async fn list(db: &PgPool, user_id: Uuid, series_id: Uuid) -> sqlx::Result<Vec<SignInNotice>> {
    sqlx::query_as!(
        SignInNotice,
        r#"SELECT id, user_agent, host(ip) AS ip, created_at FROM sign_in_notices
           WHERE user_id = $1 AND dismissed_at IS NULL AND series_id <> $2
           ORDER BY created_at DESC, id LIMIT 20"#,
        user_id,
        series_id,
    )
    .fetch_all(db)
    .await
}

/// Dismisses one of the account's notices: whether there was one.
#[tracing::instrument(skip(db), err)]
pub async fn dismiss(db: &PgPool, user_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE sign_in_notices SET dismissed_at = now()
         WHERE user_id = $1 AND id = $2 AND dismissed_at IS NULL",
        user_id,
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Serialize, ToSchema)]
struct NoticeList {
    notices: Vec<SignInNotice>,
}

pub(super) fn router() -> OpenApiRouter<Arc<Accounts>> {
    OpenApiRouter::new()
        .routes(routes!(list_notices))
        .routes(routes!(dismiss_notice))
}

/// Sign-ins to the caller's account from new browsers, not yet dismissed.
#[utoipa::path(
    get,
    path = "/api/auth/notices",
    operation_id = "sign_in_notices",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "Undismissed new-browser sign-ins, newest first (at most 20); the caller's own sign-in is left out", body = NoticeList),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
async fn list_notices(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
) -> Result<Json<NoticeList>> {
    let notices = list(&accounts.db, user.id, user.session.series_id).await?;
    Ok(Json(NoticeList { notices }))
}

/// Dismisses a notice.
#[utoipa::path(
    delete,
    path = "/api/auth/notices/{id}",
    operation_id = "dismiss_sign_in_notice",
    tag = "auth",
    params(("id" = Uuid, Path, description = "The notice")),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Dismissed"),
        (status = 401, description = "`not_authenticated`", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 404, description = "`notice_not_found`", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = %user.id, %id))]
async fn dismiss_notice(
    State(accounts): State<Arc<Accounts>>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    if dismiss(&accounts.db, user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(
            errors::NOTICE_NOT_FOUND,
            "no such notice",
        ))
    }
}
