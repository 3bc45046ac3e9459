//! The minutes JSON an LLM answers, read leniently. Models, and the servers
//! that run them, miss the asked-for shape in small ways: a summary as one
//! string, decisions as plain strings, numbers where strings belong, a line
//! reference written "3" or past the transcript's end. Each near-miss is
//! coerced rather than failing a whole task; only an answer with no minutes
//! object in it is refused (and gets a repair attempt). `schema` is the shape
//! asked for through `response_format` where the server supports it.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::summary::{ActionItem, Decision, Language, Minutes, Segment, Transcript};

const DEFAULT_TITLE: &str = "Meeting minutes";
const FIELDS: [&str; 4] = ["title", "summary", "decisions", "action_items"];

/// The JSON Schema of the answer, for `response_format: json_schema` (strict
/// mode: every property required, no others, nullable as a type union).
pub fn schema() -> Value {
    let item = |extra: &[(&str, &Value)]| {
        let mut properties = json!({"text": {"type": "string"}, "segment": {"type": "integer"}});
        let mut required = vec!["text", "segment"];
        for (key, value) in extra {
            properties[key] = (*value).clone();
            required.push(key);
        }
        json!({"type": "object", "additionalProperties": false,
               "required": required, "properties": properties})
    };
    let nullable = json!({"type": ["string", "null"]});
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": FIELDS,
        "properties": {
            "title": {"type": "string"},
            "summary": {"type": "array", "items": {"type": "string"}},
            "decisions": {"type": "array", "items": item(&[])},
            "action_items": {"type": "array",
                             "items": item(&[("owner", &nullable), ("due", &nullable)])},
        }
    })
}

/// The minutes in `content`, with the transcript attached.
pub fn read(content: &str, transcript: &Transcript) -> Result<Minutes, String> {
    let answer = minutes_object(content)?;
    let segments = &transcript.segments;
    let title = answer
        .get("title")
        .and_then(text)
        .unwrap_or_else(|| DEFAULT_TITLE.to_owned());
    let summary = list(answer.get("summary"))
        .into_iter()
        .flat_map(summary_lines)
        .collect();
    let decisions = list(answer.get("decisions"))
        .into_iter()
        .filter_map(|v| Item::read(v, segments))
        .map(|i| Decision {
            text: i.text,
            segment: i.segment,
        })
        .collect();
    let action_items = list(answer.get("action_items"))
        .into_iter()
        .filter_map(|v| Item::read(v, segments))
        .map(|i| ActionItem {
            owner: i.field(&["owner", "assignee"]),
            due: i.field(&["due", "due_date", "deadline"]),
            due_date: None,
            done: false,
            text: i.text,
            segment: i.segment,
        })
        .collect();
    Ok(Minutes {
        title,
        meeting_date: None,
        summary,
        decisions,
        action_items,
        transcript: segments.clone(),
        language: Language::detect(segments),
        layout: None,
    })
}

/// The answer's JSON object: bare, in a code fence, amid prose, or wrapped
/// in `{"minutes": …}`.
fn minutes_object(content: &str) -> Result<Map<String, Value>, String> {
    let trimmed = content
        .trim()
        .trim_start_matches("```json")
        .trim_start_matches("```")
        .trim_end_matches("```");
    let value = serde_json::from_str::<Value>(trimmed).or_else(|e| {
        let braces = content.find('{').zip(content.rfind('}'));
        match braces {
            Some((start, end)) if start < end => serde_json::from_str(&content[start..=end]),
            _ => Err(e),
        }
    });
    let mut object = match value.map_err(|e| format!("it is not JSON: {e}"))? {
        Value::Object(o) => o,
        _ => return Err("it is not a JSON object".into()),
    };
    if let Some(Value::Object(inner)) = object.remove("minutes") {
        object = inner;
    }
    if !FIELDS.iter().any(|f| object.contains_key(*f)) {
        return Err(format!("it has none of the fields {}", FIELDS.join(", ")));
    }
    Ok(object)
}

/// A list field: a list, one lone value, or nothing.
fn list(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    }
}

/// Text from a string, a number or an object's `text`, without NUL (which a
/// model can answer as `\u0000` and the database cannot store); `None` when
/// empty or a spelled-out null.
fn text(value: &Value) -> Option<String> {
    let s = match value {
        Value::String(s) => s.replace('\0', "").trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Object(o) => return o.get("text").and_then(text),
        Value::Null | Value::Array(_) => return None,
    };
    let spelled_null = ["null", "none", "n/a"]
        .iter()
        .any(|n| s.eq_ignore_ascii_case(n));
    (!s.is_empty() && !spelled_null).then_some(s)
}

/// A summary entry; a string holding a bulleted or multi-line list gives one
/// entry per line.
fn summary_lines(value: &Value) -> Vec<String> {
    let Some(s) = text(value) else {
        return vec![];
    };
    s.lines()
        .map(unbullet)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A line without its list marker (`- `, `* `, `• `, `3. `, `3) `).
fn unbullet(line: &str) -> &str {
    let line = line.trim();
    if let Some(rest) = ["- ", "* ", "• "].iter().find_map(|m| line.strip_prefix(m)) {
        return rest.trim();
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match line[digits..].strip_prefix(['.', ')']) {
        Some(rest) if digits > 0 && rest.starts_with(' ') => rest.trim(),
        _ => line,
    }
}

/// A decision or action item: its text and the transcript line it points at.
struct Item<'a> {
    text: String,
    segment: usize,
    object: Option<&'a Map<String, Value>>,
}

impl<'a> Item<'a> {
    fn read(value: &'a Value, segments: &[Segment]) -> Option<Self> {
        let object = value.as_object();
        let text = match object {
            Some(o) => ["text", "description", "decision", "task", "action"]
                .iter()
                .find_map(|k| o.get(*k).and_then(text)),
            None => text(value),
        };
        let Some(text) = text else {
            tracing::warn!(item = %value, "dropping an item without text from the LLM's minutes");
            return None;
        };
        let reference = object.and_then(|o| o.get("segment").or_else(|| o.get("line")));
        let segment = match reference.map(|r| (r, line_number(r))) {
            Some((_, Some(n))) if n < segments.len() => n,
            Some((raw, _)) => {
                tracing::warn!(segment = %raw, segments = segments.len(),
                    "dropping an unusable segment reference from the LLM's minutes");
                locate(&text, segments)
            }
            None => locate(&text, segments),
        };
        Some(Self {
            text,
            segment,
            object,
        })
    }

    fn field(&self, names: &[&str]) -> Option<String> {
        let o = self.object?;
        names.iter().find_map(|k| o.get(*k).and_then(text))
    }
}

/// A line number written as a number (`3`, `3.0`) or a string (`"3"`, `"[3]"`).
fn line_number(value: &Value) -> Option<usize> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u32::MAX.into())
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().trim_matches(['[', ']']).trim().parse().ok(),
        _ => None,
    }
    .and_then(|n| usize::try_from(n).ok())
}

/// The segment an item without a usable reference most likely came from: the
/// one sharing most character pairs with its text (pairs work for spaced
/// and unspaced scripts alike); the first segment when none shares any.
/// `segment` is not optional in the stored minutes, so some line is named.
fn locate(text: &str, segments: &[Segment]) -> usize {
    let wanted = pairs(text);
    let mut best = (0, 0);
    for (i, segment) in segments.iter().enumerate() {
        let score = pairs(&segment.text).intersection(&wanted).count();
        if score > best.1 {
            best = (i, score);
        }
    }
    best.0
}

fn pairs(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

#[cfg(test)]
mod tests;
