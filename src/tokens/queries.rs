//! The `api_tokens` queries. A token's revocation and expiry are its
//! series'; the list shows revoked tokens until the series is purged.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

use super::model::TokenView;
use crate::session::Scope;

struct Row {
    id: Uuid,
    name: String,
    prefix: String,
    scopes: Vec<String>,
    task_id: Option<Uuid>,
    created_at: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
    last_used_at: Option<OffsetDateTime>,
    last_used_ip: Option<String>,
    revoked_at: Option<OffsetDateTime>,
}

impl From<Row> for TokenView {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: r.scopes.iter().filter_map(|s| Scope::parse(s)).collect(),
            task_id: r.task_id,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            last_used_ip: r.last_used_ip,
            revoked_at: r.revoked_at,
        }
    }
}

/// A user's tokens, newest first.
#[tracing::instrument(skip(db), err)]
pub async fn list_of_user(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Vec<TokenView>> {
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT t.id, t.name, t.prefix, t.scopes, t.task_id, t.created_at, t.expires_at,
                  t.last_used_at, host(t.last_used_ip) AS last_used_ip, s.revoked_at
           FROM api_tokens t JOIN session_series s ON s.id = t.series_id
           WHERE t.user_id = $1
           ORDER BY t.created_at DESC, t.id"#,
        user_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(TokenView::from).collect())
}

/// The user's live tokens, counted under their row's lock (`issue_gate`).
pub(super) async fn count_live(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM api_tokens t JOIN session_series s ON s.id = t.series_id
           WHERE t.user_id = $1 AND s.revoked_at IS NULL AND s.absolute_expires_at > now()"#,
        user_id,
    )
    .fetch_one(conn)
    .await
}

pub(super) struct NewRow<'a> {
    pub id: Uuid,
    pub series_id: Uuid,
    pub user_id: Uuid,
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a [u8],
    pub scopes: &'a [String],
    pub task_id: Option<Uuid>,
    pub expires_at: Option<OffsetDateTime>,
}

pub(super) async fn insert(conn: &mut PgConnection, r: NewRow<'_>) -> sqlx::Result<TokenView> {
    let row = sqlx::query_as!(
        Row,
        r#"INSERT INTO api_tokens
               (id, series_id, user_id, name, prefix, secret_hash, scopes, task_id, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           RETURNING id, name, prefix, scopes, task_id, created_at, expires_at, last_used_at,
                     host(last_used_ip) AS last_used_ip, NULL::timestamptz AS revoked_at"#,
        r.id,
        r.series_id,
        r.user_id,
        r.name,
        r.prefix,
        r.secret_hash,
        r.scopes,
        r.task_id,
        r.expires_at,
    )
    .fetch_one(conn)
    .await?;
    Ok(row.into())
}

/// A token's series, owner and name, if `owner` (when given) owns it.
pub(super) struct Found {
    pub series_id: Uuid,
    pub user_id: Uuid,
    pub name: String,
}

pub(super) async fn find(
    conn: &mut PgConnection,
    id: Uuid,
    owner: Option<Uuid>,
) -> sqlx::Result<Option<Found>> {
    sqlx::query_as!(
        Found,
        "SELECT series_id, user_id, name FROM api_tokens
         WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2)",
        id,
        owner,
    )
    .fetch_optional(conn)
    .await
}
