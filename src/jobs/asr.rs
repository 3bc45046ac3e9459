//! Speech to text through an OpenAI-compatible
//! `POST {base_url}/v1/audio/transcriptions` (whisper.cpp server, speaches,
//! vLLM, LocalAI): the stored file is streamed, never read whole into memory.
//! Speakers are asked for as `processing.transcription.diarization` says;
//! the answer is read as Whisper `verbose_json`, whose segments may carry a
//! `speaker` — OpenAI's `diarized_json` has the same `segments` with
//! `start`, `end`, `text` and `speaker`.

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use tokio_util::io::ReaderStream;

use super::{
    Processor,
    backend::{self, Backend},
    pipeline::{JobError, unreadable},
};
use crate::{
    config::Diarization,
    storage::UploadStore as _,
    summary::{Format, Transcript, parse},
    tasks::{ErrorCode, JobInput},
};

const DEFAULT_MODEL: &str = "whisper-1";
/// Long recordings take long; a hung backend must still not hold a job forever.
const TIMEOUT: Duration = Duration::from_secs(60 * 60);

pub async fn transcribe(p: &Processor, input: &JobInput) -> Result<Transcript, JobError> {
    let settings = &p.settings.transcription;
    let Some(base_url) = &settings.base_url else {
        return Err(JobError::permanent(
            ErrorCode::TranscriptionNotConfigured,
            "no transcription backend configured (processing.transcription.base_url)",
        ));
    };
    let (file, size) = p
        .uploads
        .open(input.storage_key)
        .await
        .map_err(unreadable)?;
    let part = Part::stream_with_length(reqwest::Body::wrap_stream(ReaderStream::new(file)), size)
        .file_name(input.filename.clone())
        .mime_str(&input.content_type)
        .map_err(|e| {
            JobError::permanent(
                ErrorCode::InternalError,
                format!("unusable content type: {e}"),
            )
        })?;
    let form = Form::new().part("file", part).text(
        "model",
        settings
            .model
            .clone()
            .unwrap_or_else(|| DEFAULT_MODEL.into()),
    );
    let form = match settings.diarization {
        Diarization::Off => form.text("response_format", "verbose_json"),
        Diarization::VerboseJson => form
            .text("response_format", "verbose_json")
            .text("diarize", "true"),
        // OpenAI's diarizing models require a chunking strategy.
        Diarization::DiarizedJson => form
            .text("response_format", "diarized_json")
            .text("chunking_strategy", "auto"),
    };
    let url = format!("{}/v1/audio/transcriptions", base_url.trim_end_matches('/'));
    let req = backend::authorize(p.http.post(url).multipart(form), settings.api_key.as_ref())
        .timeout(TIMEOUT);
    let body = backend::send(req, Backend::Transcription).await?;
    parse(Format::WhisperJson, &body).map_err(|e| {
        JobError::permanent(
            Backend::Transcription.failed(),
            format!("the transcription backend's answer is unusable: {e}"),
        )
    })
}
