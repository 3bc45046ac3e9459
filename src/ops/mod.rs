//! Operational endpoints: liveness, readiness and Prometheus metrics.

mod metrics;

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    app::AppState,
    error::{ErrorResponse, error_response},
};

pub use metrics::{Metrics, track};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(render_metrics))
}

/// Liveness: the process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = String, content_type = "text/plain", example = "ok")),
)]
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database is reachable and every migration applied.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = String, content_type = "text/plain", example = "ready"),
        (status = 503, description = "`database_unreachable` or `migrations_pending`", body = ErrorResponse),
    ),
)]
async fn readyz(State(state): State<AppState>) -> Response {
    match crate::db::ready(&state.db).await {
        Ok(()) => "ready".into_response(),
        Err(code) => {
            tracing::warn!(code, "not ready");
            error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                "the service is not ready",
            )
        }
    }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain; version=0.0.4")),
)]
async fn render_metrics(State(state): State<AppState>) -> Response {
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
