//! The built-in web app: served with its security and cache headers, and
//! its API client calling only endpoints the OpenAPI document describes.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sqlx::PgPool;

use crate::helpers::spawn_app;

const WEB_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/web");

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// The `href`/`src` values of index.html that point at assets.
fn asset_paths(html: &str) -> Vec<String> {
    html.split('"')
        .filter(|s| s.starts_with("/assets/"))
        .map(str::to_owned)
        .collect()
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn web_root_is_html_with_a_strict_csp_and_no_store(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/").await;
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-type").starts_with("text/html"));
    let csp = header(&res, "content-security-policy").to_owned();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("http"),
        "{csp}"
    );
    assert_eq!(header(&res, "cache-control"), "no-store");
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    let html = res.text().await.unwrap();
    assert!(!html.contains("{{"), "every placeholder is filled in");
    assert!(html.contains(&format!(
        "content=\"{}\"",
        app.settings.storage.max_upload_bytes
    )));
    assert!(!html.contains("<style") && !html.contains("style="));
    assert!(
        html.matches("<script").count() == html.matches("<script type=\"module\" src=").count(),
        "no inline script"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_web_apps_csp_lets_it_connect_to_its_own_origin_only(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/").await;
    let csp = header(&res, "content-security-policy").to_owned();
    let connect = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("connect-src"))
        .unwrap_or_else(|| panic!("no connect-src in {csp}"));
    // `ws:`/`wss:` (or any scheme) as a source would let a script open a
    // socket to any host; 'self' covers the app's own sockets.
    assert_eq!(connect, "connect-src 'self'");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn web_assets_are_content_addressed_and_cached_for_good(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let html = browser.get("/").await.text().await.unwrap();
    let assets = asset_paths(&html);
    let css = assets.iter().find(|p| p.ends_with("/app.css")).unwrap();
    let js = assets.iter().find(|p| p.ends_with("/js/app.js")).unwrap();

    for (path, content_type) in [(css.as_str(), "text/css"), (js.as_str(), "text/javascript")] {
        let res = browser.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            header(&res, "content-type").starts_with(content_type),
            "{path}"
        );
        assert_eq!(
            header(&res, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    }
    // A module the entry point imports, by a relative path under the same hash.
    let api = js.replace("/js/app.js", "/js/api.js");
    assert_eq!(browser.get(&api).await.status(), 200);

    // Another build's hash, an unknown file and index.html itself are not assets.
    let other = css.replace(css.split('/').nth(2).unwrap(), "0000000000000000");
    for path in [
        other,
        css.replace("app.css", "nope.css"),
        css.replace("app.css", "index.html"),
    ] {
        let res = browser.get(&path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(header(&res, "content-type").starts_with("application/json"));
    }
    // Unknown API paths stay JSON.
    let res = browser.get("/api/no-such-thing").await;
    assert_eq!(res.status(), 404);
    assert!(header(&res, "content-type").starts_with("application/json"));
}

/// Unknown keys are refused: an entry cannot opt out of the check below.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Endpoint {
    name: String,
    method: String,
    path: String,
}

/// The `ENDPOINTS` table of `web/js/api.js`, which is JSON inside the JS.
fn client_endpoints() -> Vec<Endpoint> {
    let source = std::fs::read_to_string(Path::new(WEB_DIR).join("js/api.js")).unwrap();
    let start = source
        .find("export const ENDPOINTS = Object.freeze(")
        .expect("api.js exports ENDPOINTS");
    let rest = &source[start..];
    let open = rest.find('[').unwrap();
    let close = rest.find("]);").unwrap();
    serde_json::from_str(&rest[open..=close]).expect("ENDPOINTS is a JSON array")
}

fn js_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            js_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn web_client_calls_only_documented_endpoints(db: PgPool) {
    let app = spawn_app(db).await;
    let doc = app.openapi().await;
    let paths = doc["paths"].as_object().unwrap();
    let table = client_endpoints();
    assert!(table.len() > 10, "the table is read");

    let mut missing = Vec::new();
    for ep in &table {
        let method = ep.method.to_ascii_lowercase();
        if paths.get(&ep.path).and_then(|p| p.get(&method)).is_none() {
            missing.push(format!("{} {} ({})", ep.method, ep.path, ep.name));
        }
    }
    assert!(
        missing.is_empty(),
        "the web client calls endpoints the OpenAPI document does not describe: {missing:?}"
    );

    // The table is the only way out: no other module fetches, and every
    // name the code asks for is in it.
    let mut files = Vec::new();
    js_files(Path::new(WEB_DIR), &mut files);
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_str().unwrap();
        if name != "api.js" {
            for call in ["fetch(", "XMLHttpRequest", "sendBeacon", "EventSource"] {
                assert!(
                    !source.contains(call),
                    "{name} uses {call}; only api.js may"
                );
            }
        }
        for prefix in ["call(\"", "url(\"", "wsUrl(\""] {
            for used in source.split(prefix).skip(1) {
                let used = used.split('"').next().unwrap();
                assert!(
                    table.iter().any(|e| e.name == used),
                    "{name} asks for endpoint {used}, which ENDPOINTS lacks"
                );
            }
        }
    }
}
