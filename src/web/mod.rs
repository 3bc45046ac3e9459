//! The built-in web app: the files under `web/` at the repository root,
//! embedded at compile time and served as they are (no build step). `GET /`
//! is `index.html` with a strict Content-Security-Policy and `no-store`;
//! every other file lives under `/assets/{hash}/…`, where `hash` covers all
//! of the files, so the browser may cache them for good and a new binary
//! with changed files is a new address. The app talks to the API like any
//! external frontend would: cookies, `X-CSRF-Token`, the WebSockets.

mod assets;

use std::sync::Arc;

use axum::{
    Router,
    extract::Path,
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use self::assets::Site;
use crate::error;

/// No inline script or style, nothing from another origin; media and images
/// may come from `blob:` (a local file before upload) and `data:` (icons).
/// `connect-src 'self'` covers the app's WebSockets too (CSP Level 3 matches
/// `ws:`/`wss:` to the page's own host), so a script can open no socket to
/// another host.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
    connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
    form-action 'self'; object-src 'none'";

/// Assets are addressed by content: whatever is under one hash never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `GET /`, `GET /l` (the page a share link opens: the same app, which
/// reads the link's secret from the address's fragment) and `GET
/// /assets/{hash}/{*path}`; the page states the largest upload the server
/// takes.
pub fn router<S: Clone + Send + Sync + 'static>(max_upload_bytes: u64) -> Router<S> {
    let site = Arc::new(Site::load());
    let for_index = site.clone();
    let for_link = site.clone();
    Router::new()
        .route(
            "/",
            get(move || std::future::ready(index(&for_index, max_upload_bytes))),
        )
        .route(
            "/l",
            get(move || std::future::ready(index(&for_link, max_upload_bytes))),
        )
        .route(
            "/assets/{hash}/{*path}",
            get(move |Path((hash, path)): Path<(String, String)>| {
                std::future::ready(asset(&site, &hash, &path))
            }),
        )
}

fn index(site: &Site, max_upload_bytes: u64) -> Response {
    let html = site.index(max_upload_bytes);
    let mut res = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // No page of the app is for search engines, a share link's least of all.
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    nosniff(res)
}

fn asset(site: &Site, hash: &str, path: &str) -> Response {
    let Some((bytes, content_type)) = site.asset(hash, path) else {
        return error::error_response(StatusCode::NOT_FOUND, "not_found", "no such asset");
    };
    let mut res = ([(header::CONTENT_TYPE, content_type)], bytes).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    nosniff(res)
}

fn nosniff(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}
