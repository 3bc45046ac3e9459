//! The task API as the tasks and login benches use it: a browser (cookie jar
//! and CSRF token), transcript uploads, and the `GET /api/tasks` load client.

use reqwest::{Client, Method, RequestBuilder, multipart::Part};
use serde_json::Value;

use crate::load::{self, Hit};

/// One browser: its cookie jar holds its series' newest cookies.
pub struct Browser {
    pub client: Client,
    base: String,
    csrf: Option<String>,
}

impl Browser {
    pub fn new(base: &str) -> Result<Self, String> {
        Ok(Self {
            client: load::client(true)?,
            base: base.to_owned(),
            csrf: None,
        })
    }

    /// `GET /api/session`, keeping the CSRF token for later unsafe requests
    /// (a login or registration changes it).
    pub async fn fetch_csrf(&mut self) -> Result<(), String> {
        let resp = self
            .client
            .get(format!("{}/api/session", self.base))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let body: Value = serde_json::from_str(&load::body(resp).await?)
            .map_err(|e| format!("GET /api/session: {e}"))?;
        let token = body["csrf_token"]
            .as_str()
            .ok_or_else(|| format!("GET /api/session: no csrf_token in {body}"))?;
        self.csrf = Some(token.to_owned());
        Ok(())
    }

    /// A request carrying the CSRF token, once there is one.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let req = self.client.request(method, format!("{}{path}", self.base));
        match &self.csrf {
            Some(token) => req.header("x-csrf-token", token),
            None => req,
        }
    }

    /// `POST /api/upload` with `part` as the field `file`; the new Task.
    pub async fn upload(&self, part: Part) -> Result<Value, String> {
        let form = reqwest::multipart::Form::new().part("file", part);
        let resp = self
            .request(Method::POST, "/api/upload")
            .multipart(form)
            .send()
            .await
            .map_err(|e| format!("upload: {e}"))?;
        if resp.status() != reqwest::StatusCode::CREATED {
            return Err(format!("upload: {}", load::body(resp).await?));
        }
        serde_json::from_str(&load::body(resp).await?).map_err(|e| format!("upload: {e}"))
    }

    /// Uploads `n` small `.txt` transcripts. Without a CSRF token the first
    /// goes without one (a browser without cookies needs none) and the token
    /// is fetched after it.
    pub async fn upload_transcripts(&mut self, n: usize) -> Result<(), String> {
        for i in 0..n {
            let text = format!(
                "Alice: Meeting {i}. We agreed to ship the release on Monday.\n\
                 Bob: I will write the release notes by Friday.\n"
            );
            let part = Part::bytes(text.into_bytes())
                .file_name(format!("meeting-{i}.txt"))
                .mime_str("text/plain")
                .map_err(|e| e.to_string())?;
            self.upload(part).await?;
            if self.csrf.is_none() {
                self.fetch_csrf().await?;
            }
        }
        Ok(())
    }

    /// The first page of `GET /api/tasks`.
    pub async fn tasks(&self) -> Result<Vec<Value>, String> {
        let resp = self
            .request(Method::GET, "/api/tasks")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let mut body: Value = serde_json::from_str(&load::body(resp).await?)
            .map_err(|e| format!("GET /api/tasks: {e}"))?;
        match body["tasks"].take() {
            Value::Array(tasks) => Ok(tasks),
            other => Err(format!("GET /api/tasks: no task list but {other}")),
        }
    }

    /// A load client repeating `GET /api/tasks` with this browser's cookies.
    pub fn lister(&self) -> TaskLister {
        TaskLister {
            client: self.client.clone(),
            url: format!("{}/api/tasks", self.base),
        }
    }
}

/// `GET /api/tasks` with a browser's session; the body is read, not parsed.
#[derive(Clone)]
pub struct TaskLister {
    client: Client,
    url: String,
}

// Some targets use the api module without these.
#[allow(dead_code)]
impl TaskLister {
    pub fn new(client: Client, url: String) -> Self {
        Self { client, url }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// One `GET`; the body of a successful answer.
    pub async fn get(&self) -> Result<String, String> {
        let resp = self
            .client
            .get(&self.url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        load::body(resp).await
    }
}

impl Hit for TaskLister {
    async fn hit(&mut self) -> Result<(), String> {
        self.get().await.map(drop)
    }
}
