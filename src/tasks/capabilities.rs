//! `GET /api/capabilities`: what this server can do with an upload, so a
//! page offers only what will work — recordings only with a transcription
//! backend configured, the size limits, the extensions each kind takes —
//! and refuses the rest before sending a byte.

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{TasksState, sniff};

pub(super) fn router() -> OpenApiRouter<TasksState> {
    OpenApiRouter::new().routes(routes!(capabilities))
}

/// The file name extensions each kind of upload takes.
#[derive(Serialize, ToSchema)]
struct Formats {
    /// Audio and video; empty when `recordings` is false.
    #[schema(example = json!(["wav", "mp3"]))]
    recordings: Vec<&'static str>,
    /// Transcripts (`json`: Whisper `verbose_json`).
    #[schema(example = json!(["txt", "md", "srt", "vtt", "json"]))]
    transcripts: Vec<&'static str>,
}

#[derive(Serialize, ToSchema)]
struct Capabilities {
    /// Whether recordings are accepted: a transcription backend is
    /// configured. Without one, `POST /api/upload` refuses a recording with
    /// 415 `transcription_unavailable`.
    recordings: bool,
    /// The largest upload, in bytes (`storage.max_upload_bytes`).
    max_upload_bytes: u64,
    /// What all of an anonymous session's uploads may take together, in
    /// bytes (`storage.max_anonymous_bytes`); logging in lifts it.
    max_anonymous_bytes: u64,
    formats: Formats,
}

/// Needs no session and starts none.
#[utoipa::path(
    get,
    path = "/api/capabilities",
    operation_id = "get_capabilities",
    tag = "tasks",
    security(()),
    responses((status = 200, description = "What uploads this server accepts", body = Capabilities)),
)]
async fn capabilities(State(state): State<TasksState>) -> Json<Capabilities> {
    let recordings = if state.recordings {
        sniff::MEDIA_EXTENSIONS.to_vec()
    } else {
        Vec::new()
    };
    Json(Capabilities {
        recordings: state.recordings,
        max_upload_bytes: state.storage.max_upload_bytes,
        max_anonymous_bytes: state.storage.max_anonymous_bytes,
        formats: Formats {
            recordings,
            transcripts: sniff::TRANSCRIPT_EXTENSIONS.to_vec(),
        },
    })
}
