//! The application: shared state, the router with its layers, and serving
//! on a listener the caller binds (port 0 in tests).

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{ConnectInfo, MatchedPath, Request},
    http::{HeaderName, HeaderValue, Method, header},
    middleware,
};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower::ServiceExt as _;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::RequestBodyTimeoutLayer,
    trace::TraceLayer,
};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    action_items, admin, auth, config::Settings, error, headers, links, nul, openapi, ops,
    ratelimit, search, session, sharing, storage, tasks, templates, tokens, web, webhooks,
};

/// JSON bodies are small: credentials, a share, a role change.
const JSON_BODY_LIMIT: usize = 64 * 1024;
/// Minutes are the one large JSON body: about 15 hours of transcript.
const MINUTES_BODY_LIMIT: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub settings: Arc<Settings>,
    pub metrics: ops::Metrics,
    pub sessions: Arc<session::Sessions>,
    pub accounts: Arc<auth::Accounts>,
    pub uploads: Arc<storage::Uploads>,
    /// Anonymous uploads per client (`storage.max_anonymous_uploads_per_ip_per_hour`).
    pub anonymous_uploads: Arc<ratelimit::PerClient>,
    pub hub: Arc<tasks::Hub>,
    pub sockets: Arc<tasks::Slots>,
    /// Seals and opens webhook signing secrets.
    pub webhook_sealer: Arc<webhooks::Sealer>,
}

impl AppState {
    pub fn new(settings: Settings, db: PgPool) -> anyhow::Result<Self> {
        let sessions = Arc::new(session::Sessions::new(&settings, db.clone())?);
        Ok(Self {
            accounts: Arc::new(auth::Accounts::new(
                db.clone(),
                &settings,
                sessions.clone(),
            )?),
            sessions,
            uploads: storage::Uploads::from_settings(&settings.storage)?,
            metrics: ops::Metrics::install()?,
            hub: tasks::Hub::start(db.clone()),
            anonymous_uploads: Arc::new(ratelimit::PerClient::new(
                settings.storage.max_anonymous_uploads_per_ip_per_hour,
                Duration::from_secs(3600),
            )),
            sockets: tasks::Slots::new(tasks::SocketCaps::from_settings(&settings.server)),
            webhook_sealer: Arc::new(webhooks::Sealer::new(&settings.session)?),
            settings: Arc::new(settings),
            db,
        })
    }

    /// What the task feature uses.
    fn tasks(&self) -> tasks::TasksState {
        tasks::TasksState {
            db: self.db.clone(),
            storage: Arc::new(self.settings.storage.clone()),
            sessions: self.sessions.clone(),
            uploads: self.uploads.clone(),
            anonymous_uploads: self.anonymous_uploads.clone(),
            hub: self.hub.clone(),
            sockets: self.sockets.clone(),
            recordings: self.settings.processing.transcription.base_url.is_some(),
        }
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
/// 7. `refuse_nul`: a path parameter or query string holding NUL is a 400
///    before any handler reads it.
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

    // Every route is registered once, in its feature's `router()`, which is
    // handed what the feature uses; the OpenAPI document is a by-product of
    // that registration.
    let json_api = OpenApiRouter::new()
        .merge(session::router(state.sessions.clone()))
        .merge(auth::router(state.accounts.clone()))
        .merge(sharing::router(state.db.clone()))
        .merge(search::router(state.db.clone()))
        .merge(action_items::router(action_items::ItemsState {
            db: state.db.clone(),
            origin: state
                .settings
                .server
                .public_origin
                .trim_end_matches('/')
                .into(),
        }))
        .merge(templates::router(templates::TemplatesState {
            db: state.db.clone(),
            sessions: state.sessions.clone(),
        }))
        .merge(tokens::router(tokens::TokensState {
            db: state.db.clone(),
            sessions: state.sessions.clone(),
            accounts: state.accounts.clone(),
        }))
        .merge(links::router(links::LinksState {
            db: state.db.clone(),
            accounts: state.accounts.clone(),
            uploads: state.uploads.clone(),
            link_max_days: state.settings.sharing.link_max_days,
            public_origin: state.settings.server.public_origin.clone(),
        }))
        .merge(webhooks::router(webhooks::WebhooksState {
            db: state.db.clone(),
            settings: Arc::new(state.settings.webhooks.clone()),
            sealer: state.webhook_sealer.clone(),
        }))
        .merge(admin::router(admin::AdminState {
            db: state.db.clone(),
            sessions: state.sessions.clone(),
        }))
        .layer(RequestBodyLimitLayer::new(JSON_BODY_LIMIT));
    let tasks = state.tasks();
    // A minutes edit carries the whole transcript's text.
    let minutes_api =
        tasks::minutes_router(tasks.clone()).layer(RequestBodyLimitLayer::new(MINUTES_BODY_LIMIT));
    let (routes, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(ops::router(state.db.clone()))
        .merge(json_api)
        .merge(minutes_api)
        .merge(tasks::router(tasks))
        .split_for_parts();

    routes
        .merge(openapi::router(doc))
        .merge(web::router(state.settings.storage.max_upload_bytes))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn_with_state(
                    state.sessions.clone(),
                    session::guard_origin,
                ))
                .layer(middleware::from_fn_with_state(
                    state.sessions.clone(),
                    session::manage_session,
                ))
                .layer(middleware::from_fn(nul::refuse_nul)),
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
                .layer(middleware::from_fn_with_state(
                    headers::Hsts(state.settings.session.cookie_secure),
                    headers::security_headers,
                ))
                .option_layer(cors(&state.settings))
                .layer(middleware::from_fn(error::json_errors))
                .layer(RequestBodyTimeoutLayer::new(
                    state.settings.server.limits().body_idle_timeout,
                )),
        )
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
            .allow_headers([header::CONTENT_TYPE, header::IF_MATCH, session::CSRF_HEADER])
            // The minutes' version, which a save must send back as If-Match.
            .expose_headers([header::ETAG])
            .max_age(Duration::from_secs(600))
    })
}

/// Serves until `shutdown` resolves, letting in-flight requests finish.
///
/// A connection loop of our own rather than `axum::serve`, for the limits
/// it does not expose: request headers must arrive within
/// `server.header_read_timeout_secs` and fit in `server.max_header_bytes`
/// (a slowloris holds no connection for long), and a request body that
/// stalls for `server.body_idle_timeout_secs` fails (`body_idle_timeout`,
/// in `build_app`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let limits = state.settings.server.limits();
    let app = build_app(state);
    let mut http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    http.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes);
    http.http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX));
    let graceful = GracefulShutdown::new();
    tracing::info!(%addr, "listening");
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let conn = http.serve_connection_with_upgrades(
            TokioIo::new(stream),
            TowerToHyperService::new(service),
        );
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
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
