//! The built-in extractive summarizer, used when no LLM is configured. It
//! picks the most central sentences as the summary, finds decisions and action
//! items by cue phrases, and titles the minutes from the document's own title
//! or its most central sentence. Deterministic: the same transcript always
//! gives the same minutes.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::language::Language;
use super::transcript::{Segment, Transcript};
use super::{centrality, extract, sentences};

/// What a finished task stores, as JSON: `{"title", "summary", "decisions",
/// "action_items", "transcript", "language"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Minutes {
    pub title: String,
    /// Key sentences, in transcript order.
    pub summary: Vec<String>,
    pub decisions: Vec<Decision>,
    pub action_items: Vec<ActionItem>,
    pub transcript: Vec<Segment>,
    /// The meeting's language: the rendered minutes' headings follow it.
    /// Minutes stored before it was recorded are `en`.
    #[serde(default)]
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    pub text: String,
    /// Index into `Minutes::transcript` of the segment it was said in.
    pub segment: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActionItem {
    pub text: String,
    /// Index into `Minutes::transcript` of the segment it was said in.
    pub segment: usize,
    pub owner: Option<String>,
    /// The deadline as said ("Friday", "金曜日"), not a parsed date.
    pub due: Option<String>,
}

const DEFAULT_TITLE: &str = "Meeting minutes";
/// Words that open a spoken sentence but make a poor start for a title.
const FILLERS: &[&str] = &[
    "so",
    "well",
    "then",
    "okay",
    "ok",
    "great",
    "and",
    "but",
    "um",
    "uh",
    "では",
    "それでは",
    "じゃあ",
    "えー",
    "えっと",
    "まあ",
    "はい",
];
const TITLE_CHARS: usize = 60;
const DOCUMENT_TITLE_CHARS: usize = 120;

pub fn summarize(transcript: &Transcript) -> Minutes {
    let sentences = sentences::split(&transcript.segments);
    let ranking = centrality::ranking(&centrality::scores(&sentences));
    let (decisions, action_items) = extract::find(&sentences, &transcript.segments);
    let document_title = transcript.title.as_deref().map(str::trim);
    let title = match document_title.filter(|t| !t.is_empty()) {
        Some(title) => truncate(title, DOCUMENT_TITLE_CHARS),
        None => ranking.first().map_or_else(
            || DEFAULT_TITLE.to_owned(),
            |&i| {
                let sentence = sentences[i]
                    .text
                    .trim_end_matches(['.', '!', '?', '。', '！', '？']);
                truncate(&without_fillers(sentence), TITLE_CHARS)
            },
        ),
    };
    let wanted = (3 + sentences.len() / 20).min(5);
    let mut seen = HashSet::new();
    let mut chosen: Vec<usize> = ranking
        .iter()
        .copied()
        .filter(|&i| seen.insert(sentences[i].text.to_lowercase()))
        .take(wanted)
        .collect();
    chosen.sort_unstable();
    Minutes {
        title,
        summary: chosen.iter().map(|&i| sentences[i].text.clone()).collect(),
        decisions,
        action_items,
        transcript: transcript.segments.clone(),
        language: Language::detect(&transcript.segments),
    }
}

/// `So, we agreed …` → `We agreed …`; `では、リリースは…` → `リリースは…`.
fn without_fillers(sentence: &str) -> String {
    let is_separator = |c: char| c.is_whitespace() || ",、".contains(c);
    let mut text = sentence;
    loop {
        let (word, rest) = text.split_at(text.find(is_separator).unwrap_or(text.len()));
        let rest = rest.trim_start_matches(is_separator);
        if rest.is_empty() || !FILLERS.contains(&word.to_lowercase().as_str()) {
            break;
        }
        text = rest;
    }
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// At most `max` characters (not bytes), cut at a space when one is near the
/// end, with an ellipsis.
fn truncate(text: &str, max: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.to_owned();
    };
    let head = &text[..cut];
    let head = match head.rfind(' ') {
        Some(space) if space * 3 >= head.len() * 2 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",、;:".contains(c));
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::transcript::{Format, parse};

    const JA_MEETING: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transcripts/ja_meeting.txt"
    ));
    const EN_MEETING: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transcripts/en_meeting.vtt"
    ));

    fn minutes(format: Format, input: &str) -> Minutes {
        summarize(&parse(format, input).unwrap())
    }

    #[test]
    fn japanese_meeting_yields_its_decision_and_deadline_action() {
        let minutes = minutes(Format::Plain, JA_MEETING);
        let decision = minutes
            .decisions
            .iter()
            .find(|d| d.text.contains("決定"))
            .expect("the decision");
        assert_eq!(
            decision.text,
            "では、オンボーディング画面のリリースは六月十日に決定します。"
        );
        assert!(
            minutes.transcript[decision.segment]
                .text
                .contains(&decision.text)
        );
        let action = minutes
            .action_items
            .iter()
            .find(|a| a.text.contains("までに"))
            .expect("the action item");
        assert_eq!(action.owner.as_deref(), Some("鈴木"));
        assert_eq!(action.due.as_deref(), Some("金曜日"));
        assert_eq!(
            minutes.transcript[action.segment].speaker.as_deref(),
            Some("佐藤")
        );
        assert!(
            minutes
                .action_items
                .iter()
                .all(|a| !a.text.contains("よろしく")),
            "a greeting is not a request: {:?}",
            minutes.action_items
        );
        assert_eq!(minutes.title, "週次定例ミーティング 議事録");
        assert_eq!(minutes.language, Language::Ja);
    }

    #[test]
    fn english_meeting_yields_the_agreement_and_bobs_report() {
        let minutes = minutes(Format::Vtt, EN_MEETING);
        assert_eq!(
            minutes.decisions,
            [Decision {
                text: "So we agreed to launch the onboarding flow on June 10.".into(),
                segment: 3,
            }]
        );
        assert_eq!(
            minutes.action_items,
            [ActionItem {
                text: "Bob will send the report by Friday.".into(),
                segment: 3,
                owner: Some("Bob".into()),
                due: Some("Friday".into()),
            }]
        );
    }

    #[test]
    fn summary_sentences_come_from_the_transcript_in_order() {
        for (format, input) in [(Format::Plain, JA_MEETING), (Format::Vtt, EN_MEETING)] {
            let minutes = minutes(format, input);
            assert!(
                (3..=5).contains(&minutes.summary.len()),
                "{:?}",
                minutes.summary
            );
            let positions: Vec<usize> = minutes
                .summary
                .iter()
                .map(|sentence| {
                    let found = minutes
                        .transcript
                        .iter()
                        .position(|s| s.text.contains(sentence));
                    found.unwrap_or_else(|| panic!("{sentence} is not in the transcript"))
                })
                .collect();
            assert!(positions.is_sorted(), "{positions:?}");
        }
    }

    #[test]
    fn the_same_transcript_gives_identical_minutes() {
        for (format, input) in [(Format::Plain, JA_MEETING), (Format::Vtt, EN_MEETING)] {
            let first = serde_json::to_string(&minutes(format, input)).unwrap();
            let second = serde_json::to_string(&minutes(format, input)).unwrap();
            assert_eq!(first, second);
        }
    }

    #[test]
    fn without_a_document_title_the_central_sentence_is_cut_by_characters() {
        let minutes = minutes(Format::Vtt, EN_MEETING);
        assert_eq!(
            minutes.title,
            "We agreed to launch the onboarding flow on June 10"
        );
        assert_eq!(
            without_fillers("では、リリースは決定です"),
            "リリースは決定です"
        );
        assert_eq!(without_fillers("So"), "So");
        let long = "あ".repeat(200);
        let title = truncate(&long, TITLE_CHARS);
        assert_eq!(title.chars().count(), TITLE_CHARS + 1);
        assert!(title.ends_with('…'));
        assert_eq!(
            truncate("We agreed to launch the new onboarding flow", 20),
            "We agreed to launch…"
        );
    }

    #[test]
    fn minutes_json_has_the_designed_shape() {
        let json = serde_json::to_value(minutes(Format::Vtt, EN_MEETING)).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "action_items",
                "decisions",
                "language",
                "summary",
                "title",
                "transcript"
            ]
        );
        assert_eq!(json["language"], "en");
        let segment = &json["transcript"][0];
        assert_eq!(segment["speaker"], "Alice");
        assert_eq!(segment["start"], 1.0);
        assert_eq!(segment["end"], 6.5);
        assert!(segment["text"].is_string());
        assert_eq!(json["action_items"][0]["owner"], "Bob");
        assert_eq!(json["decisions"][0]["segment"], 3);
    }

    #[test]
    fn an_empty_transcript_gets_default_minutes() {
        let minutes = summarize(&Transcript::default());
        assert_eq!(minutes.title, DEFAULT_TITLE);
        assert!(minutes.summary.is_empty() && minutes.decisions.is_empty());
    }
}
