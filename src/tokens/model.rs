//! What the token endpoints show and take.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::session::Scope;

/// A token as its owner (or an admin) sees it: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    /// The public part of the token (`mnt_<prefix>_…`), to tell tokens apart.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    /// The one task the token is limited to, if any.
    pub task_id: Option<Uuid>,
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
    /// `null`: never expires (until revoked).
    #[serde(with = "crate::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Updated at most once a minute per address.
    #[serde(with = "crate::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_ip: Option<String>,
    #[serde(with = "crate::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// A new token's request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewTokenRequest {
    /// 1–100 characters, to recognise it by.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// At least one.
    #[schema(min_items = 1)]
    pub scopes: Vec<Scope>,
    /// Limit the token to this task (one the caller can see).
    #[serde(default)]
    pub task_id: Option<Uuid>,
    /// 1–3650; without it the token lives until revoked.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
    /// The account's password, when the sign-in is older than `auth.fresh_secs`.
    #[serde(default)]
    pub password: Option<String>,
}

/// The created token, with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CreatedToken {
    /// `mnt_<prefix>_<secret>`, for `Authorization: Bearer`.
    pub secret: String,
    pub token: TokenView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenView>,
}
