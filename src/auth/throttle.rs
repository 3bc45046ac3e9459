//! Login throttling. Failed password checks are counted in `login_attempts`
//! per account (the lowercase username tried, whether or not it exists) and
//! per client IP, over `auth.throttle_window_secs`; in PostgreSQL, so every
//! instance sees the same counts. The check runs before argon2, so a
//! throttled guesser costs no CPU. A success forgets the account's failures
//! but not the IP's: one valid account must not reset a guessing IP.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::config::AuthSettings;

/// The keys one login attempt counts against.
#[derive(Debug, Clone)]
pub struct Attempt {
    account: Option<String>,
    ip: Option<String>,
}

impl Attempt {
    /// `account` should be a valid username: only those can own an account,
    /// and a bounded key keeps the index sane.
    pub fn new(account: Option<&str>, ip: Option<String>) -> Self {
        Self {
            account: account.map(str::to_lowercase),
            ip: ip.map(|ip| ip_key(&ip)),
        }
    }
}

/// An IPv6 client is counted by its /64: one host usually has a whole /64
/// to pick addresses from, so a per-address count would not limit it.
fn ip_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            ipnet::Ipv6Net::new(v6, 64)
                .map(|net| net.trunc().to_string())
                .unwrap_or_else(|_| ip.to_owned())
        }
        _ => ip.to_owned(),
    }
}

/// Seconds until the attempt may be made, if either key has reached its
/// limit: until its limit-th newest failure leaves the window.
#[tracing::instrument(skip_all, err)]
pub async fn retry_after(
    db: &PgPool,
    attempt: &Attempt,
    auth: &AuthSettings,
) -> sqlx::Result<Option<u64>> {
    let secs = sqlx::query_scalar!(
        r#"SELECT max(ceil(extract(epoch FROM expires_at - now())))::bigint FROM (
               (SELECT expires_at FROM login_attempts
                WHERE scope = 'account' AND key = $1 AND expires_at > now()
                ORDER BY expires_at DESC OFFSET $2 LIMIT 1)
               UNION ALL
               (SELECT expires_at FROM login_attempts
                WHERE scope = 'ip' AND key = $3 AND expires_at > now()
                ORDER BY expires_at DESC OFFSET $4 LIMIT 1)
           ) AS limit_reached"#,
        attempt.account,
        i64::from(auth.max_failed_logins_per_hour) - 1,
        attempt.ip,
        i64::from(auth.max_failed_logins_per_ip_per_hour) - 1,
    )
    .fetch_one(db)
    .await?;
    Ok(secs.map(|s| s.max(1).unsigned_abs()))
}

/// Counts a failed password check against both keys.
#[tracing::instrument(skip_all, err)]
pub async fn record_failure(
    conn: &mut PgConnection,
    attempt: &Attempt,
    auth: &AuthSettings,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO login_attempts (scope, key, expires_at)
         SELECT scope, key, now() + make_interval(secs => $3)
         FROM (VALUES ('account', $1::text), ('ip', $2::text)) AS keys (scope, key)
         WHERE key IS NOT NULL",
        attempt.account,
        attempt.ip,
        auth.throttle_window_secs as f64,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the account's failures after a successful login.
#[tracing::instrument(skip_all, err)]
pub async fn forget_account(conn: &mut PgConnection, attempt: &Attempt) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM login_attempts WHERE scope = 'account' AND key = $1",
        attempt.account,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes up to `limit` rows that no longer count; for the periodic purge.
#[tracing::instrument(skip(db), err)]
pub async fn purge(db: &PgPool, now: OffsetDateTime, limit: i64) -> sqlx::Result<u64> {
    sqlx::query!(
        "DELETE FROM login_attempts WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM login_attempts WHERE expires_at <= $1 LIMIT $2))",
        now,
        limit,
    )
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::ip_key;

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(ip_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(ip_key("2001:db8:1:2:bbbb::9"), ip_key("2001:db8:1:2::1"));
        assert_ne!(ip_key("2001:db8:1:3::1"), ip_key("2001:db8:1:2::1"));
        assert_eq!(ip_key("203.0.113.9"), "203.0.113.9");
        assert_eq!(ip_key("::ffff:203.0.113.9"), "::ffff:203.0.113.9");
    }
}
