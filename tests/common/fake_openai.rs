//! A fake OpenAI-compatible server speaking the real wire protocol: multipart
//! `POST /v1/audio/transcriptions` and JSON `POST /v1/chat/completions`. Each
//! endpoint answers from a script of (status, body) replies, then with a
//! standing reply, after an optional delay, and records what it was sent.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Json, Router,
    extract::{Multipart, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::post,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub authorization: Option<String>,
    /// Multipart text fields, or the JSON body's top-level fields.
    pub fields: Value,
    pub file_bytes: usize,
}

#[derive(Default)]
struct Script {
    replies: VecDeque<(u16, String)>,
    /// The reply once `replies` is used up; a 500 without it.
    standing: Option<(u16, String)>,
    delay: Duration,
    received: Vec<Received>,
}

#[derive(Clone, Default)]
pub struct FakeOpenAi(Arc<Mutex<Script>>);

impl FakeOpenAi {
    /// Starts the server on a free port; returns it and its base URL.
    pub async fn start() -> (Self, String) {
        Self::start_on(0).await
    }

    /// Starts the server on `port` of loopback, where running services
    /// were told to find it; returns it and its base URL.
    pub async fn start_on(port: u16) -> (Self, String) {
        let fake = Self::default();
        let app = Router::new()
            .route("/v1/audio/transcriptions", post(transcriptions))
            .route("/v1/chat/completions", post(chat))
            .with_state(fake.clone());
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (fake, url)
    }

    pub fn reply(&self, status: u16, body: impl Into<String>) -> &Self {
        self.0
            .lock()
            .unwrap()
            .replies
            .push_back((status, body.into()));
        self
    }

    /// The reply to every request once the scripted ones are used up.
    pub fn reply_always(&self, status: u16, body: impl Into<String>) -> &Self {
        self.0.lock().unwrap().standing = Some((status, body.into()));
        self
    }

    /// How long each request taken from now on waits before its answer, as
    /// a slow backend would.
    pub fn set_delay(&self, delay: Duration) {
        self.0.lock().unwrap().delay = delay;
    }

    pub fn received(&self) -> Vec<Received> {
        self.0.lock().unwrap().received.clone()
    }

    /// Records the request first: one whose client goes away during the
    /// delay still counts.
    async fn answer(&self, received: Received) -> (StatusCode, String) {
        let ((status, body), delay) = {
            let mut script = self.0.lock().unwrap();
            script.received.push(received);
            let reply = match script.replies.pop_front() {
                Some(reply) => reply,
                None => script
                    .standing
                    .clone()
                    .unwrap_or((500, "no scripted reply".into())),
            };
            (reply, script.delay)
        };
        tokio::time::sleep(delay).await;
        (StatusCode::from_u16(status).unwrap(), body)
    }
}

fn authorization(headers: &HeaderMap) -> Option<String> {
    headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned())
}

async fn transcriptions(
    State(fake): State<FakeOpenAi>,
    headers: HeaderMap,
    mut form: Multipart,
) -> impl IntoResponse {
    let mut fields = serde_json::Map::new();
    let mut file_bytes = 0;
    while let Some(field) = form.next_field().await.unwrap() {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            file_bytes = field.bytes().await.unwrap().len();
        } else {
            fields.insert(name, Value::String(field.text().await.unwrap()));
        }
    }
    fake.answer(Received {
        authorization: authorization(&headers),
        fields: Value::Object(fields),
        file_bytes,
    })
    .await
}

async fn chat(
    State(fake): State<FakeOpenAi>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> impl IntoResponse {
    fake.answer(Received {
        authorization: authorization(&headers),
        fields: body,
        file_bytes: 0,
    })
    .await
}

/// Whisper's `verbose_json` for the given segments.
pub fn whisper_json(segments: &[(f64, f64, &str)]) -> String {
    verbose_json(
        segments
            .iter()
            .map(|&(start, end, text)| (start, end, None, text)),
    )
}

/// WhisperX-style `verbose_json`: Whisper's segments with a diarizer's
/// `speaker` (`SPEAKER_00`), as `(start, end, speaker, text)`.
pub fn whisperx_json(segments: &[(f64, f64, &str, &str)]) -> String {
    verbose_json(
        segments
            .iter()
            .map(|&(start, end, who, text)| (start, end, Some(who), text)),
    )
}

fn verbose_json<'a>(
    segments: impl Iterator<Item = (f64, f64, Option<&'a str>, &'a str)>,
) -> String {
    let mut texts = Vec::new();
    let segs: Vec<Value> = segments
        .enumerate()
        .map(|(id, (start, end, speaker, text))| {
            texts.push(text);
            let mut segment = json!({"id": id, "start": start, "end": end, "text": text});
            if let Some(speaker) = speaker {
                segment["speaker"] = json!(speaker);
            }
            segment
        })
        .collect();
    json!({"task": "transcribe", "language": "en", "text": texts.join(" "), "segments": segs})
        .to_string()
}

/// A chat completion whose message content is `content`.
pub fn chat_completion(content: &str) -> String {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]
    })
    .to_string()
}

/// OpenAI's `diarized_json` (`gpt-4o-transcribe-diarize`): segments with a
/// `speaker` label each, as `(start, end, speaker, text)`.
pub fn diarized_json(segments: &[(f64, f64, &str, &str)]) -> String {
    let segs: Vec<Value> = segments
        .iter()
        .enumerate()
        .map(|(i, (start, end, speaker, text))| {
            json!({"type": "transcript.text.segment", "id": format!("seg_{i}"),
                   "start": start, "end": end, "speaker": speaker, "text": text})
        })
        .collect();
    let text: Vec<&str> = segments.iter().map(|s| s.3).collect();
    json!({"task": "transcribe", "duration": segments.last().map_or(0.0, |s| s.1),
           "text": text.join(" "), "segments": segs,
           "usage": {"type": "duration", "seconds": 13}})
    .to_string()
}
