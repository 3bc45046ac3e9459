//! The integration tests: one binary, a fresh database per test
//! (`#[sqlx::test]`), the real server on 127.0.0.1:0, real cookies.

mod admin_access;
mod admin_audit;
mod admin_users;
mod auth_account;
mod auth_login;
mod auth_register;
mod fake_openai;
mod health;
mod helpers;
mod minutes_edit;
mod minutes_revisions;
mod openapi;
mod people;
mod processing_backends;
mod processing_pipeline;
mod processing_queue;
mod security_client_ip;
mod security_limits;
mod security_tokens;
mod session_cache;
mod session_cookies;
mod session_csrf;
mod session_list;
mod session_refresh;
mod sharing;
mod sharing_ws;
mod tasks_access;
mod tasks_events;
mod tasks_events_session;
mod tasks_list;
mod tasks_purge;
mod tasks_upload;
mod tasks_ws;
mod web;
