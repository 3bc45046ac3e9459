//! Personal API tokens as credentials: `mnt_<prefix>_<secret>`, 256 bits of
//! secret from the OS CSPRNG, stored only as the SHA-256 of the whole token
//! and found by its public prefix, the hash then compared in constant time.
//! Each token is a session series of kind `api_token` with no cookies, so a
//! token is looked up through the session cache and stops, on every
//! instance, by the same revocation and `NOTIFY` as a browser session —
//! when it is revoked, its user disabled or its password changed.

use std::net::IpAddr;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    ClientMeta, SessionContext, Sessions, cache::Key, issue_gate, issue_gate::IssueError,
    refresh_token::random,
};
use crate::audit;

const TOKEN_PREFIX: &str = "mnt_";
/// A token without an expiry is a series that ends in the year 9999.
const NEVER: OffsetDateTime = time::macros::datetime!(9999-12-31 0:00 UTC);

/// What a token may do. Anything not granted by one of these is refused to
/// every token (`bearer_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Scope {
    /// Read tasks, their minutes, media, revisions and shares.
    #[serde(rename = "tasks:read")]
    TasksRead,
    /// Upload, edit minutes, delete, retry.
    #[serde(rename = "tasks:write")]
    TasksWrite,
    /// Share a task with other users, or stop sharing it; make, list and
    /// revoke its share links.
    #[serde(rename = "shares:write")]
    SharesWrite,
    /// Manage webhooks (reserved for the webhooks feature).
    #[serde(rename = "webhooks:write")]
    WebhooksWrite,
}

impl Scope {
    pub const ALL: [Self; 4] = [
        Self::TasksRead,
        Self::TasksWrite,
        Self::SharesWrite,
        Self::WebhooksWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TasksRead => "tasks:read",
            Self::TasksWrite => "tasks:write",
            Self::SharesWrite => "shares:write",
            Self::WebhooksWrite => "webhooks:write",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == s)
    }
}

/// What a request authenticated by a token may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub token_id: Uuid,
    pub scopes: Vec<Scope>,
    /// The one task the token is limited to, if any.
    pub task_id: Option<Uuid>,
}

/// A freshly generated token: shown to its creator once, then only its hash
/// and prefix exist.
pub struct NewToken {
    pub prefix: String,
    pub token: String,
    pub hash: Vec<u8>,
}

impl NewToken {
    pub fn generate() -> Self {
        let prefix: String = random::<4>().iter().map(|b| format!("{b:02x}")).collect();
        let secret = URL_SAFE_NO_PAD.encode(random::<32>());
        let token = format!("{TOKEN_PREFIX}{prefix}_{secret}");
        let hash = Sha256::digest(token.as_bytes()).to_vec();
        Self {
            prefix,
            token,
            hash,
        }
    }
}

/// The public prefix of a presented token, if it has the token's shape.
fn prefix_of(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (prefix, secret) = rest.split_once('_')?;
    (prefix.len() == 8 && prefix.bytes().all(|b| b.is_ascii_hexdigit()) && secret.len() == 43)
        .then_some(prefix)
}

/// The (token, address) pairs whose use was recorded in the last minute.
pub(super) struct RecentUses(moka::sync::Cache<(Uuid, String), ()>);

impl RecentUses {
    pub(super) fn new() -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(std::time::Duration::from_secs(60))
                .build(),
        )
    }

    /// Whether this use is to be recorded: not one in the last minute.
    fn note(&self, token_id: Uuid, ip: &str) -> bool {
        let key = (token_id, ip.to_owned());
        let fresh = !self.0.contains_key(&key);
        self.0.insert(key, ());
        fresh
    }
}

struct TokenRow {
    id: Uuid,
    series_id: Uuid,
    user_id: Uuid,
    secret_hash: Vec<u8>,
    scopes: Vec<String>,
    task_id: Option<Uuid>,
    expires_at: OffsetDateTime,
}

impl Sessions {
    /// The caller a bearer token stands for: from memory when cached, else
    /// one round trip. Unknown, malformed, revoked or expired tokens, and a
    /// disabled user's, all yield `None`.
    pub async fn load_token(&self, token: &str) -> anyhow::Result<Option<SessionContext>> {
        let Some(prefix) = prefix_of(token) else {
            return Ok(None);
        };
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let key = Key::Token(hash);
        let cache = self.cache();
        if let Some(ctx) = cache.and_then(|c| c.get(key)) {
            return Ok(Some(ctx));
        }
        let ticket = cache.map(|c| c.ticket());
        let row = sqlx::query_as!(
            TokenRow,
            r#"SELECT t.id, t.series_id, t.user_id, t.secret_hash, t.scopes, t.task_id,
                      s.absolute_expires_at AS expires_at
               FROM api_tokens t
               JOIN session_series s ON s.id = t.series_id
               JOIN users u ON u.id = t.user_id
               WHERE t.prefix = $1 AND s.revoked_at IS NULL
                 AND s.absolute_expires_at > now() AND u.disabled_at IS NULL"#,
            prefix,
        )
        .fetch_optional(&self.db)
        .await?;
        let Some(row) = row.filter(|r| bool::from(r.secret_hash.ct_eq(&hash))) else {
            return Ok(None);
        };
        let ctx = SessionContext {
            series_id: row.series_id,
            user_id: Some(row.user_id),
            // A token request carries no cookie, so it is never CSRF-checked.
            csrf_token: String::new(),
            session_expires_at: row.expires_at,
            refresh_expires_at: row.expires_at,
            token: Some(TokenGrant {
                token_id: row.id,
                scopes: row.scopes.iter().filter_map(|s| Scope::parse(s)).collect(),
                task_id: row.task_id,
            }),
        };
        if let (Some(cache), Some(ticket)) = (cache, ticket) {
            cache.insert(ticket, key, &ctx);
        }
        Ok(Some(ctx))
    }

    /// Starts the series a new token of `user_id` lives in, in the caller's
    /// transaction; a disabled account gets none (`issue_gate`).
    pub async fn start_token_series(
        &self,
        conn: &mut PgConnection,
        user_id: Uuid,
        expires_at: Option<OffsetDateTime>,
        client: &ClientMeta,
    ) -> Result<Uuid, IssueError> {
        issue_gate::hold_user(conn, user_id).await?;
        let id = Uuid::new_v4();
        let ends = expires_at.unwrap_or(NEVER);
        sqlx::query!(
            "INSERT INTO session_series
                (id, user_id, kind, idle_expires_at, absolute_expires_at, user_agent, ip)
             VALUES ($1, $2, 'api_token', $3, $3, $4, $5::text::inet)",
            id,
            user_id,
            ends,
            client.user_agent,
            client.ip,
        )
        .execute(conn)
        .await?;
        Ok(id)
    }

    /// Records a token's use: its last use and address, and an audit event
    /// the first time it comes from an address. Written at most once a
    /// minute per token and address, so a busy script costs no write per
    /// request.
    pub async fn note_token_use(&self, ctx: &SessionContext, client: &ClientMeta) {
        let (Some(grant), Some(ip)) = (&ctx.token, &client.ip) else {
            return;
        };
        if ip.parse::<IpAddr>().is_err() || !self.token_uses.note(grant.token_id, ip) {
            return;
        }
        if let Err(e) = self.record_token_use(ctx, grant.token_id, ip).await {
            tracing::warn!(error = %e, "cannot record a token's use");
        }
    }

    async fn record_token_use(
        &self,
        ctx: &SessionContext,
        token_id: Uuid,
        ip: &str,
    ) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await?;
        let new_address = sqlx::query_scalar!(
            r#"WITH seen AS (
                   INSERT INTO api_token_ips (token_id, ip) VALUES ($1, $2::text::inet)
                   ON CONFLICT DO NOTHING RETURNING 1
               ), used AS (
                   UPDATE api_tokens SET last_used_at = now(), last_used_ip = $2::text::inet
                   WHERE id = $1
               )
               SELECT EXISTS (SELECT 1 FROM seen) AS "new!""#,
            token_id,
            ip,
        )
        .fetch_one(&mut *tx)
        .await?;
        if new_address {
            let actor = audit::Actor {
                user_id: ctx.user_id,
                series_id: Some(ctx.series_id),
                ip: Some(ip.to_owned()),
            };
            audit::record(
                &mut tx,
                audit::Kind::TokenUsedFromNewAddress,
                &actor,
                Some(&token_id.to_string()),
                serde_json::json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_token_has_the_shape_its_lookup_expects() {
        let t = NewToken::generate();
        assert_eq!(prefix_of(&t.token), Some(t.prefix.as_str()));
        assert_eq!(t.hash, Sha256::digest(t.token.as_bytes()).to_vec());
        assert_ne!(NewToken::generate().token, t.token);
    }

    #[test]
    fn anything_else_is_not_looked_up() {
        for bad in ["", "mnt_", "mnt_zzzzzzzz_x", "abc", "mnt_0123abcd_short"] {
            assert_eq!(prefix_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn scopes_round_trip_through_their_names() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::parse("admin"), None);
    }
}
