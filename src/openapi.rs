//! The API's self-description. Each feature registers its handlers once with
//! utoipa-axum (`OpenApiRouter` + `routes!`), so the router and the document
//! are built together and cannot drift; this module holds only what is not
//! per-route: the info, tags, security schemes, the responses every operation
//! shares, and the two endpoints that serve the result — `GET
//! /api/openapi.json` and `GET /docs` (Swagger UI, every asset embedded in
//! the binary, served under a CSP that allows nothing but this origin).

use axum::{
    Router,
    body::Bytes,
    http::{HeaderValue, header},
    routing::get,
};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::{
    Modify, OpenApi,
    openapi::{
        Ref, RefOr, Response,
        path::ParameterIn,
        security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        },
    },
};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// Security scheme names the handlers' `security(...)` lists refer to.
pub(crate) const SESSION: &str = "session";
pub(crate) const REFRESH: &str = "refresh";
pub(crate) const CSRF: &str = "csrf";
pub(crate) const BEARER: &str = "bearer";

const DOCUMENT_PATH: &str = "/api/openapi.json";

/// The docs page loads its script, styles and the document from this origin
/// only; Swagger UI's images are inline `data:` SVGs.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

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
            an `Origin` that is not the service's own or an allowed one is refused (403).\n\n\
            Scripts authenticate with a personal API token instead (`POST /api/tokens`): \
            `Authorization: Bearer mnt_…`, no cookies, no CSRF token. An operation open to \
            tokens lists the `bearer` scheme with the scope it needs; every other operation \
            answers a token 403 `token_not_allowed`."
    ),
    components(schemas(crate::error::ErrorResponse)),
    modifiers(&CookieAuth),
    tags(
        (name = "session", description = "Browser sessions: cookies, CSRF token, rotation, revocation"),
        (name = "auth", description = "Accounts: register, log in and out, password"),
        (name = "tasks", description = "Uploads and their processing into minutes"),
        (name = "templates", description = "Templates of minutes: the built-in ones and the caller's own"),
        (name = "sharing", description = "Sharing a task with other users, to view or to edit"),
        (name = "action items", description = "The caller's action items across meetings, done or not, and their calendar feed"),
        (name = "links", description = "Share links: a meeting, read only, for anyone holding the link, until it expires or is revoked"),
        (name = "tokens", description = "Personal API tokens for scripts: scoped, expiring, revocable"),
        (name = "webhooks", description = "Signed webhooks: endpoints for task events, their secrets and delivery logs"),
        (name = "admin", description = "Users, roles, every task, the audit log: role `admin` only"),
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
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("mnt_<prefix>_<secret>")
                    .description(Some(
                        "A personal API token (`POST /api/tokens`). The requirement's list \
                         names the scope the operation needs.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Each operation open to API tokens (`session::OPEN_TO_TOKENS`, the table
/// the middleware enforces) gets the `bearer` requirement with its scope,
/// and the answers a token can get.
fn bearer_requirements(openapi: &mut utoipa::openapi::OpenApi) {
    for (method, path, scope) in crate::session::OPEN_TO_TOKENS {
        let Some(item) = openapi.paths.paths.get_mut(*path) else {
            continue;
        };
        let op = match *method {
            "GET" => item.get.as_mut(),
            "POST" => item.post.as_mut(),
            "PUT" => item.put.as_mut(),
            "DELETE" => item.delete.as_mut(),
            _ => item.patch.as_mut(),
        };
        let Some(op) = op else { continue };
        let scopes: Vec<&str> = scope.iter().map(|s| s.as_str()).collect();
        op.security
            .get_or_insert_with(|| vec![SecurityRequirement::default()])
            .push(SecurityRequirement::new(BEARER, scopes));
        let responses = &mut op.responses.responses;
        SharedResponses::add(
            responses,
            "401",
            "invalid_token",
            "`invalid_token`: the bearer token is unknown, revoked or expired, or its user is \
             disabled",
        );
        SharedResponses::add(
            responses,
            "403",
            "insufficient_scope",
            "`insufficient_scope` (the message names the missing scope) or \
             `token_task_limited`: the bearer token may not do this",
        );
    }
}

/// Answers that come from the layers and extractors every request passes,
/// not from one handler: the generic 500, the body limit's 413, the
/// transparent refresh's 401 on any request that carries a superseded refresh
/// token, the path and query extractors' 400 for a value they cannot parse
/// (a `task_id` that is no UUID, a query parameter the operation does not
/// have, NUL anywhere), and the JSON extractor's 400 (not JSON), 415 (no
/// `Content-Type: application/json`) and 422 (JSON of the wrong shape, NUL
/// in a string). Added to each
/// operation here so no handler has to remember them; where a handler
/// documents the same status for its own reasons, the shared cause is
/// appended to its description.
struct SharedResponses;

impl SharedResponses {
    fn error(description: &str) -> RefOr<Response> {
        let content = utoipa::openapi::ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorResponse")))
            .build();
        Response::builder()
            .description(description)
            .content("application/json", content)
            .into()
    }

    /// Documents `status` with `description`, or appends the description to
    /// the handler's own for that status.
    fn add(responses: &mut ResponseMap, status: &str, code: &str, description: &str) {
        match responses.get_mut(status) {
            Some(RefOr::T(response)) if !response.description.contains(code) => {
                response.description = format!("{}; or {description}", response.description);
            }
            Some(_) => {}
            None => {
                responses.insert(status.into(), Self::error(description));
            }
        }
    }
}

type ResponseMap = std::collections::BTreeMap<String, RefOr<Response>>;

impl Modify for SharedResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let behind_session = path.starts_with("/api/") || path.starts_with("/ws");
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                let parameters = op.parameters.as_ref().is_some_and(|p| {
                    p.iter()
                        .any(|p| matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query))
                });
                let json_body = op
                    .request_body
                    .as_ref()
                    .is_some_and(|body| body.content.contains_key("application/json"));
                if let Some(security) = op.security.as_mut() {
                    refresh_alternatives(security);
                }
                let responses = &mut op.responses.responses;
                Self::add(
                    responses,
                    "500",
                    "internal_error",
                    "`internal_error`: a server-side failure, logged with its cause",
                );
                if op.request_body.is_some() {
                    Self::add(
                        responses,
                        "413",
                        "too_large",
                        "`too_large`: the request body is over its limit",
                    );
                }
                if parameters || json_body {
                    Self::add(
                        responses,
                        "400",
                        "bad_request",
                        "`bad_request`: a path or query parameter that does not parse (or \
                         one the operation does not have, or that holds NUL, which cannot be \
                         stored), or a body that is not JSON",
                    );
                }
                if json_body {
                    Self::add(
                        responses,
                        "415",
                        "unsupported_media_type",
                        "`unsupported_media_type`: the body is not sent as \
                         `Content-Type: application/json`",
                    );
                    Self::add(
                        responses,
                        "422",
                        "validation_failed",
                        "`validation_failed`: JSON of the wrong shape (a missing field, \
                         a value of the wrong type), or a string holding NUL (`fields` \
                         names it: `nul_character`)",
                    );
                }
                if behind_session {
                    Self::add(
                        responses,
                        "401",
                        "refresh_token_reused",
                        "`refresh_token_reused`: the request carried a refresh token that \
                         was superseded; the whole series is revoked",
                    );
                }
            }
        }
    }
}

/// The refresh token authenticates wherever the session ID does: a request
/// with only a valid `rt` cookie is rotated transparently and served. So each
/// requirement that names `session` gets its alternative with `refresh` in
/// its place (`csrf` stays required alongside).
fn refresh_alternatives(security: &mut Vec<SecurityRequirement>) {
    let names = |r: &SecurityRequirement| match serde_json::to_value(r) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let existing: Vec<Vec<String>> = security.iter().map(names).collect();
    for names in &existing {
        if !names.iter().any(|n| n == SESSION) {
            continue;
        }
        let mut alternative: Vec<String> = names
            .iter()
            .map(|n| {
                if n == SESSION {
                    REFRESH.into()
                } else {
                    n.clone()
                }
            })
            .collect();
        alternative.sort();
        if existing.contains(&alternative) {
            continue;
        }
        let mut requirement = SecurityRequirement::default();
        for name in alternative {
            requirement = requirement.add(name, Vec::<String>::new());
        }
        security.push(requirement);
    }
}

/// A file's bytes, for response bodies that are files.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "describes a body; never built")]
pub(crate) struct Binary(Vec<u8>);

/// `GET /api/openapi.json` and `GET /docs` over the document the features'
/// routers built; the shared responses are added and the JSON serialized once,
/// here.
pub fn router<S: Clone + Send + Sync + 'static>(mut doc: utoipa::openapi::OpenApi) -> Router<S> {
    SharedResponses.modify(&mut doc);
    bearer_requirements(&mut doc);
    let json = Bytes::from(doc.to_json().expect("the OpenAPI document serializes"));
    let docs: Router<S> = SwaggerUi::new("/docs")
        .config(Config::new([DOCUMENT_PATH]).validator_url("none"))
        .into();
    Router::new()
        .route(
            DOCUMENT_PATH,
            get(move || {
                std::future::ready(([(header::CONTENT_TYPE, "application/json")], json.clone()))
            }),
        )
        .merge(docs.layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCS_CSP),
        )))
}
