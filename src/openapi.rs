//! The API's self-description: `GET /api/openapi.json`, an OpenAPI 3.1
//! document generated from the handlers' `#[utoipa::path]` annotations, and
//! `GET /docs`, Scalar's interactive reference over the same document. The
//! document is built once, when the router is.

use axum::{Router, body::Bytes, http::header, routing::get};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{ApiKey, ApiKeyValue, SecurityScheme},
};
use utoipa_scalar::{Scalar, Servable as _};

use crate::{app::AppState, auth, error, ops, session, tasks};

/// Security scheme names the handlers' `security(...)` lists refer to.
pub(crate) const SESSION: &str = "session";
pub(crate) const REFRESH: &str = "refresh";
pub(crate) const CSRF: &str = "csrf";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "minutes",
        version = env!("CARGO_PKG_VERSION"),
        description = "Self-hosted meeting-minutes backend. Times are RFC 3339 UTC; every \
            error is `{\"error\": {\"code\", \"message\", \"fields\"?}}` (`fields` only on 422).\n\n\
            Authentication is by cookie: `GET /api/session` starts an anonymous session and \
            answers the CSRF token; login upgrades it. Unsafe methods (POST, PUT, PATCH, \
            DELETE) of a caller with a session must send that token in `X-CSRF-Token`, and \
            an `Origin` that is not the service's own or an allowed one is refused (403)."
    ),
    paths(
        session::routes::get_session,
        session::routes::refresh,
        session::routes::list_sessions,
        session::routes::revoke_one,
        session::routes::revoke_others,
        auth::register::register,
        auth::login::login,
        auth::routes::logout,
        auth::routes::me,
        auth::routes::change_password,
        tasks::upload::upload,
        tasks::routes::list,
        tasks::routes::get_one,
        tasks::routes::delete,
        tasks::routes::media,
        tasks::minutes::minutes,
        tasks::minutes::retry,
        tasks::ws::watch,
        ops::healthz,
        ops::readyz,
        ops::render_metrics,
    ),
    components(schemas(auth::User, error::ErrorResponse, tasks::ws::Event)),
    modifiers(&CookieAuth),
    tags(
        (name = "session", description = "Browser sessions: cookies, CSRF token, rotation, revocation"),
        (name = "auth", description = "Accounts: register, log in and out, password"),
        (name = "tasks", description = "Uploads and their processing into minutes"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

/// The session cookies and the CSRF header as security schemes.
struct CookieAuth;

impl Modify for CookieAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "sid",
                "The session ID, HttpOnly; `__Host-sid` when `session.cookie_secure` is set. \
                 Set by `GET /api/session`, login and register.",
            ))),
        );
        components.add_security_scheme(
            REFRESH,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "rt",
                "The refresh token, HttpOnly; `__Host-rt` when `session.cookie_secure` is set. \
                 An expired session ID is rotated with it transparently on any request.",
            ))),
        );
        components.add_security_scheme(
            CSRF,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's `csrf_token` (from `GET /api/session`), required on unsafe \
                 methods whenever the request carries a session.",
            ))),
        );
    }
}

/// A file's bytes, for response bodies that are files.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "describes a body; never built")]
pub(crate) struct Binary(Vec<u8>);

/// `GET /api/openapi.json` and `GET /docs`.
pub fn router() -> Router<AppState> {
    let doc = ApiDoc::openapi();
    let json = Bytes::from(doc.to_json().expect("the OpenAPI document serializes"));
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || {
                std::future::ready(([(header::CONTENT_TYPE, "application/json")], json.clone()))
            }),
        )
        .merge(Scalar::with_url("/docs", doc))
}
