//! Minutes from an OpenAI-compatible `POST {base_url}/v1/chat/completions`
//! (Ollama, llama.cpp, vLLM). The model is asked for the minutes JSON
//! (docs/processing.md, "Stages"), by `response_format: json_schema` where the server
//! supports it, else `json_object`, else the instructions alone: a 400 about
//! `response_format` steps down once, and the process remembers it. The
//! answer is read leniently (`answer`); one with no minutes in it gets one
//! repair attempt that shows the model its mistake before the job fails. A
//! transcript longer than half of `processing.summarization.context_tokens`
//! is summarized in parts and merged (`long`).

mod answer;
mod chunks;
mod long;

use std::{
    sync::atomic::{AtomicU8, Ordering},
    time::Duration,
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{
    Processor,
    backend::{self, Backend},
    pipeline::{JobError, numbered_line},
};
use crate::summary::{Minutes, Template, Transcript, template::SectionKind};

const DEFAULT_MODEL: &str = "default";
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

const INSTRUCTIONS: &str = "You write meeting minutes from a transcript whose lines are \
numbered [n]. Answer with one JSON object and nothing else: {\"title\": string, \
\"summary\": [string], \"decisions\": [{\"text\": string, \"segment\": n}], \
\"action_items\": [{\"text\": string, \"segment\": n, \"owner\": string or null, \
\"due\": string or null}]}. `segment` is the number of the line it comes from. \
Write in the language of the transcript.";

/// The `response_format`s to try, best first.
const FORMATS: [Option<&str>; 3] = [Some("json_schema"), Some("json_object"), None];

/// The first of `FORMATS` the backend has not refused, shared by a process's
/// workers so only the first job pays for the refusals.
#[derive(Debug, Default)]
pub(in crate::jobs) struct FormatSupport(AtomicU8);

impl FormatSupport {
    fn current(&self) -> usize {
        usize::from(self.0.load(Ordering::Relaxed)).min(FORMATS.len() - 1)
    }

    /// Moves past `refused`; another worker may have moved on already.
    fn refused(&self, refused: usize) {
        let next = u8::try_from(refused + 1).unwrap_or(u8::MAX);
        self.0.fetch_max(next, Ordering::Relaxed);
    }
}

pub async fn summarize(
    p: &Processor,
    base_url: &str,
    transcript: &Transcript,
    template: Option<&Template>,
) -> Result<Minutes, JobError> {
    let url = format!("{}/v1/chat/completions", base_url.trim_end_matches('/'));
    let lines: Vec<String> = transcript
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| numbered_line(i, s))
        .collect();
    // Half the context for the transcript, the rest for the instructions
    // and the answer.
    let budget = p.settings.summarization.context_tokens / 2;
    let parts = chunks::split(&lines, budget);
    if parts.len() > 1 {
        tracing::info!(
            parts = parts.len(),
            "a long transcript: summarizing it in parts"
        );
        return long::summarize(p, &url, transcript, &lines, &parts, template).await;
    }
    let mut messages = vec![
        json!({"role": "system", "content": instructions(template)}),
        json!({"role": "user", "content": lines.join("\n")}),
    ];
    let mut last_error = String::new();
    for _ in 0..2 {
        let content = complete(p, &url, &messages).await?;
        match answer::read(&content, transcript) {
            Ok(minutes) => return Ok(minutes),
            Err(e) => {
                tracing::warn!(error = %e, "summarization answer invalid; asking for a repair");
                messages.push(json!({"role": "assistant", "content": content}));
                messages.push(json!({"role": "user", "content": format!(
                    "That answer is not valid: {e}. Answer again with only the JSON object."
                )}));
                last_error = e;
            }
        }
    }
    Err(failed(format!(
        "the summarization backend did not return valid minutes: {last_error}"
    )))
}

/// One chat completion's message content, stepping down `response_format`
/// while the backend refuses it.
async fn complete(p: &Processor, url: &str, messages: &[Value]) -> Result<String, JobError> {
    let settings = &p.settings.summarization;
    loop {
        let format = p.llm_format.current();
        let mut body = json!({
            "model": settings.model.as_deref().unwrap_or(DEFAULT_MODEL),
            "messages": messages,
            "temperature": 0,
        });
        match FORMATS[format] {
            Some("json_schema") => {
                body["response_format"] = json!({"type": "json_schema", "json_schema": {
                    "name": "minutes", "strict": true, "schema": answer::schema()}});
            }
            Some(kind) => body["response_format"] = json!({"type": kind}),
            None => {}
        }
        let req = backend::authorize(p.http.post(url).json(&body), settings.api_key.as_ref())
            .timeout(TIMEOUT);
        let (status, reply) = backend::exchange(req, Backend::Summarization).await?;
        if status == StatusCode::BAD_REQUEST
            && FORMATS[format].is_some()
            && reply.to_ascii_lowercase().contains("response_format")
        {
            tracing::warn!(
                refused = FORMATS[format],
                "the summarization backend refuses this response_format; trying the next"
            );
            p.llm_format.refused(format);
            continue;
        }
        return reply_content(&backend::check(status, reply, Backend::Summarization)?);
    }
}

/// The system prompt: the answer's shape, then what the template asks for.
fn instructions(template: Option<&Template>) -> String {
    match template {
        Some(template) => format!("{INSTRUCTIONS} {}", template_prompt(template)),
        None => INSTRUCTIONS.to_owned(),
    }
}

/// What a template adds to a system prompt: its name, the parts of the
/// minutes that matter, and its own instructions.
fn template_prompt(template: &Template) -> String {
    let sections: Vec<&str> = template
        .sections
        .iter()
        .map(|s| match s.kind {
            SectionKind::Summary => "summary",
            SectionKind::Decisions => "decisions",
            SectionKind::ActionItems => "action_items",
            SectionKind::Transcript => "transcript",
        })
        .collect();
    let mut prompt = format!(
        "These minutes follow the template \"{}\": the parts that matter are {}.",
        template.name.en,
        sections.join(", ")
    );
    if let Some(extra) = template
        .instructions
        .as_deref()
        .filter(|i| !i.trim().is_empty())
    {
        prompt.push_str(" The template's instructions: ");
        prompt.push_str(extra);
    }
    prompt
}

fn failed(detail: String) -> JobError {
    JobError::permanent(Backend::Summarization.failed(), detail)
}

/// `choices[0].message.content` of a chat completion.
fn reply_content(body: &str) -> Result<String, JobError> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        failed(format!(
            "the summarization backend's answer is not JSON: {e}"
        ))
    })?;
    value["choices"][0]["message"]["content"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| failed("the summarization backend's answer has no message content".into()))
}
