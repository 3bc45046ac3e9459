//! Request counts and latencies by matched route, exported in Prometheus text.
//! The recorder is process-global, so every app in a process shares one.

use std::{sync::Mutex, time::Instant};

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

const LATENCY: &str = "http_request_duration_seconds";

#[derive(Clone)]
pub struct Metrics(PrometheusHandle);

impl Metrics {
    pub fn install() -> anyhow::Result<Self> {
        static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);
        let mut installed = HANDLE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(handle) = installed.as_ref() {
            return Ok(Self(handle.clone()));
        }
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(LATENCY.into()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ],
            )?
            .install_recorder()?;
        *installed = Some(handle.clone());
        Ok(Self(handle))
    }

    pub fn render(&self) -> String {
        self.0.render()
    }
}

/// Middleware: counts and times every request, labelled by route template
/// (never the raw path, which would explode cardinality).
pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let res = next.run(req).await;
    let labels = [
        ("method", method),
        ("path", path),
        ("status", res.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!(LATENCY, &labels).record(start.elapsed().as_secs_f64());
    res
}
