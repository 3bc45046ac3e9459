//! Throttling of password checks and registrations, in `login_attempts`, so
//! every instance sees the same counts. An attempt is counted *before* its
//! argon2 run: `claim` checks each of its counters against its limit and
//! inserts one row per counter in a short transaction of its own, under a
//! per-counter advisory lock, so N concurrent guesses count N and at most
//! the limit get through. Most counters count failures: a successful check
//! uncounts their rows (`succeeded`), a failed one leaves them to count until
//! their window ends. The login counter counts successes, the other way
//! round (`failed` uncounts it). A throttled attempt costs a few queries and
//! no CPU.

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
    /// Successful logins to one account (each starts a series).
    Login,
    /// Failed checks of one passphrase-guarded thing (a share link, by id).
    Passphrase,
    /// Wrong second-factor codes for one account.
    SecondFactor,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Ip => "ip",
            Self::Device => "device",
            Self::DeviceAccount => "device_account",
            Self::Register => "register",
            Self::Login => "login",
            Self::Passphrase => "passphrase",
            Self::SecondFactor => "second_factor",
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
            Scope::Account | Scope::DeviceAccount | Scope::Login | Scope::SecondFactor => {
                key.to_lowercase()
            }
            Scope::Device | Scope::Passphrase => key.to_owned(),
        };
        Self { scope, key, limit }
    }
}

impl Counter {
    /// The counter's name in the audit log's throttling episodes:
    /// `account/ada`, `ip/192.0.2.1`.
    pub fn episode(&self) -> String {
        format!("{}/{}", self.scope.as_str(), self.key)
    }

    /// Whether it counts attempts on one account (its key is the username).
    pub fn is_per_account(&self) -> bool {
        matches!(
            self.scope,
            Scope::Account | Scope::DeviceAccount | Scope::Login | Scope::SecondFactor
        )
    }
}

/// An attempt not counted: the counter at its limit that makes it wait
/// longest, and that wait.
#[derive(Debug)]
pub struct Refused {
    pub counter: Counter,
    pub retry_after_secs: u64,
}

/// The rows one attempt added: those of counters of failures and those of
/// the counter of successes, so that whatever the attempt comes to, only
/// what it was is left counting.
#[derive(Debug, Default)]
pub struct Claim {
    failures: Vec<i64>,
    successes: Vec<i64>,
}

/// Counts an attempt against every counter, or — when any counter is at its
/// limit — counts nothing and answers which counter refused it and the
/// seconds until that counter's limit-th newest row leaves the window.
#[tracing::instrument(skip_all, err)]
pub async fn claim(
    db: &PgPool,
    counters: &[Counter],
    window_secs: u64,
) -> sqlx::Result<Result<Claim, Refused>> {
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
    if let Some(full) = fullest(&mut tx, &scopes, &keys, &limits).await? {
        let counter = counters
            .into_iter()
            .find(|c| c.scope.as_str() == full.scope && c.key == full.key)
            .expect("the counter is one of the attempt's");
        let retry_after_secs = full.wait.max(1).unsigned_abs();
        return Ok(Err(Refused {
            counter,
            retry_after_secs,
        }));
    }
    let rows = sqlx::query!(
        "INSERT INTO login_attempts (scope, key, expires_at)
         SELECT scope, key, now() + make_interval(secs => $3)
         FROM unnest($1::text[], $2::text[]) AS c (scope, key)
         RETURNING id, scope",
        &scopes as &[&str],
        &keys as &[&str],
        window_secs as f64,
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut claim = Claim::default();
    for row in rows {
        if row.scope == Scope::Login.as_str() {
            claim.successes.push(row.id);
        } else {
            claim.failures.push(row.id);
        }
    }
    Ok(Ok(claim))
}

/// A counter at its limit, and how long until it is not.
struct Full {
    scope: String,
    key: String,
    wait: i64,
}

/// The counter at its limit with the longest wait, if any is.
async fn fullest(
    conn: &mut PgConnection,
    scopes: &[&str],
    keys: &[&str],
    limits: &[i64],
) -> sqlx::Result<Option<Full>> {
    sqlx::query_as!(
        Full,
        r#"SELECT c.scope AS "scope!", c.key AS "key!",
                  ceil(extract(epoch FROM (w.expires_at - now())))::bigint AS "wait!"
           FROM unnest($1::text[], $2::text[], $3::bigint[]) AS c (scope, key, lim)
           CROSS JOIN LATERAL (
               SELECT a.expires_at FROM login_attempts a
               WHERE a.scope = c.scope AND a.key = c.key AND a.expires_at > now()
               ORDER BY a.expires_at DESC OFFSET c.lim - 1 LIMIT 1) w
           ORDER BY 3 DESC LIMIT 1"#,
        scopes as &[&str],
        keys as &[&str],
        limits,
    )
    .fetch_optional(conn)
    .await
}

/// Uncounts an attempt that did not happen: refused before its check ran.
#[tracing::instrument(skip_all, err)]
pub async fn release(conn: &mut PgConnection, claim: &Claim) -> sqlx::Result<()> {
    let all = [claim.failures.as_slice(), &claim.successes].concat();
    delete(conn, &all).await
}

/// Leaves a successful attempt counted only as a success.
#[tracing::instrument(skip_all, err)]
pub async fn succeeded(conn: &mut PgConnection, claim: &Claim) -> sqlx::Result<()> {
    delete(conn, &claim.failures).await
}

/// Leaves a failed attempt counted only as a failure.
#[tracing::instrument(skip_all, err)]
pub async fn failed(conn: &mut PgConnection, claim: &Claim) -> sqlx::Result<()> {
    delete(conn, &claim.successes).await
}

async fn delete(conn: &mut PgConnection, ids: &[i64]) -> sqlx::Result<()> {
    if !ids.is_empty() {
        sqlx::query!("DELETE FROM login_attempts WHERE id = ANY($1)", ids)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Forgets every failure of a counter's key, e.g. an account's after its
/// owner logged in, under the key's lock until the caller's transaction
/// ends: two logins forgetting one account's rows take turns instead of
/// each waiting for a row the other deleted. Call it before `succeeded`,
/// whose rows it may include.
#[tracing::instrument(skip_all, err)]
pub async fn forget(conn: &mut PgConnection, counter: &Counter) -> sqlx::Result<()> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('login_attempts/' || $1 || '/' || $2, 0))",
        counter.scope.as_str(),
        counter.key,
    )
    .execute(&mut *conn)
    .await?;
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
