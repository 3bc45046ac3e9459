//! Minutes from an OpenAI-compatible `POST {base_url}/v1/chat/completions`
//! (Ollama, llama.cpp, vLLM). The model is asked for the minutes JSON (README, "Processing");
//! the answer is validated, and a bad one gets one repair attempt that shows
//! the model its mistake before the job fails.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Processor, backend,
    pipeline::{JobError, numbered_lines},
};
use crate::minutes::{ActionItem, Decision, Language, Minutes, Transcript};

const DEFAULT_MODEL: &str = "default";
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

const INSTRUCTIONS: &str = "You write meeting minutes from a transcript whose lines are \
numbered [n]. Answer with one JSON object and nothing else: {\"title\": string, \
\"summary\": [string], \"decisions\": [{\"text\": string, \"segment\": n}], \
\"action_items\": [{\"text\": string, \"segment\": n, \"owner\": string or null, \
\"due\": string or null}]}. `segment` is the number of the line it comes from. \
Write in the language of the transcript.";

/// The part of the minutes the model writes; the transcript is ours.
#[derive(Debug, Deserialize)]
struct Answer {
    title: String,
    summary: Vec<String>,
    decisions: Vec<Decision>,
    action_items: Vec<ActionItem>,
}

pub async fn summarize(
    p: &Processor,
    base_url: &str,
    transcript: &Transcript,
) -> Result<Minutes, JobError> {
    let settings = &p.settings.summarization;
    let url = format!("{}/v1/chat/completions", base_url.trim_end_matches('/'));
    let mut messages = vec![
        json!({"role": "system", "content": INSTRUCTIONS}),
        json!({"role": "user", "content": numbered_lines(transcript)}),
    ];
    let mut last_error = String::new();
    for _ in 0..2 {
        let body = json!({
            "model": settings.model.as_deref().unwrap_or(DEFAULT_MODEL),
            "messages": messages,
            "temperature": 0,
            "response_format": {"type": "json_object"},
        });
        let req = backend::authorize(p.http.post(&url).json(&body), settings).timeout(TIMEOUT);
        let content = reply_content(&backend::send(req, "summarization").await?)?;
        match validate(&content, transcript) {
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
    Err(JobError::Permanent(format!(
        "the summarization backend did not return valid minutes: {last_error}"
    )))
}

/// `choices[0].message.content` of a chat completion.
fn reply_content(body: &str) -> Result<String, JobError> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        JobError::Permanent(format!(
            "the summarization backend's answer is not JSON: {e}"
        ))
    })?;
    value["choices"][0]["message"]["content"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| {
            JobError::Permanent("the summarization backend's answer has no message content".into())
        })
}

fn validate(content: &str, transcript: &Transcript) -> Result<Minutes, String> {
    // Models like to wrap JSON in a code fence even when asked not to.
    let trimmed = content
        .trim()
        .trim_start_matches("```json")
        .trim_start_matches("```")
        .trim_end_matches("```");
    let answer: Answer = serde_json::from_str(trimmed).map_err(|e| e.to_string())?;
    if answer.title.trim().is_empty() {
        return Err("the title is empty".into());
    }
    let segments = transcript.segments.len();
    let points = answer
        .decisions
        .iter()
        .map(|d| d.segment)
        .chain(answer.action_items.iter().map(|a| a.segment));
    if let Some(bad) = points.into_iter().find(|&s| s >= segments) {
        return Err(format!(
            "segment {bad} does not exist (there are {segments})"
        ));
    }
    Ok(Minutes {
        title: answer.title,
        summary: answer.summary,
        decisions: answer.decisions,
        action_items: answer.action_items,
        transcript: transcript.segments.clone(),
        language: Language::detect(&transcript.segments),
    })
}
