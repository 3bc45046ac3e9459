//! Headers every response carries, whichever route or layer produced it:
//! `nosniff`, no referrer, `no-store` unless a route chose its own caching
//! (the web app's content-addressed assets do), a strict CSP on any HTML
//! that did not bring its own, and HSTS when cookies are `Secure` (so the
//! service is only ever reached over TLS).

use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// For HTML no route described more precisely: nothing but this origin.
const DEFAULT_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Whether responses get `Strict-Transport-Security`.
#[derive(Debug, Clone, Copy)]
pub struct Hsts(pub bool);

pub async fn security_headers(State(hsts): State<Hsts>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if is_html {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(DEFAULT_CSP));
    }
    if hsts.0 {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}
