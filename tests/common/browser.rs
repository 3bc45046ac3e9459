//! A cookie-aware `Browser` with one method per endpoint, at any address:
//! an app spawned by a test, one instance of a cluster or its balancer.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::{
    ClientBuilder, Method, RequestBuilder, Response, Url,
    cookie::{CookieStore, Jar},
    multipart::{Form, Part},
};
use serde_json::Value;

/// A minimal WAV file: the RIFF/WAVE header and an empty data chunk.
pub const WAV: &[u8] =
    b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0\x02\0\x10\0data\0\0\0\0";

pub struct Browser {
    pub client: reqwest::Client,
    jar: Arc<Jar>,
    base: Url,
    csrf: Arc<Mutex<Option<String>>>,
}

pub struct Cookies {
    pub sid: Option<String>,
    pub rt: Option<String>,
}

impl Browser {
    /// A new browser at `base`, its client built from `client` (for settings
    /// such as default headers): its own cookie jar, nothing shared with any
    /// other.
    pub fn new(base: Url, client: ClientBuilder) -> Self {
        let jar = Arc::new(Jar::default());
        Browser {
            client: client.cookie_provider(jar.clone()).build().unwrap(),
            jar,
            base,
            csrf: Arc::default(),
        }
    }

    /// This same browser, its cookies and CSRF token shared, talking to
    /// `base`: another instance of the same service. Cookies do not depend
    /// on the port, so instances on one host see one jar.
    pub fn at(&self, base: &Url) -> Self {
        Browser {
            client: self.client.clone(),
            jar: self.jar.clone(),
            base: base.clone(),
            csrf: self.csrf.clone(),
        }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut req = self.client.request(method, self.base.join(path).unwrap());
        if let Some(token) = self.csrf() {
            req = req.header("x-csrf-token", token);
        }
        req
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn post(&self, path: &str) -> Response {
        self.request(Method::POST, path).send().await.unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path).send().await.unwrap()
    }

    /// `GET /api/session`, remembering the CSRF token for later unsafe requests.
    pub async fn session(&self) -> Value {
        let res = self.get("/api/session").await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        self.set_csrf(body["csrf_token"].as_str());
        body
    }

    pub async fn refresh(&self) -> Response {
        self.post("/api/session/refresh").await
    }

    pub async fn sessions(&self) -> Value {
        let res = self.get("/api/sessions").await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// `POST /api/upload` with `bytes` as the multipart field `file`.
    pub async fn upload(&self, filename: &str, content_type: &str, bytes: &[u8]) -> Response {
        self.try_upload(filename, content_type, bytes)
            .await
            .unwrap()
    }

    /// `upload`, where failing to get an answer at all is an outcome too.
    pub async fn try_upload(
        &self,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> reqwest::Result<Response> {
        let part = Part::bytes(bytes.to_vec())
            .file_name(filename.to_owned())
            .mime_str(content_type)
            .unwrap();
        self.request(Method::POST, "/api/upload")
            .multipart(Form::new().part("file", part))
            .send()
            .await
    }

    pub async fn upload_form(&self, form: Form) -> Response {
        self.request(Method::POST, "/api/upload")
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Uploads a small transcript, expecting 201; returns the Task.
    pub async fn upload_ok(&self, filename: &str, text: &str) -> Value {
        let res = self.upload(filename, "text/plain", text.as_bytes()).await;
        assert_eq!(res.status(), 201, "{filename}");
        res.json().await.unwrap()
    }

    /// `GET /api/tasks` with a query string such as `?limit=2`.
    pub async fn tasks_page(&self, query: &str) -> Response {
        self.get(&format!("/api/tasks{query}")).await
    }

    pub async fn tasks(&self) -> Value {
        let res = self.tasks_page("").await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    pub async fn task(&self, task_id: &str) -> Response {
        self.get(&format!("/api/tasks/{task_id}")).await
    }

    pub async fn delete_task(&self, task_id: &str) -> Response {
        self.delete(&format!("/api/tasks/{task_id}")).await
    }

    pub async fn media(&self, task_id: &str) -> Response {
        self.get(&format!("/api/tasks/{task_id}/media")).await
    }

    /// `PUT /api/tasks/{task}/shares/{user}`.
    pub async fn share(&self, task: &str, user: &str, permission: &str) -> Response {
        self.request(Method::PUT, &format!("/api/tasks/{task}/shares/{user}"))
            .json(&serde_json::json!({ "permission": permission }))
            .send()
            .await
            .unwrap()
    }

    /// `DELETE /api/tasks/{task}/shares/{user}`.
    pub async fn unshare(&self, task: &str, user: &str) -> Response {
        self.delete(&format!("/api/tasks/{task}/shares/{user}"))
            .await
    }

    pub fn set_csrf(&self, token: Option<&str>) {
        *self.csrf.lock().unwrap() = token.map(str::to_owned);
    }

    /// The CSRF token this browser sends with unsafe requests.
    pub fn csrf(&self) -> Option<String> {
        self.csrf.lock().unwrap().clone()
    }

    /// The session cookies this browser would send now.
    pub fn cookies(&self) -> Cookies {
        let header = self
            .jar
            .cookies(&self.base)
            .map(|h| h.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let get = |name: &str| {
            header
                .split("; ")
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .map(str::to_owned)
        };
        Cookies {
            sid: get("sid"),
            rt: get("rt"),
        }
    }

    /// The session cookies as a `Cookie` header value, for requests made
    /// outside this client (a WebSocket handshake).
    pub fn cookie_header(&self) -> String {
        let cookies = self.cookies();
        [("sid", cookies.sid), ("rt", cookies.rt)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sets cookies as an attacker (or a restored backup) would.
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &self.base);
    }

    pub fn drop_cookie(&self, name: &str) {
        self.jar
            .add_cookie_str(&format!("{name}=; Path=/; Max-Age=0"), &self.base);
    }
}

/// The `error.code` of a JSON error response.
pub async fn error_code(res: Response) -> String {
    let body: Value = res.json().await.unwrap();
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Accounts (`/api/auth/*`). A success that starts a new series fetches its
/// CSRF token at once, as the frontend does.
impl Browser {
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn with_new_series(&self, res: Response) -> Response {
        if res.status().is_success() {
            self.session().await;
        }
        res
    }

    pub async fn register(&self, username: &str, password: &str) -> Response {
        let body = serde_json::json!({ "username": username, "password": password });
        let res = self.post_json("/api/auth/register", &body).await;
        self.with_new_series(res).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        let body = serde_json::json!({ "username": username, "password": password });
        let res = self.post_json("/api/auth/login", &body).await;
        self.with_new_series(res).await
    }

    pub async fn logout(&self) -> Response {
        self.post("/api/auth/logout").await
    }

    pub async fn me(&self) -> Response {
        self.get("/api/auth/me").await
    }

    pub async fn change_password(&self, current: &str, new: &str) -> Response {
        let body = serde_json::json!({ "current_password": current, "new_password": new });
        let res = self.post_json("/api/auth/password", &body).await;
        self.with_new_series(res).await
    }
}

/// Processing results.
impl Browser {
    /// Polls the task until it is completed or failed (30 s at most).
    pub async fn finished_task(&self, task_id: &str) -> Value {
        for _ in 0..300 {
            let task: Value = self.task(task_id).await.json().await.unwrap();
            if task["status"] == "completed" || task["status"] == "failed" {
                return task;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("task {task_id} did not finish within 30 s");
    }

    pub async fn minutes(&self, task_id: &str, format: &str) -> Response {
        self.get(&format!("/api/tasks/{task_id}/minutes?format={format}"))
            .await
    }
}
