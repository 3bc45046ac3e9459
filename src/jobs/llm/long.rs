//! Minutes of a transcript longer than the model's context
//! (`processing.summarization.context_tokens`), by map-reduce: each part
//! (`chunks`) is summarized on its own, its decisions and action items
//! keeping the numbers of the lines they come from; then one merge call
//! turns the parts' notes into the meeting's minutes, folding items said
//! again later into one. The prompts are in the meeting's language and name
//! the template. A part whose call fails (the backend unreachable, a 5xx, an
//! answer with no notes in it) is asked again, a bounded number of times,
//! before the job fails.

use std::{ops::Range, time::Duration};

use serde_json::{Value, json};

use super::{answer, complete, failed, template_prompt};
use crate::{
    jobs::{Processor, pipeline::JobError},
    summary::{Language, Minutes, Template, Transcript},
};

/// Calls per part, the first included.
const PART_ATTEMPTS: u32 = 3;
/// The wait before asking for a part again, times the attempt.
const PART_RETRY_DELAY: Duration = Duration::from_millis(500);

const ANSWER_SHAPE: &str = "{\"title\": string, \"summary\": [string], \
\"decisions\": [{\"text\": string, \"segment\": n}], \"action_items\": [{\"text\": string, \
\"segment\": n, \"owner\": string or null, \"due\": string or null}]}";

fn map_prompt(language: Language, lines: &Range<usize>) -> String {
    let (first, last) = (lines.start, lines.end - 1);
    match language {
        Language::En => format!(
            "You take notes on one part of a meeting transcript: lines [{first}] to [{last}] of a \
longer meeting. Lines are numbered [n]. Answer with one JSON object and nothing else: \
{ANSWER_SHAPE}. List every decision and every action item said in this part, each with the \
number of the line it comes from as `segment`, the owner and the deadline as said; `summary` \
holds this part's key points, `title` its topic. Write in English."
        ),
        Language::Ja => format!(
            "あなたは会議の文字起こしの一部（長い会議の [{first}] 行目から [{last}] 行目まで）について\
メモを取ります。各行には [n] の番号があります。次の形の JSON オブジェクトだけで答えてください: \
{ANSWER_SHAPE}。この部分で決まったこと（decisions）とアクションアイテム（action_items）をすべて挙げ、\
それぞれ `segment` に出てきた行の番号、担当者（owner）と期限（due）を発言どおりに書いてください。\
`summary` にはこの部分の要点、`title` には話題を書きます。日本語で書いてください。"
        ),
    }
}

fn merge_prompt(language: Language) -> String {
    match language {
        Language::En => format!(
            "You write a meeting's minutes from notes on its parts, in order. Each part's notes \
give its key points, decisions and action items with the number of the transcript line each \
comes from (`segment`). Answer with one JSON object and nothing else: {ANSWER_SHAPE}. An item \
said again in a later part is one item: keep the line of its first mention and complete it \
with an owner or deadline a later mention gives. `summary` holds at most five key points of \
the whole meeting; `title` names its topic. Write in English."
        ),
        Language::Ja => format!(
            "あなたは会議の各部分のメモ（順番どおり）から、会議全体の議事録を作ります。各部分のメモには\
要点、決定事項、アクションアイテムがあり、それぞれ出てきた文字起こしの行番号（`segment`）が付いています。\
次の形の JSON オブジェクトだけで答えてください: {ANSWER_SHAPE}。後の部分で繰り返された項目は一つにまとめ、\
最初に出た行の番号を残し、後で分かった担当者や期限で補ってください。`summary` には会議全体の要点を\
五つまで、`title` には会議の話題を書きます。日本語で書いてください。"
        ),
    }
}

/// The system prompt of a call: its task, then what the template asks for.
fn system(task: String, template: Option<&Template>) -> Value {
    let content = match template {
        Some(template) => format!("{task} {}", template_prompt(template)),
        None => task,
    };
    json!({"role": "system", "content": content})
}

pub(super) async fn summarize(
    p: &Processor,
    url: &str,
    transcript: &Transcript,
    lines: &[String],
    parts: &[Range<usize>],
    template: Option<&Template>,
) -> Result<Minutes, JobError> {
    let language = Language::detect(&transcript.segments);
    let mut notes = Vec::with_capacity(parts.len());
    for part in parts {
        let messages = [
            system(map_prompt(language, part), template),
            json!({"role": "user", "content": lines[part.clone()].join("\n")}),
        ];
        let found = with_retries(p, url, &messages, transcript).await?;
        notes.push(json!({
            "lines": [part.start, part.end - 1],
            "summary": found.summary,
            "decisions": found.decisions,
            "action_items": found.action_items,
        }));
    }
    tracing::info!(parts = parts.len(), "merging the parts' notes");
    let messages = [
        system(merge_prompt(language), template),
        json!({"role": "user", "content": Value::Array(notes).to_string()}),
    ];
    let content = complete(p, url, &messages).await?;
    answer::read(&content, transcript).map_err(|e| {
        failed(format!(
            "the summarization backend did not merge the parts into minutes: {e}"
        ))
    })
}

/// One part's notes, asking again when the backend failed (unreachable, a
/// 5xx) or answered no notes; a refusal (a 4xx) fails at once.
async fn with_retries(
    p: &Processor,
    url: &str,
    messages: &[Value],
    transcript: &Transcript,
) -> Result<Minutes, JobError> {
    let mut attempt = 1;
    loop {
        let outcome = match complete(p, url, messages).await {
            Ok(content) => answer::read(&content, transcript).map_err(|e| {
                failed(format!(
                    "the summarization backend answered no notes for a part: {e}"
                ))
            }),
            // A refusal of the request itself would be refused again.
            Err(e @ JobError::Permanent(_)) => return Err(e),
            Err(e @ JobError::Transient(_)) => Err(e),
        };
        match outcome {
            Ok(found) => return Ok(found),
            Err(e) if attempt < PART_ATTEMPTS => {
                tracing::warn!(error = ?e, attempt, "a part's summary failed; asking again");
                tokio::time::sleep(PART_RETRY_DELAY * attempt).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}
