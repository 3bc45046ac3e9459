//! What the API fuzzer (scripts/test-api-fuzz) found, each as the request it
//! sent: a body of the wrong JSON type, a query parameter the operation does
//! not have, an upload with parts besides `file`; and the document stating
//! what the layers answer.

use reqwest::{
    Method,
    multipart::{Form, Part},
};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_json_array_where_an_object_is_described_is_422(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    // serde reads `LoginBody` from `["name", "password"]` as well; refused first.
    let res = browser
        .post_json(
            "/api/auth/login",
            &json!(["someone", "a-password-long-enough"]),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_code(res).await, "validation_failed");
    let res = browser
        .post_json("/api/auth/register", &json!([null, null]))
        .await;
    assert_eq!(res.status(), 422);
    // An object of the wrong shape is still 422, a body that is not JSON 400.
    let res = browser
        .post_json("/api/auth/login", &json!({"username": 1}))
        .await;
    assert_eq!(res.status(), 422);
    let res = browser
        .request(Method::POST, "/api/auth/login")
        .header("content-type", "application/json")
        .body("\0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_unknown_query_parameter_is_400(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    assert_eq!(browser.get("/api/tasks?limit=5").await.status(), 200);
    let res = browser.get("/api/tasks?limit=5&x-unknown=42").await;
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(res).await, "bad_request");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_upload_with_a_part_besides_file_is_400_and_stores_nothing(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let file = || Part::bytes(b"Alice: hello".to_vec()).file_name("a.txt");
    for form in [
        Form::new().text("title", "weekly").part("file", file()),
        Form::new().part("file", file()).text("title", "weekly"),
    ] {
        let res = browser.upload_form(form).await;
        assert_eq!(res.status(), 400);
        assert_eq!(error_code(res).await, "unexpected_part");
    }
    assert!(app.stored_files().is_empty());
    assert_eq!(app.count("SELECT count(*) FROM tasks").await, 0);
    let res = browser.upload_form(Form::new().part("file", file())).await;
    assert_eq!(res.status(), 201);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_document_lists_what_the_layers_answer(db: PgPool) {
    let app = spawn_app(db).await;
    let doc = app.openapi().await;
    let op = |path: &str, method: &str| doc["paths"][path][method].clone();
    let statuses = |op: &Value| -> Vec<String> {
        op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    // A JSON body: not JSON (400), not sent as JSON (415), the wrong shape (422).
    let login = op("/api/auth/login", "post");
    for status in ["400", "415", "422"] {
        assert!(
            statuses(&login).contains(&status.to_owned()),
            "login {status}"
        );
    }
    // A path parameter that does not parse: 400.
    assert!(statuses(&op("/api/tasks/{task_id}", "get")).contains(&"400".to_owned()));
    // The refresh token authenticates wherever the session ID does; an
    // API token where the operation is open to tokens.
    let security = op("/api/auth/me", "get")["security"].clone();
    assert_eq!(
        security,
        json!([{"session": []}, {"refresh": []}, {"bearer": []}])
    );
    // The upload form has only `file`; `format` only its values.
    let form =
        &op("/api/upload", "post")["requestBody"]["content"]["multipart/form-data"]["schema"];
    let form = if let Some(r) = form["$ref"].as_str() {
        doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone()
    } else {
        form.clone()
    };
    assert_eq!(form["additionalProperties"], json!(false));
}
