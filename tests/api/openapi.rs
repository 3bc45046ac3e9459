use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::spawn_app;

/// Every endpoint of DESIGN section 4 the service implements, with its methods.
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
    ("/api/upload", &["post"]),
    ("/api/tasks", &["get"]),
    ("/api/tasks/{task_id}", &["get", "delete"]),
    ("/api/tasks/{task_id}/media", &["get"]),
    ("/api/tasks/{task_id}/minutes", &["get"]),
    ("/api/tasks/{task_id}/retry", &["post"]),
    ("/ws/{task_id}", &["get"]),
    ("/healthz", &["get"]),
    ("/readyz", &["get"]),
    ("/metrics", &["get"]),
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

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn docs_page_is_html(db: PgPool) {
    let app = spawn_app(db).await;
    let res = app.browser().get("/docs").await;
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let body = res.text().await.unwrap();
    assert!(
        body.contains("/api/auth/login"),
        "the page embeds the document"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn task_status_and_stage_are_enums_in_the_document(db: PgPool) {
    let app = spawn_app(db).await;
    let doc: Value = app
        .browser()
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .unwrap();
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
