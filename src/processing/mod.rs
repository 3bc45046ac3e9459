//! Processing's runtime: the queue, the workers and their pipeline, and the
//! ASR and LLM clients; the pure core is in `crate::minutes`.

mod asr;
mod backend;
mod llm;
mod pipeline;
pub mod queue;
pub mod worker;

pub use pipeline::{JobError, JobInput, Processor};
