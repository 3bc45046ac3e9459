//! One job from start to end: transcribe (parse an uploaded transcript, or
//! send audio/video to the ASR backend), summarize (the LLM backend, or the
//! built-in extractive summarizer), hand back the minutes. Each stage reports
//! progress through `progress::update`.

use std::sync::Arc;

use sqlx::PgPool;
use tokio::io::AsyncReadExt as _;

use super::{
    asr, llm,
    progress::{self, Failure, Progress},
};
use crate::{
    config::ProcessingSettings,
    queue::{self, Claimed},
    storage::{UploadStore as _, Uploads},
    summary::{self, Format, Minutes, Segment, Template, Transcript, parse, summarize, template},
    tasks::{self, ErrorCode, JobInput, Regeneration, Stage, Status},
};

/// Transcripts are text; past this they are not meeting transcripts.
const MAX_TRANSCRIPT_BYTES: u64 = 64 * 1024 * 1024;

/// Everything a worker needs, shared by the workers of a process.
pub struct Processor {
    pub db: PgPool,
    pub uploads: Arc<Uploads>,
    pub settings: ProcessingSettings,
    pub http: reqwest::Client,
    /// The built-in summarizer (`summary::summarize`). A field so a test can
    /// make a job fail in a way no input can, such as a panic.
    pub summarizer: fn(&Transcript) -> Minutes,
    /// Which `response_format` the summarization backend accepts, learnt
    /// once per process from its refusals.
    pub(super) llm_format: llm::FormatSupport,
}

impl Processor {
    pub fn new(settings: &ProcessingSettings, db: PgPool, uploads: Arc<Uploads>) -> Self {
        Self {
            db,
            uploads,
            settings: settings.clone(),
            http: reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(10))
                .build()
                .expect("a default HTTP client builds"),
            summarizer: summarize,
            llm_format: llm::FormatSupport::default(),
        }
    }
}

/// Why a job did not produce minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Bad input or a refusal (4xx): retrying cannot help.
    Permanent(Failure),
    /// Timeouts, refused connections, 5xx: retried with backoff.
    Transient(Failure),
}

impl JobError {
    pub fn permanent(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Permanent(Failure::new(code, detail))
    }

    pub fn transient(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Transient(Failure::new(code, detail))
    }
}

/// The minutes as JSON: stored as their version 1 (or, for a regeneration,
/// as the next version), rendered when read.
pub struct Output {
    pub json: serde_json::Value,
    /// Set for a regeneration: its request, and the template's name in the
    /// meeting's language, for the history.
    pub regenerated: Option<(Regeneration, String)>,
}

fn stage(stage: Stage, progress: u8) -> Progress {
    Progress {
        status: Status::Processing,
        stage: Some(stage),
        progress,
    }
}

fn internal(e: impl std::fmt::Display) -> JobError {
    JobError::transient(ErrorCode::InternalError, format!("internal error: {e}"))
}

/// The stored file could not be read: a fault of ours, not the upload's.
pub(super) fn unreadable(e: impl std::fmt::Display) -> JobError {
    JobError::permanent(
        ErrorCode::InternalError,
        format!("the uploaded file cannot be read: {e}"),
    )
}

fn invalid_transcript(problem: impl Into<String>) -> JobError {
    JobError::permanent(ErrorCode::InvalidTranscript, problem)
}

pub async fn run(p: &Processor, job: &Claimed) -> Result<Output, JobError> {
    if job.kind == queue::REGENERATE {
        return regenerate(p, job).await;
    }
    let Some(input) = tasks::job_input(&p.db, job.task_id)
        .await
        .map_err(internal)?
    else {
        return Err(JobError::permanent(
            ErrorCode::InternalError,
            "the task no longer exists",
        ));
    };
    progress::update(&p.db, job.task_id, &stage(Stage::Transcribing, 10))
        .await
        .map_err(internal)?;
    let transcript = match Format::from_content_type(&input.content_type) {
        Some(format) => {
            let text = read_text(p, &input).await?;
            parse(format, &text).map_err(|e| invalid_transcript(e.to_string()))?
        }
        None => asr::transcribe(p, &input).await?,
    };
    progress::update(&p.db, job.task_id, &stage(Stage::Summarizing, 60))
        .await
        .map_err(internal)?;
    let mut minutes = minutes(p, &transcript, input.template.as_ref()).await?;
    minutes.meeting_date = summary::meeting_date(&transcript, &input.filename);
    Ok(Output {
        json: serde_json::to_value(&minutes).map_err(internal)?,
        regenerated: None,
    })
}

/// The minutes of `transcript`, from the LLM backend when one is
/// configured, else the built-in summarizer, laid out by `template`.
async fn minutes(
    p: &Processor,
    transcript: &Transcript,
    template: Option<&Template>,
) -> Result<Minutes, JobError> {
    let minutes = match &p.settings.summarization.base_url {
        Some(base_url) => llm::summarize(p, base_url, transcript, template).await?,
        None => (p.summarizer)(transcript),
    };
    Ok(match template {
        Some(template) => template::apply(minutes, template),
        None => minutes,
    })
}

/// Makes the newest minutes again from their transcript (as edited: speaker
/// names and words) and title, with the job's template. The task's state is
/// left alone: its minutes stay readable meanwhile.
async fn regenerate(p: &Processor, job: &Claimed) -> Result<Output, JobError> {
    let request: Regeneration = job
        .payload
        .clone()
        .and_then(|payload| serde_json::from_value(payload).ok())
        .ok_or_else(|| {
            JobError::permanent(
                ErrorCode::InternalError,
                "a regeneration without its template",
            )
        })?;
    let current = tasks::newest_minutes(&p.db, job.task_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            JobError::permanent(
                ErrorCode::InternalError,
                "the task has no minutes to regenerate",
            )
        })?;
    let current: Minutes = serde_json::from_value(current).map_err(internal)?;
    let transcript = Transcript {
        title: Some(current.title),
        segments: current.transcript,
    };
    let mut minutes = minutes(p, &transcript, Some(&request.template)).await?;
    // The meeting's date as found or as corrected by hand, not found again.
    minutes.meeting_date = current.meeting_date;
    let name = request.template.name.get(minutes.language).to_owned();
    Ok(Output {
        json: serde_json::to_value(&minutes).map_err(internal)?,
        regenerated: Some((request, name)),
    })
}

async fn read_text(p: &Processor, input: &JobInput) -> Result<String, JobError> {
    let (file, size) = p
        .uploads
        .open(input.storage_key)
        .await
        .map_err(unreadable)?;
    if size > MAX_TRANSCRIPT_BYTES {
        return Err(invalid_transcript(format!(
            "the transcript is larger than {MAX_TRANSCRIPT_BYTES} bytes"
        )));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_TRANSCRIPT_BYTES)
        .read_to_end(&mut bytes)
        .await
        .map_err(unreadable)?;
    String::from_utf8(bytes)
        .map_err(|_| invalid_transcript("the transcript is not valid UTF-8 text"))
}

/// Segment `i` as the summarizer sees it, numbered so answers can point at
/// it: `[i] Speaker: text`.
pub fn numbered_line(i: usize, s: &Segment) -> String {
    match &s.speaker {
        Some(who) => format!("[{i}] {who}: {}", s.text),
        None => format!("[{i}] {}", s.text),
    }
}
