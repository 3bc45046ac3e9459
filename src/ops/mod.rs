//! Operational endpoints: liveness and readiness on the public listener,
//! Prometheus metrics on a listener of their own (`ops.metrics_addr`,
//! loopback by default): request counts by route are nobody else's business.

mod metrics;

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ErrorResponse, error_response};

pub use metrics::{Metrics, track};

pub fn router<S: Clone + Send + Sync + 'static>(db: PgPool) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .with_state(db)
}

/// `GET /metrics`, for the metrics listener only.
pub fn metrics_router(metrics: Metrics) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || std::future::ready(render_metrics(&metrics))),
    )
}

/// Serves `metrics_router` on `listener` until the task is dropped.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    metrics: Metrics,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "metrics listening");
    axum::serve(listener, metrics_router(metrics)).await
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
async fn readyz(State(db): State<PgPool>) -> Response {
    match crate::db::ready(&db).await {
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
fn render_metrics(metrics: &Metrics) -> Response {
    (
        [("content-type", "text/plain; version=0.0.4")],
        metrics.render(),
    )
        .into_response()
}
