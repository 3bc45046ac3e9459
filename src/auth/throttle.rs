//! Throttling of password checks and registrations, in `login_attempts`, so
//! every instance sees the same counts. An attempt is counted *before* its
//! argon2 run: `claim` checks each of its counters against its limit and
//! inserts one row per counter in a short transaction of its own, under a
//! per-counter advisory lock, so N concurrent guesses count N and at most
//! the limit get through. A successful check `release`s its rows; a failed
//! one leaves them to count until their window ends. A throttled attempt
//! costs a few queries and no CPU.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

/// What a counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Failed password checks for one username (whether or not it exists).
    Account,
    /// Failed password checks from one client IP (IPv6: its /64).
    Ip,
    /// Failed password checks from one known browser (its device cookie).
    Device,
    /// Failed password checks from all of an account's known browsers.
    DeviceAccount,
    /// Registrations from one client IP.
    Register,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Ip => "ip",
            Self::Device => "device",
            Self::DeviceAccount => "device_account",
            Self::Register => "register",
        }
    }
}

/// One key an attempt counts against, with the most rows it may have in the
/// window before attempts on it are refused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Counter {
    scope: Scope,
    key: String,
    limit: u32,
}

impl Counter {
    pub fn new(scope: Scope, key: &str, limit: u32) -> Self {
        let key = match scope {
            Scope::Ip | Scope::Register => crate::ratelimit::client_key(key),
            Scope::Account | Scope::DeviceAccount => key.to_lowercase(),
            Scope::Device => key.to_owned(),
        };
        Self { scope, key, limit }
    }
}

/// The rows one attempt added; `release` them when it turns out not to be a
/// failure.
#[derive(Debug, Default)]
pub struct Claim {
    ids: Vec<i64>,
}

/// Counts an attempt against every counter, or — when any counter is at its
/// limit — counts nothing and answers the seconds until its limit-th newest
/// row leaves the window.
#[tracing::instrument(skip_all, err)]
pub async fn claim(
    db: &PgPool,
    counters: &[Counter],
    window_secs: u64,
) -> sqlx::Result<Result<Claim, u64>> {
    let mut counters = counters.to_vec();
    // One order for every caller, so two attempts never wait on each other's locks.
    counters.sort();
    counters.dedup();
    let scopes: Vec<&str> = counters.iter().map(|c| c.scope.as_str()).collect();
    let keys: Vec<&str> = counters.iter().map(|c| c.key.as_str()).collect();
    let limits: Vec<i64> = counters.iter().map(|c| i64::from(c.limit)).collect();

    let mut tx = db.begin().await?;
    for (scope, key) in scopes.iter().zip(&keys) {
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtextextended('login_attempts/' || $1 || '/' || $2, 0))",
            scope,
            key,
        )
        .execute(&mut *tx)
        .await?;
    }
    if let Some(secs) = retry_after(&mut tx, &scopes, &keys, &limits).await? {
        return Ok(Err(secs.max(1).unsigned_abs()));
    }
    let ids = sqlx::query_scalar!(
        "INSERT INTO login_attempts (scope, key, expires_at)
         SELECT scope, key, now() + make_interval(secs => $3)
         FROM unnest($1::text[], $2::text[]) AS c (scope, key)
         RETURNING id",
        &scopes as &[&str],
        &keys as &[&str],
        window_secs as f64,
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(Claim { ids }))
}

/// The largest wait among the counters at their limit, if any is.
async fn retry_after(
    conn: &mut PgConnection,
    scopes: &[&str],
    keys: &[&str],
    limits: &[i64],
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        r#"SELECT max(ceil(extract(epoch FROM (
                   SELECT a.expires_at FROM login_attempts a
                   WHERE a.scope = c.scope AND a.key = c.key AND a.expires_at > now()
                   ORDER BY a.expires_at DESC OFFSET c.lim - 1 LIMIT 1) - now())))::bigint
           FROM unnest($1::text[], $2::text[], $3::bigint[]) AS c (scope, key, lim)"#,
        scopes as &[&str],
        keys as &[&str],
        limits,
    )
    .fetch_one(conn)
    .await
}

/// Uncounts an attempt that was not a failure (a success, or one refused
/// before its check ran).
#[tracing::instrument(skip_all, err)]
pub async fn release(conn: &mut PgConnection, claim: &Claim) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM login_attempts WHERE id = ANY($1)", &claim.ids)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets every failure of a counter's key, e.g. an account's after its
/// owner logged in.
#[tracing::instrument(skip_all, err)]
pub async fn forget(conn: &mut PgConnection, counter: &Counter) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM login_attempts WHERE scope = $1 AND key = $2",
        counter.scope.as_str(),
        counter.key,
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
