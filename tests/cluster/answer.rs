//! How a request was answered, kept for the report: the checks send
//! requests that may get no answer at all while a fault is on.

use std::time::Instant;

use reqwest::Response;
use serde_json::Value;

pub struct Answer {
    /// The status, or why there was none.
    pub status: Result<u16, String>,
    pub body: Value,
    /// Seconds from sending to the whole body read.
    pub took: f64,
}

impl Answer {
    pub async fn of(req: impl Future<Output = reqwest::Result<Response>>) -> Self {
        let started = Instant::now();
        let (status, body) = match req.await {
            Ok(res) => (
                Ok(res.status().as_u16()),
                res.json().await.unwrap_or_default(),
            ),
            Err(e) => (Err(e.to_string()), Value::Null),
        };
        Answer {
            status,
            body,
            took: started.elapsed().as_secs_f64(),
        }
    }

    pub fn is(&self, status: u16) -> bool {
        self.status == Ok(status)
    }

    /// The status, or "error …".
    pub fn shown(&self) -> String {
        match &self.status {
            Ok(status) => status.to_string(),
            Err(e) => format!("error {e}"),
        }
    }

    /// The `error.code` of an error body.
    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }

    /// The id of the task a 201 created.
    pub fn task_id(&self) -> Option<&str> {
        self.body["task_id"].as_str().filter(|_| self.is(201))
    }
}

impl std::fmt::Debug for Answer {
    /// `503 "database_unavailable" 0.1 s`, as the checks print answers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?} {:.1} s", self.shown(), self.code(), self.took)
    }
}
