//! The integration tests: one binary, a fresh database per test
//! (`#[sqlx::test]`), the real server on 127.0.0.1:0, real cookies.

mod auth_account;
mod auth_login;
mod auth_register;
mod fake_openai;
mod health;
mod helpers;
mod openapi;
mod processing_attempts;
mod processing_backends;
mod processing_llm_answers;
mod processing_pipeline;
mod processing_queue;
mod session_cookies;
mod session_csrf;
mod session_list;
mod session_refresh;
mod tasks_access;
mod tasks_cursor;
mod tasks_list;
mod tasks_purge;
mod tasks_upload;
mod tasks_ws;
mod web;
