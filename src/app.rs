//! The application: shared state, the router with its layers, and serving
//! on a listener the caller binds (port 0 in tests).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{MatchedPath, Request},
    http::{HeaderName, HeaderValue, Method, header},
    middleware,
};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::{auth, config::Settings, error, openapi, ops, session, storage, tasks, web};

/// JSON bodies are small.
const JSON_BODY_LIMIT: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub settings: Arc<Settings>,
    pub metrics: ops::Metrics,
    pub sessions: Arc<session::Sessions>,
    pub accounts: Arc<auth::Accounts>,
    pub uploads: Arc<storage::Uploads>,
    pub hub: Arc<tasks::Hub>,
}

impl AppState {
    pub fn new(settings: Settings, db: PgPool) -> anyhow::Result<Self> {
        let sessions = Arc::new(session::Sessions::new(&settings, db.clone())?);
        Ok(Self {
            accounts: Arc::new(auth::Accounts::new(
                db.clone(),
                &settings.auth,
                sessions.clone(),
            )?),
            sessions,
            uploads: storage::Uploads::from_settings(&settings.storage)?,
            metrics: ops::Metrics::install()?,
            hub: tasks::Hub::start(db.clone()),
            settings: Arc::new(settings),
            db,
        })
    }
}

/// The whole service. Layers, outermost first (a request passes them in
/// this order, its response in reverse):
///
/// 1. request id (set), the trace span that carries it, then its
///    propagation to the response: every log line below has the id.
/// 2. CORS (only with `server.allowed_origins`): preflights are answered
///    before anything reads a cookie.
/// 3. `json_errors`: every error below gets the JSON body, whichever layer,
///    extractor or fallback produced it.
/// 4. the `.fallback` (404) is attached here, under the layers above but
///    outside the ones below: an unknown path is logged with its id and
///    answered in JSON, yet costs no session lookup and adds no unbounded
///    label to the metrics.
/// 5. `ops::track`: metrics per matched route.
/// 6. `guard_origin`, then `session::manage`: a foreign Origin is refused
///    before its cookies can rotate anything; `manage` then resolves the
///    session and checks CSRF before any handler runs.
///
/// Body limits are per route group: small for JSON, the upload's own for
/// `POST /api/upload`.
pub fn build_app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request| {
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map_or(req.uri().path(), |p| p.as_str());
        let id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        tracing::info_span!("request", method = %req.method(), route, request_id = id)
    });

    // Every route is registered once, in its feature's `router()`; the
    // OpenAPI document is a by-product of that registration.
    let json_api = OpenApiRouter::new()
        .merge(session::router())
        .merge(auth::router())
        .layer(RequestBodyLimitLayer::new(JSON_BODY_LIMIT));
    let (routes, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(ops::router())
        .merge(json_api)
        .merge(tasks::router(&state.settings.storage))
        .split_for_parts();

    routes
        .merge(openapi::router(doc))
        .merge(web::router())
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    session::guard_origin,
                ))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    session::manage_session,
                )),
        )
        .layer(middleware::from_fn(ops::track))
        .fallback(|| async {
            error::error_response(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                "no such resource",
            )
        })
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(request_id))
                .option_layer(cors(&state.settings))
                .layer(middleware::from_fn(error::json_errors)),
        )
        .with_state(state)
}

/// Credentialed CORS, for the configured external frontends only.
fn cors(settings: &Settings) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = settings
        .server
        .allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    (!origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([header::CONTENT_TYPE, session::CSRF_HEADER])
            .max_age(Duration::from_secs(600))
    })
}

/// Serves until `shutdown` resolves, letting in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening");
    axum::serve(
        listener,
        build_app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    tracing::info!("shut down");
    Ok(())
}

/// Resolves on SIGTERM or ctrl-c.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
