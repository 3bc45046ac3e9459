//! `POST /api/upload`: streams the multipart field `file` into the upload
//! store chunk by chunk (never the whole file in memory), refuses it past
//! `storage.max_upload_bytes` or when it is not a format we process, then
//! records the task and its job. A refused or failed upload leaves no file.

use anyhow::Context as _;
use axum::{
    Json,
    extract::{DefaultBodyLimit, Multipart, State, multipart::Field, multipart::MultipartError},
    http::StatusCode,
};
use tokio::io::AsyncWriteExt;
use tracing::Instrument as _;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    TasksState, Viewer, errors, filename,
    model::{Task, TaskRow},
    queries::{self, NewTask},
    sniff::{self, Accepted},
};
use crate::{
    error::{ApiError, ErrorResponse, Result},
    session::SessionHandle,
    storage::{StorageKey, UploadStore, Uploads},
    summary::Template,
    templates,
};

/// What Whisper's `verbose_json` has and other JSON does not.
const SEGMENTS_KEY: &[u8] = b"\"segments\"";

/// The multipart part naming a template.
const TEMPLATE_PART: &str = "template";

/// The multipart form `upload` reads, for the OpenAPI document only: the
/// handler streams the parts itself.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(dead_code, reason = "describes the form; never built")]
struct UploadForm {
    /// Audio, video, or a .txt, .md, .srt, .vtt or Whisper `verbose_json`
    /// transcript. A form with any other part is refused (400
    /// `unexpected_part`).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Optional, before or after `file`: the id of a template (a built-in,
    /// or one of the caller's own; `GET /api/templates`) that decides the
    /// minutes' sections and headings. Empty means the default. An unknown
    /// one is refused (404 `unknown_template`) and nothing is stored.
    #[schema(nullable = false)]
    template: Option<String>,
}

/// Room for the multipart framing around the file (boundaries, part headers,
/// small extra fields); the file itself is counted while streaming.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// `POST /api/upload`, with a body limit of its own.
pub(super) fn router(max_upload_bytes: u64) -> OpenApiRouter<TasksState> {
    let body_limit = max_upload_bytes.saturating_add(MULTIPART_OVERHEAD);
    let body_limit = usize::try_from(body_limit).unwrap_or(usize::MAX);
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(body_limit))
}

/// Starts a session only once the upload is accepted: a refused upload from a
/// browser without cookies creates nothing.
#[utoipa::path(
    post,
    path = "/api/upload",
    tag = "tasks",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Stored and queued; starts a session if there was none", body = Task),
        (status = 400, description = "`missing_file`, `unexpected_part` (a part other than `file` and `template`, or either twice) or `bad_request` (malformed multipart)", body = ErrorResponse),
        (status = 403, description = "`csrf_failed` or `origin_not_allowed`", body = ErrorResponse),
        (status = 413, description = "`too_large`: over `storage.max_upload_bytes`", body = ErrorResponse),
        (status = 415, description = "`unsupported_media_type`: a type this service does not read; \
`empty_file`; `content_mismatch`: the contents are not what the name's extension says (a renamed \
file); `transcription_unavailable`: a recording, and no transcription backend configured \
(`GET /api/capabilities` says so beforehand)", body = ErrorResponse),
        (status = 404, description = "`unknown_template`: the `template` part names neither a built-in nor one of the caller's templates", body = ErrorResponse),
        (status = 503, description = "`storage_unavailable` or `database_unavailable`: try again later", body = ErrorResponse),
    ),
)]
#[tracing::instrument(skip_all)]
async fn upload(
    State(state): State<TasksState>,
    session: SessionHandle,
    mut multipart: Multipart,
) -> Result<(StatusCode, Json<Task>)> {
    // `file`, and optionally `template` before or after it; any other part,
    // or a second of either, is refused.
    let mut template = None;
    let mut field = loop {
        match multipart.next_field().await.map_err(multipart_error)? {
            Some(field) if field.name() == Some("file") => break field,
            Some(field) if field.name() == Some(TEMPLATE_PART) && template.is_none() => {
                template = Some(chosen_template(&state, &session, field).await?);
            }
            Some(_) => return Err(errors::unexpected_part()),
            None => return Err(errors::missing_file()),
        }
    };
    let filename = filename::sanitize(field.file_name());
    let client_type = field.content_type().map(str::to_owned);
    let mut size = Size::new(limit(&state, &session).await?);

    let head = read_head(&mut field, &mut size).await?;
    let accepted =
        sniff::classify(&filename, client_type.as_deref(), &head).map_err(errors::refused)?;
    if accepted.recording && !state.recordings {
        return Err(errors::transcription_unavailable());
    }
    let key = StorageKey::generate();
    let mut pending = state
        .uploads
        .create(key)
        .await
        .map_err(errors::store_failed("creating an upload"))?;
    // An early return drops `pending`, which removes the partial file.
    write_all(&mut pending, &head).await?;
    stream_rest(&mut field, &mut pending, &mut size, &accepted, &head).await?;
    drop(field);
    match multipart.next_field().await.map_err(multipart_error)? {
        Some(field) if field.name() == Some(TEMPLATE_PART) && template.is_none() => {
            template = Some(chosen_template(&state, &session, field).await?);
        }
        Some(_) => return Err(errors::unexpected_part()),
        None => {}
    }
    if multipart
        .next_field()
        .await
        .map_err(multipart_error)?
        .is_some()
    {
        return Err(errors::unexpected_part());
    }

    // The client may go away at any point; from here on the work runs to its
    // end regardless, so no file is left without its task nor a task without
    // its file.
    let received = Received {
        pending,
        key,
        filename,
        content_type: accepted.content_type,
        size: size.total,
        template: template.flatten(),
    };
    let row = tokio::spawn(keep(state, session, received).in_current_span())
        .await
        .context("recording an upload")??;
    tracing::info!(task_id = %row.id, size = size.total, "upload stored");
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// An upload received in full, not yet in place.
struct Received {
    pending: <Uploads as UploadStore>::Pending,
    key: StorageKey,
    filename: String,
    content_type: String,
    size: u64,
    /// The chosen template, as it is now.
    template: Option<Template>,
}

/// Moves the file into place and records its task and job; if recording
/// fails the file is removed again.
async fn keep(state: TasksState, session: SessionHandle, upload: Received) -> Result<TaskRow> {
    let key = upload.key;
    state
        .uploads
        .finish(upload.pending)
        .await
        .map_err(errors::store_failed("storing an upload"))?;
    let recorded = async {
        let ctx = crate::session::start_session(&state.sessions, &session).await?;
        let new = NewTask {
            id: Uuid::new_v4(),
            filename: &upload.filename,
            content_type: &upload.content_type,
            size_bytes: i64::try_from(upload.size).context("upload size")?,
            storage_key: &key.to_string(),
            template: upload.template.as_ref(),
            meeting_date: crate::summary::date_in_name(&upload.filename),
        };
        let cap = i64::try_from(state.storage.max_anonymous_bytes).unwrap_or(i64::MAX);
        queries::insert(&state.db, &Viewer::from(&ctx), new, cap)
            .await?
            .ok_or_else(|| errors::anonymous_quota(state.storage.max_anonymous_bytes))
    }
    .await;
    if recorded.is_err() {
        if let Err(e) = state.uploads.delete(key).await {
            tracing::warn!(error = %e, %key, "unrecorded upload not removed");
        }
    }
    recorded
}

/// The most an upload may be, and what passing it means.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// `storage.max_upload_bytes`.
    File(u64),
    /// What is left of an anonymous session's `storage.max_anonymous_bytes`.
    Anonymous { left: u64, cap: u64 },
}

impl Limit {
    fn bytes(self) -> u64 {
        match self {
            Self::File(max) => max,
            Self::Anonymous { left, .. } => left,
        }
    }

    fn exceeded(self) -> ApiError {
        match self {
            Self::File(max) => errors::too_large(max),
            Self::Anonymous { cap, .. } => errors::anonymous_quota(cap),
        }
    }
}

/// What this caller may upload. Anonymous callers are limited per client
/// (`storage.max_anonymous_uploads_per_ip_per_hour`, 429) and by what their
/// session's uploads already take (`storage.max_anonymous_bytes`, 413): an
/// anonymous flood stays bounded, and logging in lifts both.
async fn limit(state: &TasksState, session: &SessionHandle) -> Result<Limit> {
    let storage = &state.storage;
    let file = Limit::File(storage.max_upload_bytes);
    let current = session.current();
    if current.as_ref().is_some_and(|ctx| ctx.user_id.is_some()) {
        return Ok(file);
    }
    state
        .anonymous_uploads
        .check(session.client().ip.as_deref())
        .map_err(|retry_after_secs| ApiError::Throttled { retry_after_secs })?;
    let used = match current {
        Some(ctx) => queries::anonymous_bytes(&state.db, ctx.series_id).await?,
        None => 0,
    };
    let left = storage
        .max_anonymous_bytes
        .saturating_sub(u64::try_from(used).unwrap_or(0));
    Ok(if left < storage.max_upload_bytes {
        Limit::Anonymous {
            left,
            cap: storage.max_anonymous_bytes,
        }
    } else {
        file
    })
}

/// Bytes received so far against the limit.
struct Size {
    total: u64,
    limit: Limit,
}

impl Size {
    fn new(limit: Limit) -> Self {
        Self { total: 0, limit }
    }

    fn add(&mut self, n: usize) -> Result<()> {
        self.total = self.total.saturating_add(n as u64);
        if self.total > self.limit.bytes() {
            return Err(self.limit.exceeded());
        }
        Ok(())
    }
}

/// Collects the first `sniff::HEAD_LEN` bytes (fewer for a shorter file):
/// chunks can be tiny, and the decision needs enough of the file.
async fn read_head(field: &mut Field<'_>, size: &mut Size) -> Result<Vec<u8>> {
    let mut head = Vec::with_capacity(sniff::HEAD_LEN);
    while head.len() < sniff::HEAD_LEN {
        let Some(chunk) = field.chunk().await.map_err(multipart_error)? else {
            break;
        };
        size.add(chunk.len())?;
        head.extend_from_slice(&chunk);
    }
    Ok(head)
}

async fn stream_rest<W: tokio::io::AsyncWrite + Unpin>(
    field: &mut Field<'_>,
    out: &mut W,
    size: &mut Size,
    accepted: &Accepted,
    head: &[u8],
) -> Result<()> {
    let mut segments = accepted.needs_segments.then(Finder::default);
    if let Some(finder) = &mut segments {
        finder.feed(head);
    }
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        size.add(chunk.len())?;
        if let Some(finder) = &mut segments {
            finder.feed(&chunk);
        }
        write_all(out, &chunk).await?;
    }
    if segments.is_some_and(|f| !f.found) {
        return Err(errors::content_mismatch());
    }
    Ok(())
}

async fn write_all<W: tokio::io::AsyncWrite + Unpin>(out: &mut W, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes)
        .await
        .map_err(errors::store_failed("writing an upload"))
}

/// Looks for `SEGMENTS_KEY` across chunk boundaries, keeping only a short tail.
#[derive(Default)]
struct Finder {
    tail: Vec<u8>,
    found: bool,
}

impl Finder {
    fn feed(&mut self, chunk: &[u8]) {
        if self.found {
            return;
        }
        self.tail.extend_from_slice(chunk);
        self.found = self
            .tail
            .windows(SEGMENTS_KEY.len())
            .any(|w| w == SEGMENTS_KEY);
        let keep_from = self.tail.len().saturating_sub(SEGMENTS_KEY.len() - 1);
        self.tail.drain(..keep_from);
    }
}

/// The value of the `template` part: a template's id, read into at most
/// this many bytes.
const MAX_TEMPLATE_ID_BYTES: usize = 64;

/// The template a `template` part names (none when it is empty), or 404
/// `unknown_template`: a built-in, or one of the uploader's own.
async fn chosen_template(
    state: &TasksState,
    session: &SessionHandle,
    mut field: Field<'_>,
) -> Result<Option<Template>> {
    let mut id = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        id.extend_from_slice(&chunk);
        if id.len() > MAX_TEMPLATE_ID_BYTES {
            return Err(templates::unknown_template());
        }
    }
    let id = String::from_utf8(id).map_err(|_| templates::unknown_template())?;
    let id = id.trim();
    if id.is_empty() {
        return Ok(None);
    }
    let owner = session.current().as_ref().map(templates::Owner::from);
    templates::resolve(&state.db, owner, id).await.map(Some)
}

/// A malformed body is 400; the body limit's error keeps its 413.
fn multipart_error(e: MultipartError) -> ApiError {
    let status = e.status();
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        errors::TOO_LARGE
    } else {
        errors::BAD_REQUEST
    };
    ApiError::new(status, code, e.body_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_segments_key_is_found_across_chunk_boundaries() {
        let mut finder = Finder::default();
        for chunk in [&b"{\"text\": \"...\", \"seg"[..], b"ments", b"\": []}"] {
            finder.feed(chunk);
        }
        assert!(finder.found);
        let mut finder = Finder::default();
        finder.feed(b"{\"text\": \"no segments\"}");
        assert!(!finder.found, "the word, but not as a key");
    }
}
