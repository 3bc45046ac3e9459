//! Processing's pure core: turning an uploaded transcript (plain text,
//! Markdown, SRT, WebVTT, Whisper `verbose_json`) into timed, speaker-labelled
//! segments, summarizing them into minutes with the built-in extractive
//! summarizer (Japanese and English), and rendering minutes as Markdown, text
//! or JSON (`render::{markdown, text, json}`). No I/O here: the worker reads
//! the upload, calls `parse` and `summarize`, and stores what `render`
//! produces.

mod asr;
mod backend;
mod centrality;
mod extract;
mod formats;
mod llm;
mod pipeline;
pub mod queue;
pub mod render;
mod script;
mod sentences;
mod summarize;
mod transcript;
pub mod worker;

pub use pipeline::{JobError, JobInput, Processor};
pub use render::MinutesFormat;
pub use summarize::{ActionItem, Decision, Minutes, summarize};
pub use transcript::{Format, ParseError, Segment, Transcript, parse};
