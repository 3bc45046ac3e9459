//! The job runtime: workers claim jobs from the queue, run the pipeline
//! (the ASR backend or a parsed transcript, then the LLM backend or the
//! built-in summarizer from `minutes`) and write each task's progress and
//! outcome. Only `run` starts it; no feature module depends on it.

mod asr;
mod backend;
mod llm;
mod pipeline;
pub mod progress;
pub mod worker;

pub use pipeline::{JobError, Processor};
