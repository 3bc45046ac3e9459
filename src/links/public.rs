//! The endpoints of a link's holder, who has no account: `POST
//! /api/links/view` (the meeting as the link shows it) and `POST
//! /api/links/recording` (the uploaded file, when the link shares it). The
//! secret travels in the `Link-Secret` header, never in a URL, so no access
//! log holds it; the passphrase, when the link has one, in the body. Each
//! request is decided afresh in the database and grants nothing beyond its
//! own answer: no cookie, no session, no other task.

use anyhow::Context as _;
use axum::{
    Json,
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
};
use tokio_util::io::ReaderStream;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    LinksState, errors,
    model::{LinkedMeeting, OpenLink},
    queries::{self, Live},
    secret,
};
use crate::{
    error::{ErrorResponse, Result},
    json_body::JsonObject,
    session::SessionHandle,
    storage::{StorageKey, UploadStore as _},
    summary::Minutes,
    tasks::Status,
};

/// The request header that carries the link's secret.
const SECRET_HEADER: HeaderName = HeaderName::from_static("link-secret");
/// Wrong passphrases one link takes per `auth.throttle_window_secs`, from
/// everyone together, before it answers 429 until the window moves on.
const PASSPHRASE_ATTEMPTS: u32 = 10;
/// Stored user agents are cut to this many characters.
const USER_AGENT_MAX: usize = 256;

pub(super) fn router() -> OpenApiRouter<LinksState> {
    OpenApiRouter::new()
        .routes(routes!(view))
        .routes(routes!(recording))
}

/// The live link the request names, once its passphrase (if it has one)
/// is given right. Unknown, malformed, expired and revoked secrets, and
/// links whose owner is disabled, are one and the same 404; a request
/// without the header is malformed (400).
async fn admit(state: &LinksState, headers: &HeaderMap, body: &OpenLink) -> Result<Live> {
    let presented = headers
        .get(&SECRET_HEADER)
        .ok_or_else(errors::secret_missing)?;
    let hash = presented
        .to_str()
        .ok()
        .and_then(secret::hash_of)
        .ok_or_else(errors::link_not_found)?;
    let link = queries::live(&state.db, &hash)
        .await?
        .ok_or_else(errors::link_not_found)?;
    if let Some(phc) = &link.passphrase_hash {
        let phrase = body
            .passphrase
            .as_deref()
            .ok_or_else(errors::passphrase_required)?;
        let guarded = format!("link/{}", link.id);
        let right = state
            .accounts
            .check_passphrase(&guarded, phrase, phc, PASSPHRASE_ATTEMPTS)
            .await?;
        if !right {
            return Err(errors::passphrase_required());
        }
    }
    Ok(link)
}

/// Search engines are told to leave the answer alone (the global
/// `Referrer-Policy: no-referrer` keeps the page's address to itself).
fn noindex(mut res: Response) -> Response {
    res.headers_mut().insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    res
}

/// The meeting as the link shows it; each answer is recorded as a view
/// (`queries::record_view` says which are counted once).
#[utoipa::path(
    post,
    path = "/api/links/view",
    operation_id = "view_link",
    tag = "links",
    params(("Link-Secret" = String, Header, description = "The link's secret, `mnl_<prefix>_<secret>` (the part of the link's address after `#`)")),
    request_body = OpenLink,
    security(()),
    responses(
        (status = 200, description = "The meeting, read only", body = LinkedMeeting,
            headers(("X-Robots-Tag" = String, description = "`noindex, nofollow`"))),
        (status = 400, description = "`link_secret_missing`: no `Link-Secret` header", body = ErrorResponse),
        (status = 401, description = "`passphrase_required`: the link has a passphrase and the body gave none, or a wrong one", body = ErrorResponse),
        (status = 404, description = "`link_not_found`: no live link has this secret (unknown, expired, revoked, its owner disabled or its meeting deleted)", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`: too many wrong passphrases for this link lately", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`busy`: the passphrase check's queue is full", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all)]
async fn view(
    State(state): State<LinksState>,
    handle: SessionHandle,
    headers: HeaderMap,
    JsonObject(body): JsonObject<OpenLink>,
) -> Result<Response> {
    let link = admit(&state, &headers, &body).await?;
    let client = handle.client();
    let user_agent: Option<String> = client
        .user_agent
        .map(|ua| ua.chars().take(USER_AGENT_MAX).collect());
    queries::record_view(
        &state.db,
        link.id,
        user_agent.as_deref(),
        client.ip.as_deref(),
    )
    .await?;
    let minutes = match link.status {
        Status::Completed => queries::newest_minutes(&state.db, link.id)
            .await?
            .map(serde_json::from_value::<Minutes>)
            .transpose()
            .context("stored minutes")?
            .map(|mut m| {
                if !link.include_transcript {
                    m.transcript.clear();
                }
                m
            }),
        _ => None,
    };
    let meeting = LinkedMeeting {
        title: link.title,
        meeting_date: link.meeting_date,
        filename: link.filename,
        status: link.status,
        minutes,
        include_transcript: link.include_transcript,
        include_recording: link.include_recording,
        expires_at: link.expires_at,
    };
    Ok(noindex(Json(meeting).into_response()))
}

/// The uploaded file, when the link shares it.
#[utoipa::path(
    post,
    path = "/api/links/recording",
    operation_id = "link_recording",
    tag = "links",
    params(("Link-Secret" = String, Header, description = "The link's secret")),
    request_body = OpenLink,
    security(()),
    responses(
        (status = 200, description = "The uploaded file as stored, as an attachment",
            content_type = "*/*", body = inline(crate::openapi::Binary),
            headers(("X-Robots-Tag" = String, description = "`noindex, nofollow`"))),
        (status = 400, description = "`link_secret_missing`: no `Link-Secret` header", body = ErrorResponse),
        (status = 401, description = "`passphrase_required`", body = ErrorResponse),
        (status = 404, description = "`link_not_found`, or `recording_not_shared`: the link was made without the recording", body = ErrorResponse),
        (status = 429, description = "`too_many_attempts`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`busy`", body = ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
#[tracing::instrument(skip_all)]
async fn recording(
    State(state): State<LinksState>,
    headers: HeaderMap,
    JsonObject(body): JsonObject<OpenLink>,
) -> Result<Response> {
    let link = admit(&state, &headers, &body).await?;
    if !link.include_recording {
        return Err(errors::recording_not_shared());
    }
    let key = StorageKey::parse(&link.storage_key).context("a stored task's key")?;
    let (file, len) = state
        .uploads
        .open(key)
        .await
        .context("opening a stored upload")?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::try_from(link.content_type).context("a stored content type")?,
        ),
        (header::CONTENT_LENGTH, HeaderValue::from(len)),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        ),
    ];
    let body = Body::from_stream(ReaderStream::with_capacity(file, 64 * 1024));
    Ok(noindex((headers, body).into_response()))
}
