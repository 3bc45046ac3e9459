//! The integration tests: one binary, a fresh database per test
//! (`#[sqlx::test]`), the real server on 127.0.0.1:0, real cookies, driven
//! by the black-box client in `tests/common/` (shared with `tests/cluster/`).

// Each test binary uses its own part of the shared client.
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

use common::fake_openai;

mod access_matrix;
mod action_items;
mod admin_access;
mod admin_audit;
mod admin_users;
mod api_schema;
mod auth_account;
mod auth_fresh;
mod auth_login;
mod auth_register;
mod auth_totp;
mod config;
mod export_docx;
mod health;
mod helpers;
mod library_titles;
mod links;
mod minutes_edit;
mod minutes_regenerate;
mod minutes_revisions;
mod new_device;
mod oidc;
mod oidc_provider;
mod openapi;
mod passkeys;
mod people;
mod processing_attempts;
mod processing_backends;
mod processing_diarization;
mod processing_hostile_text;
mod processing_llm_answers;
mod processing_long_meetings;
mod processing_pipeline;
mod processing_queue;
mod search;
mod security_api_tokens;
mod security_audit_flood;
mod security_client_ip;
mod security_demoted_admin;
mod security_device_cookies;
mod security_disable;
mod security_filenames;
mod security_floods;
mod security_limits;
mod security_links;
mod security_login_throttle;
mod security_login_timing;
mod security_nul;
mod security_sealed_token;
mod security_socket_hoarding;
mod security_sockets;
mod security_task_errors;
mod security_tokens;
mod security_totp;
mod security_webhooks;
mod session_cache;
mod session_cap;
mod session_cookies;
mod session_csrf;
mod session_list;
mod session_refresh;
mod sharing;
mod sharing_ws;
mod storage_s3;
mod tasks_access;
mod tasks_cursor;
mod tasks_events;
mod tasks_events_session;
mod tasks_filters;
mod tasks_list;
mod tasks_media;
mod tasks_purge;
mod tasks_upload;
mod tasks_ws;
mod templates;
mod tokens;
mod two_factor;
mod web;
mod webhooks;
