use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::spawn_app;

/// Every endpoint the service implements (docs/api.md), with its methods.
const ENDPOINTS: &[(&str, &[&str])] = &[
    ("/api/session", &["get"]),
    ("/api/session/refresh", &["post"]),
    ("/api/sessions", &["get"]),
    ("/api/sessions/{id}", &["delete"]),
    ("/api/sessions/revoke-others", &["post"]),
    ("/api/auth/register", &["post"]),
    ("/api/auth/login", &["post"]),
    ("/api/auth/logout", &["post"]),
    ("/api/auth/me", &["get"]),
    ("/api/auth/password", &["post"]),
    ("/api/auth/reauthenticate", &["post"]),
    ("/api/auth/login/second-factor", &["post"]),
    ("/api/auth/two-factor", &["get"]),
    ("/api/auth/two-factor/setup", &["post"]),
    ("/api/auth/two-factor/setup/qr.svg", &["get"]),
    ("/api/auth/two-factor/confirm", &["post"]),
    ("/api/auth/two-factor/disable", &["post"]),
    ("/api/auth/trusted-browsers", &["get"]),
    ("/api/auth/trusted-browsers/{id}", &["delete"]),
    ("/api/auth/passkeys", &["get"]),
    ("/api/auth/passkeys/{id}", &["patch", "delete"]),
    ("/api/auth/passkeys/register/begin", &["post"]),
    ("/api/auth/passkeys/register/finish", &["post"]),
    ("/api/auth/passkeys/sign-in/begin", &["post"]),
    ("/api/auth/passkeys/sign-in/finish", &["post"]),
    ("/api/auth/reauthenticate/passkey/begin", &["post"]),
    ("/api/auth/reauthenticate/passkey/finish", &["post"]),
    ("/api/auth/notices", &["get"]),
    ("/api/auth/notices/{id}", &["delete"]),
    ("/api/auth/oidc/providers", &["get"]),
    ("/api/auth/oidc/{provider}/start", &["get"]),
    ("/api/auth/oidc/{provider}/callback", &["get"]),
    ("/api/auth/oidc/{provider}/link", &["post"]),
    ("/api/account/identities", &["get"]),
    ("/api/account/identities/{provider}", &["delete"]),
    ("/api/upload", &["post"]),
    ("/api/tasks", &["get"]),
    ("/api/search", &["get"]),
    ("/api/capabilities", &["get"]),
    ("/api/tasks/{task_id}", &["get", "delete"]),
    ("/api/tasks/{task_id}/media", &["get"]),
    ("/api/tasks/{task_id}/minutes", &["get", "put"]),
    ("/api/tasks/{task_id}/minutes/revisions", &["get"]),
    ("/api/tasks/{task_id}/minutes/regenerate", &["post"]),
    ("/api/templates", &["get", "post"]),
    ("/api/templates/{template_id}", &["get", "put", "delete"]),
    ("/api/tasks/{task_id}/retry", &["post"]),
    ("/ws/{task_id}", &["get"]),
    ("/api/tasks/{task_id}/shares", &["get"]),
    ("/api/tasks/{task_id}/shares/{username}", &["put", "delete"]),
    ("/api/admin/users", &["get"]),
    ("/api/admin/users/{user_id}", &["patch"]),
    ("/api/admin/users/{user_id}/sessions", &["delete"]),
    ("/api/admin/tasks", &["get"]),
    (
        "/api/admin/tasks/{task_id}/shares/{username}",
        &["put", "delete"],
    ),
    ("/api/admin/audit", &["get"]),
    ("/api/admin/users/{user_id}/tokens", &["get"]),
    ("/api/admin/tokens/{token_id}", &["delete"]),
    ("/api/tokens", &["get", "post"]),
    ("/api/tokens/{token_id}", &["delete"]),
    ("/api/action-items", &["get"]),
    ("/api/action-items/names", &["get", "put"]),
    ("/api/action-items/feed", &["get", "post", "delete"]),
    ("/api/tasks/{task_id}/action-items/{index}", &["patch"]),
    ("/ics/{file}", &["get"]),
    ("/api/tasks/{task_id}/links", &["get", "post"]),
    ("/api/tasks/{task_id}/links/policy", &["put"]),
    ("/api/links/{link_id}", &["delete"]),
    ("/api/links/view", &["post"]),
    ("/api/links/recording", &["post"]),
    ("/api/webhooks", &["get", "post"]),
    ("/api/webhooks/{webhook_id}", &["patch", "delete"]),
    ("/api/webhooks/{webhook_id}/rotate", &["post"]),
    ("/api/webhooks/{webhook_id}/test", &["post"]),
    ("/api/webhooks/{webhook_id}/deliveries", &["get"]),
    (
        "/api/webhooks/deliveries/{delivery_id}/redeliver",
        &["post"],
    ),
    ("/ws", &["get"]),
    ("/healthz", &["get"]),
    ("/readyz", &["get"]),
];

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn openapi_document_is_3_1_and_describes_every_endpoint(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let doc: Value = res.json().await.unwrap();

    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1"), "openapi {version}");
    assert_eq!(doc["info"]["title"], "minutes");
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in ENDPOINTS {
        let item = paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is missing"));
        for method in *methods {
            assert!(item.get(*method).is_some(), "{method} {path} is missing");
        }
    }
    assert_eq!(
        paths.len(),
        ENDPOINTS.len(),
        "undocumented test entries or unexpected paths: {:?}",
        paths.keys().collect::<Vec<_>>()
    );
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for scheme in ["session", "refresh", "csrf"] {
        assert!(schemes.contains_key(scheme), "security scheme {scheme}");
    }
}

/// The router itself is the registry: every documented operation is served
/// (the router's own 404/405 never answers it), whatever its parameters.
#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn every_documented_operation_is_served(db: PgPool) {
    let app = spawn_app(db).await;
    let doc = app.openapi().await;
    let browser = app.browser();
    browser.session().await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    uuid::Uuid::new_v4().to_string()
                } else {
                    seg.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let Ok(method) = method.to_uppercase().parse::<reqwest::Method>() else {
                continue;
            };
            let res = browser
                .request(method.clone(), &concrete)
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert_ne!(status, 405, "{method} {path} is documented but not routed");
            if status == 404 {
                let body: Value = res.json().await.unwrap();
                assert_ne!(
                    body["error"]["code"], "not_found",
                    "{method} {path} is documented but the router does not know it"
                );
            }
        }
    }
}

/// `/docs` is Swagger UI served entirely by the binary: the page, its
/// script and styles come from this origin, under a CSP that allows nothing
/// else, and it reads this service's document.
#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn docs_page_is_served_by_the_binary_under_a_strict_csp(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    let res = browser.get("/docs").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.url().path(), "/docs/");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("http"), "no third-party origin: {csp}");
    let page = res.text().await.unwrap();
    for asset in page
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css"))
    {
        assert!(!asset.contains("//"), "an asset from elsewhere: {asset}");
        let res = browser
            .get(&format!("/docs/{}", asset.trim_start_matches("./")))
            .await;
        assert_eq!(res.status(), 200, "{asset}");
    }
    let init = browser
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/openapi.json"), "{init}");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn task_status_and_stage_are_enums_in_the_document(db: PgPool) {
    let app = spawn_app(db).await;
    let doc = app.openapi().await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Status"]["enum"],
        serde_json::json!(["queued", "processing", "completed", "failed"]),
        "{}",
        schemas["Status"]
    );
    assert_eq!(
        schemas["Stage"]["enum"],
        serde_json::json!(["transcribing", "summarizing"]),
        "{}",
        schemas["Stage"]
    );
}
