//! The summary core: turns a transcript into minutes, with no I/O. It parses
//! an uploaded transcript (plain text, Markdown, SRT, WebVTT, Whisper
//! `verbose_json`) into timed, speaker-labelled segments, summarizes them
//! with the built-in extractive summarizer (Japanese and English), and
//! renders minutes as Markdown, text, JSON or DOCX (`render::{markdown,
//! text, json}`, `docx`) with headings in the meeting's language. The job runtime reads
//! the upload, calls `parse` and `summarize`, and stores the minutes as JSON;
//! the tasks feature renders them when they are read.

mod agenda;
mod centrality;
mod digest;
mod docx;
mod extract;
mod formats;
mod keyphrases;
mod language;
mod points;
pub mod render;
mod script;
mod sentences;
mod summarize;
pub mod template;
mod title;
mod transcript;

pub use language::Language;
pub use render::MinutesFormat;
pub use summarize::{ActionItem, Decision, Minutes, summarize};
pub use template::{Layout, Template};
pub use transcript::{Format, ParseError, Segment, Transcript, parse};

/// The day a meeting was held, as `2024-09-30`: what the transcript's title
/// or opening lines say (as the summarizer counts due dates from), else
/// what the uploaded file's name says.
pub fn meeting_date(transcript: &Transcript, filename: &str) -> Option<String> {
    extract::due::meeting_date(transcript.title.as_deref(), &transcript.segments)
        .or_else(|| extract::due::full_date(filename))
        .map(|d| d.to_string())
}

/// The date a file name says (`定例会議_2024-09-30.vtt`), as `2024-09-30`.
pub fn date_in_name(filename: &str) -> Option<time::Date> {
    extract::due::full_date(filename)
}
