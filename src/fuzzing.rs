//! Entry points for the `cargo fuzz` targets in `fuzz/` (docs/testing.md, "Fuzzing the parsers"):
//! the parsers of client input that the library does not otherwise make
//! public, wrapped so no internal type leaks. Hidden from the docs; the
//! service itself never calls it.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::{paging::Key as _, session::CookieNames};

/// The session and refresh cookie values `CookieNames::read` finds in a
/// `Cookie` header of these bytes (`None` when the bytes are no header value).
pub fn session_cookies(secure: bool, cookie_header: &[u8]) -> Option<[Option<String>; 2]> {
    let mut headers = HeaderMap::new();
    headers.append(header::COOKIE, HeaderValue::from_bytes(cookie_header).ok()?);
    let (sid, rt) = CookieNames::new(secure).read(&headers);
    Some([sid.map(str::to_owned), rt.map(str::to_owned)])
}

/// A task-list cursor decoded and encoded again, when it decodes.
pub fn reencoded_cursor(cursor: &str) -> Option<String> {
    crate::tasks::Cursor::decode(cursor).map(|c| c.encode())
}
