//! Operational endpoints: liveness, readiness and Prometheus metrics.

mod metrics;

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{app::AppState, error::error_response};

pub use metrics::{Metrics, track};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(render_metrics))
}

async fn healthz() -> &'static str {
    "ok"
}

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

async fn render_metrics(State(state): State<AppState>) -> Response {
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
