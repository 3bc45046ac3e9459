//! The built-in summarizer, used when no LLM is configured: the minutes'
//! shape, and `summarize`, which splits the transcript into sentences, finds
//! decisions and action items (`extract`), the agenda and title (`agenda`,
//! `title`) and the summary's points (`digest`). Pure and deterministic: the
//! same transcript always gives the same minutes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::language::Language;
use super::template::Layout;
use super::transcript::{Segment, Transcript};
use super::{agenda, centrality, digest, extract, sentences, title};

/// What a finished task stores, as JSON: `{"title", "summary", "decisions",
/// "action_items", "transcript", "language"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Minutes {
    pub title: String,
    /// The day the meeting was held (`2024-09-30`): as the transcript or the
    /// uploaded file's name says it, or as an edit set it. Null when neither
    /// says: the task's `meeting_date` (the upload's date) stands.
    #[serde(default)]
    pub meeting_date: Option<String>,
    /// Key points: the agenda, then decisions and postponements, in order.
    pub summary: Vec<String>,
    pub decisions: Vec<Decision>,
    pub action_items: Vec<ActionItem>,
    pub transcript: Vec<Segment>,
    /// The meeting's language: the rendered minutes' headings follow it.
    /// Minutes stored before it was recorded are `en`.
    #[serde(default)]
    pub language: Language,
    /// The template the minutes were made with: which sections the
    /// renderings show, in which order, under which headings. Absent for
    /// the default layout (every section, the language's own headings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
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
    /// The deadline as said ("next Friday", "金曜日").
    pub due: Option<String>,
    /// The deadline as a date (`2024-10-11`), when the meeting's own date
    /// is known to count from.
    #[serde(default)]
    pub due_date: Option<String>,
    /// Whether it has been done: marked by its owner, or in an edit.
    #[serde(default)]
    pub done: bool,
}

pub fn summarize(transcript: &Transcript) -> Minutes {
    let segments = &transcript.segments;
    let sentences = sentences::split(segments);
    let language = Language::detect(segments);
    let meeting = extract::due::meeting_date(transcript.title.as_deref(), segments);
    let found = extract::find(&sentences, segments, meeting);
    let agenda = agenda::find(&sentences);
    let ranking = centrality::ranking(&centrality::scores(&sentences));
    Minutes {
        meeting_date: meeting.map(|d| d.to_string()),
        title: title::title(
            transcript.title.as_deref(),
            agenda.as_ref(),
            &sentences,
            language,
        ),
        summary: digest::summary(agenda.as_ref(), &found, &sentences, &ranking),
        decisions: found.decisions,
        action_items: found.actions,
        transcript: segments.clone(),
        language,
        layout: None,
    }
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
            "オンボーディング画面のリリースは六月十日に決定します。"
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
                text: "We agreed to launch the onboarding flow on June 10.".into(),
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
                due_date: None,
                done: false,
            }]
        );
    }

    #[test]
    fn the_summary_states_the_agenda_then_what_was_decided() {
        let english = minutes(Format::Vtt, EN_MEETING);
        assert_eq!(
            english.summary,
            [
                "Launch date for the new onboarding flow",
                "We agreed to launch the onboarding flow on June 10",
                "Bob: send the report by Friday",
            ]
        );
        let japanese = minutes(Format::Plain, JA_MEETING);
        assert_eq!(
            japanese.summary[0],
            "新しいオンボーディング画面のリリース日と予算"
        );
        assert!(japanese.summary.len() <= 5, "{:?}", japanese.summary);
        assert!(
            japanese
                .summary
                .iter()
                .any(|p| p.contains("六月十日に決定")),
            "{:?}",
            japanese.summary
        );
        assert!(
            japanese.summary.iter().all(|p| !p.contains("よろしく")),
            "{:?}",
            japanese.summary
        );
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
    fn without_a_document_title_the_agenda_names_the_meeting() {
        let minutes = minutes(Format::Vtt, EN_MEETING);
        assert_eq!(minutes.title, "Launch date for the new onboarding flow");
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
                "meeting_date",
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
        assert_eq!(minutes.title, title::DEFAULT);
        assert!(minutes.summary.is_empty() && minutes.decisions.is_empty());
    }
}
