//! NUL, which PostgreSQL cannot store, sent in every text input the OpenAPI
//! document describes: each path and query parameter and each string of
//! each JSON body, one at a time, as a logged-in admin whose requests reach
//! every handler. Each is refused as the caller's mistake (400 naming the
//! parameter, 422 naming the field), never a 500.

use reqwest::{Method, Response};
use serde_json::{Map, Value, json};
use sqlx::PgPool;

use crate::{
    helpers::{TestApp, spawn_app},
    people::{self, admin, member},
};

/// What a request with NUL in one input is answered.
struct Refusal {
    status: u16,
    body: Value,
}

async fn refusal(res: Response) -> Refusal {
    Refusal {
        status: res.status().as_u16(),
        body: res.json().await.unwrap_or(Value::Null),
    }
}

/// Real values for the path parameters the document names, so a request
/// reaches its handler; only the parameter under test holds NUL. What the
/// setup makes none of (a link, a webhook, an item's index, a calendar
/// feed's file, a sign-in provider) gets a well-formed value naming nothing: its extractor
/// still runs, and a NUL elsewhere is refused before any lookup.
struct Ids {
    task: String,
    grantee: String,
    user: String,
    series: String,
    template: String,
}

impl Ids {
    fn of(&self, name: &str) -> &str {
        match name {
            "task_id" => &self.task,
            "username" => &self.grantee,
            "user_id" => &self.user,
            "id" => &self.series,
            "template_id" => &self.template,
            "index" => "0",
            "file" => "none.ics",
            "provider" => "none",
            other if other.ends_with("_id") => "00000000-0000-0000-0000-000000000000",
            other => panic!("no value for the path parameter {other}"),
        }
    }
}

/// `op`'s path with every parameter filled in, `hostile` (already
/// percent-encoded) in place of `target`.
fn fill(path: &str, ids: &Ids, target: Option<&str>, hostile: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        let name = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        out.push_str(if Some(name) == target {
            hostile
        } else {
            ids.of(name)
        });
        rest = &rest[close + 1..];
    }
    out + rest
}

/// Follows `$ref`s into the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => resolve(
            doc,
            &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        ),
        None => schema,
    }
}

/// A value of `schema`'s shape with every optional property present and
/// one item in every list, so that each string in it has a path.
fn example(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema[combinator].as_array().and_then(|alternatives| {
            alternatives
                .iter()
                .find(|s| resolve(doc, s)["type"] != "null")
        }) {
            return example(doc, first);
        }
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null").cloned(),
        Value::String(_) => Some(schema["type"].clone()),
        _ => schema["properties"].is_object().then(|| json!("object")),
    };
    match kind.as_ref().and_then(Value::as_str) {
        Some("object") => {
            let properties = schema["properties"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            Value::Object(
                properties
                    .iter()
                    .map(|(name, s)| (name.clone(), example(doc, s)))
                    .collect::<Map<_, _>>(),
            )
        }
        Some("array") => json!([example(doc, &schema["items"])]),
        Some("string") => json!("x"),
        Some("integer" | "number") => json!(1),
        Some("boolean") => json!(false),
        _ => Value::Null,
    }
}

/// The path of every string in `value`, as the API names fields.
fn string_paths(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(at.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_paths(item, &format!("{at}[{i}]"), out);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                let path = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                string_paths(item, &path, out);
            }
        }
        _ => {}
    }
}

/// `value` with the string at `path` replaced by `with`.
fn replace(value: &mut Value, path: &str, with: &Value) {
    let mut at = value;
    for step in path.split('.') {
        let (name, indexes) = step.split_once('[').unwrap_or((step, ""));
        at = &mut at[name];
        for index in indexes.split('[').filter(|i| !i.is_empty()) {
            at = &mut at[index.trim_end_matches(']').parse::<usize>().unwrap()];
        }
    }
    *at = with.clone();
}

async fn setup(app: &TestApp) -> (crate::helpers::Browser, Ids) {
    let ada = admin(app, "ada").await;
    member(app, "bob").await;
    let task = people::completed(app, &ada).await;
    let user = ada.get("/api/auth/me").await.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let series = ada.sessions().await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let template =
        json!({"name": "Retro", "sections": [{"kind": "summary", "heading": "Noticed"}]});
    let template = ada.post_json("/api/templates", &template).await;
    assert_eq!(template.status(), 201);
    let template = template.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids = Ids {
        task,
        grantee: "bob".into(),
        user,
        series,
        template,
    };
    (ada, ids)
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn nul_in_any_parameter_or_json_string_of_the_document_is_a_4xx_naming_it(db: PgPool) {
    let app = spawn_app(db).await;
    let doc = app.openapi().await;
    let (ada, ids) = setup(&app).await;
    let (mut parameters, mut strings) = (0, 0);

    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let send = |url: String, body: Option<String>| {
                let mut req = ada.request(method.clone(), &url).header("if-match", "*");
                if let Some(body) = body {
                    req = req.header("content-type", "application/json").body(body);
                }
                async move { refusal(req.send().await.unwrap()).await }
            };
            let json_schema = &op["requestBody"]["content"]["application/json"]["schema"];
            let valid_body = (!json_schema.is_null()).then(|| example(&doc, json_schema));
            let body_text = valid_body.as_ref().map(Value::to_string);

            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap();
                let (url, what) = match param["in"].as_str().unwrap() {
                    "path" => (fill(path, &ids, Some(name), "a%00b"), "path"),
                    "query" => (
                        format!("{}?{name}=a%00b", fill(path, &ids, None, "")),
                        "query",
                    ),
                    _ => continue,
                };
                let r = send(url.clone(), body_text.clone()).await;
                let message = r.body["error"]["message"].as_str().unwrap_or_default();
                assert_eq!(r.status, 400, "{method} {url}: {}", r.body);
                assert!(
                    message.contains(&format!("{what} parameter `{name}`")),
                    "{method} {url}: {}",
                    r.body
                );
                parameters += 1;
            }

            let Some(valid_body) = valid_body else {
                continue;
            };
            let url = fill(path, &ids, None, "");
            let mut fields = Vec::new();
            string_paths(&valid_body, "", &mut fields);
            for field in fields {
                let mut body = valid_body.clone();
                replace(&mut body, &field, &json!("a\u{0}b"));
                let r = send(url.clone(), Some(body.to_string())).await;
                assert_eq!(r.status, 422, "{method} {url} {field}: {}", r.body);
                assert_eq!(
                    r.body["error"]["fields"][&field],
                    json!(["nul_character"]),
                    "{method} {url} {field}: {}",
                    r.body
                );
                // A lone surrogate is no text either: not even JSON to serde.
                let mut body = valid_body.clone();
                replace(&mut body, &field, &json!("LONE_SURROGATE"));
                let text = body.to_string().replace("LONE_SURROGATE", "a\\ud800b");
                let r = send(url.clone(), Some(text)).await;
                assert_eq!(r.status, 400, "{method} {url} {field}: {}", r.body);
                strings += 1;
            }
        }
    }
    // The document's text inputs, at the time of writing: the walk saw them.
    assert!(parameters >= 30, "{parameters} parameters");
    assert!(strings >= 15, "{strings} JSON strings");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_inputs_that_reached_the_database_with_nul_are_refused(db: PgPool) {
    let app = spawn_app(db).await;
    let (ada, ids) = setup(&app).await;
    let task = &ids.task;
    let (minutes, _) = crate::minutes_edit::minutes_json(&ada, task, None).await;
    let mut retitled = minutes.clone();
    retitled["title"] = json!("Weekly\u{0}sync");
    let res = ada
        .request(Method::PUT, &format!("/api/tasks/{task}/minutes"))
        .header("if-match", "*")
        .json(&retitled)
        .send()
        .await
        .unwrap();
    let r = refusal(res).await;
    assert_eq!(
        (r.status, &r.body["error"]["fields"]),
        (422, &json!({"title": ["nul_character"]}))
    );

    let mut requests = vec![
        (Method::PUT, format!("/api/tasks/{task}/shares/a%00b")),
        (Method::DELETE, format!("/api/tasks/{task}/shares/a%00b")),
    ];
    for param in ["owner", "cursor"] {
        requests.push((Method::GET, format!("/api/admin/tasks?{param}=%00")));
    }
    for param in ["kind", "user", "cursor"] {
        requests.push((Method::GET, format!("/api/admin/audit?{param}=%00")));
    }
    for (method, url) in requests {
        let res = ada
            .request(method.clone(), &url)
            .json(&json!({"permission": "view"}))
            .send()
            .await
            .unwrap();
        let r = refusal(res).await;
        assert_eq!(r.status, 400, "{method} {url}: {}", r.body);
        assert_eq!(r.body["error"]["code"], "bad_request", "{method} {url}");
    }
    // Nothing was stored on the way.
    let (after, _) = crate::minutes_edit::minutes_json(&ada, task, None).await;
    assert_eq!(after, minutes);
}
