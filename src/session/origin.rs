//! Origin checks: an unsafe request or a WebSocket upgrade whose `Origin` is
//! neither `server.public_origin` nor one of `server.allowed_origins` is
//! refused before any session work happens. A WebSocket upgrade must carry
//! an `Origin` (a browser always sends one, so only a client that is no
//! browser leaves it out) unless `server.allow_websockets_without_origin`.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{HeaderName, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{Sessions, errors};
use crate::error::ApiError;

pub const CSRF_HEADER: HeaderName = HeaderName::from_static("x-csrf-token");

fn allowed(sessions: &Sessions, origin: &[u8]) -> bool {
    sessions.origins.iter().any(|o| o.as_bytes() == origin)
}

pub async fn guard_origin(
    State(sessions): State<Arc<Sessions>>,
    req: Request,
    next: Next,
) -> Response {
    let is_upgrade = req
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    let unsafe_method = !matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if unsafe_method || is_upgrade {
        match req.headers().get(header::ORIGIN) {
            Some(origin) if !allowed(&sessions, origin.as_bytes()) => {
                tracing::warn!(origin = ?origin, "request from a foreign origin refused");
                return ApiError::forbidden(
                    errors::ORIGIN_NOT_ALLOWED,
                    "this origin is not allowed",
                )
                .into_response();
            }
            None if is_upgrade && !sessions.websockets_without_origin => {
                tracing::warn!("WebSocket upgrade without an Origin refused");
                return ApiError::forbidden(
                    errors::ORIGIN_NOT_ALLOWED,
                    "a WebSocket upgrade must carry an Origin header",
                )
                .into_response();
            }
            _ => {}
        }
    }
    next.run(req).await
}
