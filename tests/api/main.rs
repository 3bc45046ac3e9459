//! The integration tests: one binary, a fresh database per test
//! (`#[sqlx::test]`), the real server on 127.0.0.1:0, real cookies.

mod health;
mod helpers;
mod session_cookies;
mod session_csrf;
mod session_list;
mod session_refresh;
