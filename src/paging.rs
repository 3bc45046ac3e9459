//! Keyset paging for every list (the task list, and the admin's lists of
//! users, tasks and audit events): `?limit=` and `?cursor=` are read here,
//! one row more than the page is fetched, and its presence says whether a
//! next page exists, whose cursor is made from the last row kept. Each list
//! says only what its position is (`Key`): no page is ever an `OFFSET`.

use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, Result};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;

/// Where a list's page starts: the sort key of the previous page's last
/// row, opaque to clients.
pub trait Key: Sized {
    /// `None` for a cursor this list never made.
    fn decode(cursor: &str) -> Option<Self>;
    fn encode(&self) -> String;
}

/// The audit log's position: an event id.
impl Key for i64 {
    fn decode(cursor: &str) -> Option<Self> {
        cursor.parse().ok()
    }

    fn encode(&self) -> String {
        self.to_string()
    }
}

/// A name's position (the user list, by username).
impl Key for String {
    fn decode(cursor: &str) -> Option<Self> {
        Some(cursor.to_owned())
    }

    fn encode(&self) -> String {
        self.clone()
    }
}

/// `?limit=&cursor=` of a list without filters; lists with filters name
/// the same two fields beside theirs (a query may not have unknown fields,
/// which `serde(flatten)` cannot check).
///
/// Both are taken as text so a bad value gets our error code, not the
/// extractor's.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Page size, 1–100; 50 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn page<K: Key>(&self) -> Result<Page<K>> {
        Page::parse(self.limit.as_deref(), self.cursor.as_deref())
    }
}

/// One page asked for: its size and where it starts.
#[derive(Debug, PartialEq, Eq)]
pub struct Page<K> {
    pub limit: usize,
    /// Rows strictly after this position; the first page without it.
    pub after: Option<K>,
}

impl<K: Key> Page<K> {
    /// 400 `invalid_limit` or `invalid_cursor` for values the list cannot use.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Self> {
        let limit = match limit.map(str::parse::<usize>) {
            None => DEFAULT_LIMIT,
            Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
            Some(_) => return Err(invalid_limit()),
        };
        let after = match cursor {
            None => None,
            Some(c) => Some(K::decode(c).ok_or_else(invalid_cursor)?),
        };
        Ok(Self { limit, after })
    }

    /// How many rows to fetch: one more than the page.
    pub fn fetch(&self) -> i64 {
        i64::try_from(self.limit + 1).unwrap_or(i64::MAX)
    }

    /// Cuts `rows` to the page and answers the next page's cursor, made
    /// from the last row kept, when more rows exist.
    pub fn finish<T>(&self, rows: &mut Vec<T>, key: impl Fn(&T) -> K) -> Option<String> {
        if rows.len() > self.limit {
            rows.truncate(self.limit);
            rows.last().map(|row| key(row).encode())
        } else {
            None
        }
    }
}

fn invalid_limit() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_limit",
        format!("limit must be an integer from 1 to {MAX_LIMIT}"),
    )
}

fn invalid_cursor() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_cursor",
        "malformed cursor",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(err: ApiError) -> &'static str {
        match err {
            ApiError::Client { status, code, .. } if status == StatusCode::BAD_REQUEST => code,
            other => panic!("not a 400: {other:?}"),
        }
    }

    #[test]
    fn limits_outside_one_to_a_hundred_are_refused() {
        assert_eq!(Page::<i64>::parse(None, None).unwrap().limit, 50);
        assert_eq!(Page::<i64>::parse(Some("100"), None).unwrap().limit, 100);
        for bad in ["0", "101", "-1", "ten", ""] {
            let err = Page::<i64>::parse(Some(bad), None).unwrap_err();
            assert_eq!(code(err), "invalid_limit", "{bad}");
        }
    }

    #[test]
    fn a_cursor_the_list_never_made_is_refused() {
        let page = Page::<i64>::parse(None, Some("42")).unwrap();
        assert_eq!(page.after, Some(42));
        let err = Page::<i64>::parse(None, Some("forty-two")).unwrap_err();
        assert_eq!(code(err), "invalid_cursor");
    }

    #[test]
    fn one_row_more_than_the_page_says_a_next_page_exists() {
        let page = Page::<i64>::parse(Some("2"), None).unwrap();
        assert_eq!(page.fetch(), 3);
        let mut rows = vec![9_i64, 8, 7];
        assert_eq!(page.finish(&mut rows, |r| *r), Some("8".to_owned()));
        assert_eq!(rows, [9, 8]);
        let mut last = vec![6_i64, 5];
        assert_eq!(page.finish(&mut last, |r| *r), None);
        assert_eq!(last, [6, 5]);
    }
}
