//! Page size and keyset paging for every list (the task list, and the
//! admin's lists of users, tasks and audit events): one row more than asked
//! is fetched, and its presence says whether a next page exists.

use super::errors;
use crate::error::Result;

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;

/// `?limit=`, taken as text so a bad value gets `invalid_limit`.
pub(crate) fn limit(raw: Option<&str>) -> Result<usize> {
    match raw.map(str::parse::<usize>) {
        None => Ok(DEFAULT_LIMIT),
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(errors::invalid_limit(MAX_LIMIT)),
    }
}

/// How many rows to fetch for a page of `limit`.
pub(crate) fn fetch(limit: usize) -> i64 {
    i64::try_from(limit + 1).unwrap_or(i64::MAX)
}

/// Cuts `rows` to the page and answers the next cursor, made from the last
/// row kept, when more rows exist.
pub(crate) fn finish<T>(
    rows: &mut Vec<T>,
    limit: usize,
    cursor: impl Fn(&T) -> String,
) -> Option<String> {
    if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(cursor)
    } else {
        None
    }
}
