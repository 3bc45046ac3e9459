//! Minutes as the documents `GET /api/tasks/{id}/minutes?format=md|json|txt|docx`
//! serves (DOCX by `docx`). Markdown escapes the transcript's own punctuation so text from an
//! upload cannot inject links or HTML into a rendered page.

use std::fmt::Write;

use super::language::Headings;
use super::summarize::{ActionItem, Minutes};
use super::template::SectionKind;
use super::transcript::Segment;

/// A `?format=` value of the minutes endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinutesFormat {
    Markdown,
    Json,
    Text,
    Docx,
}

/// A rendering that failed: a bug, never the minutes' fault.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("minutes as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("minutes as DOCX: {0}")]
    Docx(#[from] docx_rs::DocxError),
}

impl MinutesFormat {
    /// `md` (or `markdown`), `json`, `txt` (or `text`), `docx`.
    pub fn from_query(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Self::Markdown),
            "json" => Some(Self::Json),
            "txt" | "text" => Some(Self::Text),
            "docx" => Some(Self::Docx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Json => "application/json",
            Self::Text => "text/plain; charset=utf-8",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    /// The extension of a downloaded file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Json => "json",
            Self::Text => "txt",
            Self::Docx => "docx",
        }
    }

    pub fn render(self, minutes: &Minutes) -> Result<Vec<u8>, RenderError> {
        Ok(match self {
            Self::Markdown => markdown(minutes).into_bytes(),
            Self::Json => json(minutes)?.into_bytes(),
            Self::Text => text(minutes).into_bytes(),
            Self::Docx => super::docx::docx(minutes)?,
        })
    }
}

pub fn json(minutes: &Minutes) -> serde_json::Result<String> {
    serde_json::to_string_pretty(minutes)
}

pub fn markdown(minutes: &Minutes) -> String {
    let words = minutes.language.headings();
    let mut out = format!("# {}\n", escape(&minutes.title));
    if let Some(date) = &minutes.meeting_date {
        let _ = write!(out, "\n{}\n", escape(date));
    }
    for (kind, heading) in sections(minutes) {
        let heading = format!("## {}", escape(&heading));
        let lines: Box<dyn Iterator<Item = String>> = match kind {
            SectionKind::Summary => {
                Box::new(minutes.summary.iter().map(|s| format!("- {}", escape(s))))
            }
            SectionKind::Decisions => Box::new(
                minutes
                    .decisions
                    .iter()
                    .map(|d| format!("- {}", escape(&d.text))),
            ),
            SectionKind::ActionItems => Box::new(minutes.action_items.iter().map(|a| {
                let mark = if a.done { 'x' } else { ' ' };
                let mut line = format!("- [{mark}] {}", escape(&a.text));
                if let Some(owner) = &a.owner {
                    let _ = write!(line, " — **{}:** {}", words.owner, escape(owner));
                }
                if let Some(due) = due(a) {
                    let _ = write!(line, " — **{}:** {}", words.due, escape(&due));
                }
                line
            })),
            SectionKind::Transcript => Box::new(minutes.transcript.iter().map(|segment| {
                let mut line = stamp(segment);
                if let Some(speaker) = &segment.speaker {
                    let _ = write!(line, "**{}:** ", escape(speaker));
                }
                line + &escape(&segment.text) + "\n"
            })),
        };
        section(&mut out, words, &heading, lines);
    }
    out
}

pub fn text(minutes: &Minutes) -> String {
    let words = minutes.language.headings();
    let mut out = format!("{}\n", one_line(&minutes.title));
    if let Some(date) = &minutes.meeting_date {
        let _ = writeln!(out, "{}", one_line(date));
    }
    for (kind, heading) in sections(minutes) {
        let heading = one_line(&heading);
        let lines: Box<dyn Iterator<Item = String>> = match kind {
            SectionKind::Summary => {
                Box::new(minutes.summary.iter().map(|s| format!("- {}", one_line(s))))
            }
            SectionKind::Decisions => Box::new(
                minutes
                    .decisions
                    .iter()
                    .map(|d| format!("- {}", one_line(&d.text))),
            ),
            SectionKind::ActionItems => {
                Box::new(minutes.action_items.iter().map(|a| action_text(a, words)))
            }
            SectionKind::Transcript => Box::new(minutes.transcript.iter().map(|segment| {
                let mut line = stamp(segment);
                if let Some(speaker) = &segment.speaker {
                    let _ = write!(line, "{}: ", one_line(speaker));
                }
                line + &one_line(&segment.text)
            })),
        };
        section(&mut out, words, &heading, lines);
    }
    out
}

/// The sections to render, in order, with their headings: the template's
/// when the minutes were made with one, else every section under the
/// language's own headings.
pub(super) fn sections(minutes: &Minutes) -> Vec<(SectionKind, String)> {
    if let Some(layout) = &minutes.layout {
        return layout
            .sections
            .iter()
            .map(|s| (s.kind, s.heading.clone()))
            .collect();
    }
    let words = minutes.language.headings();
    SectionKind::ALL
        .into_iter()
        .map(|kind| {
            let heading = match kind {
                SectionKind::Summary => words.summary,
                SectionKind::Decisions => words.decisions,
                SectionKind::ActionItems => words.action_items,
                SectionKind::Transcript => words.transcript,
            };
            (kind, heading.to_owned())
        })
        .collect()
}

fn action_text(action: &ActionItem, words: &Headings) -> String {
    // Inline, mid-sentence labels: lowercase where the language has case.
    let details: Vec<String> = [
        (words.owner, action.owner.clone()),
        (words.due, due(action)),
    ]
    .into_iter()
    .filter_map(|(label, value)| {
        value
            .as_deref()
            .map(|v| format!("{}: {}", label.to_lowercase(), one_line(v)))
    })
    .collect();
    if details.is_empty() {
        format!("- {}", one_line(&action.text))
    } else {
        format!("- {} ({})", one_line(&action.text), details.join("; "))
    }
}

/// The deadline as said, with its date when known: "next Friday (2024-10-11)".
pub(super) fn due(action: &ActionItem) -> Option<String> {
    match (&action.due, &action.due_date) {
        (Some(said), Some(date)) => Some(format!("{said} ({date})")),
        (said, date) => said.clone().or_else(|| date.clone()),
    }
}

/// A heading, then one line per item (or "None." in the meeting's language).
fn section(out: &mut String, words: &Headings, heading: &str, lines: impl Iterator<Item = String>) {
    let _ = write!(out, "\n{heading}\n\n");
    let before = out.len();
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    if out.len() == before {
        out.push_str(words.none);
        out.push('\n');
    }
}

/// `[mm:ss] ` (or `[h:mm:ss] `) for a timed segment, else nothing.
pub(super) fn stamp(segment: &Segment) -> String {
    match segment.start {
        Some(start) if start.is_finite() && start >= 0.0 => {
            let total = start as u64;
            let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
            match hours {
                0 => format!("[{minutes:02}:{seconds:02}] "),
                _ => format!("[{hours}:{minutes:02}:{seconds:02}] "),
            }
        }
        _ => String::new(),
    }
}

pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Backslash-escapes Markdown's inline syntax; newlines become spaces so an
/// item stays one line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{Language, summarize::Decision};

    fn sample() -> Minutes {
        let segment = |start, speaker: &str, text: &str| Segment {
            start,
            end: None,
            speaker: Some(speaker.into()),
            text: text.into(),
        };
        Minutes {
            meeting_date: None,
            title: "Weekly sync".into(),
            summary: vec!["We agreed to launch on June 10.".into()],
            decisions: vec![Decision {
                text: "We agreed to launch on June 10.".into(),
                segment: 0,
            }],
            action_items: vec![ActionItem {
                text: "Bob will send the report by Friday.".into(),
                segment: 1,
                owner: Some("Bob".into()),
                due: Some("Friday".into()),
                due_date: Some("2024-06-07".into()),
                done: false,
            }],
            transcript: vec![
                segment(Some(65.4), "Alice", "We agreed to launch on June 10."),
                segment(Some(3725.0), "Alice", "Bob will send the report by Friday."),
                segment(None, "Eve", "<script>x</script> [link](javascript:y)"),
            ],
            language: Language::En,
            layout: None,
        }
    }

    #[test]
    fn markdown_has_every_section_with_owner_due_and_timestamps() {
        let markdown = markdown(&sample());
        for heading in [
            "# Weekly sync\n",
            "\n## Summary\n",
            "\n## Decisions\n",
            "\n## Action items\n",
            "\n## Transcript\n",
        ] {
            assert!(
                markdown.contains(heading),
                "{heading} missing from\n{markdown}"
            );
        }
        assert!(markdown.contains(
            "- [ ] Bob will send the report by Friday. — **Owner:** Bob — **Due:** Friday (2024-06-07)\n"
        ));
        assert!(markdown.contains("[01:05] **Alice:** We agreed to launch on June 10.\n"));
        assert!(markdown.contains("[1:02:05] **Alice:** Bob will"));
    }

    #[test]
    fn markdown_escapes_markup_from_the_transcript() {
        let markdown = markdown(&sample());
        assert!(markdown.contains("**Eve:** \\<script\\>x\\</script\\> \\[link\\](javascript:y)"));
    }

    #[test]
    fn empty_sections_say_none() {
        let mut minutes = sample();
        minutes.decisions.clear();
        assert!(markdown(&minutes).contains("## Decisions\n\nNone.\n"));
        assert!(text(&minutes).contains("Decisions\n\nNone.\n"));
    }

    #[test]
    fn text_lists_actions_with_owner_and_due() {
        let text = text(&sample());
        assert!(text.starts_with("Weekly sync\n"));
        assert!(text.contains(
            "- Bob will send the report by Friday. (owner: Bob; due: Friday (2024-06-07))\n"
        ));
        assert!(text.contains("[01:05] Alice: We agreed"));
        assert!(!text.contains("**"));
    }

    #[test]
    fn json_round_trips_and_query_values_pick_the_format() {
        let minutes = sample();
        let json = MinutesFormat::from_query("json")
            .unwrap()
            .render(&minutes)
            .unwrap();
        assert_eq!(serde_json::from_slice::<Minutes>(&json).unwrap(), minutes);
        let mut stored: serde_json::Value = serde_json::from_slice(&json).unwrap();
        stored.as_object_mut().unwrap().remove("language");
        let old: Minutes = serde_json::from_value(stored).unwrap();
        assert_eq!(
            old.language,
            Language::En,
            "minutes stored before languages"
        );
        assert_eq!(
            MinutesFormat::from_query("MD"),
            Some(MinutesFormat::Markdown)
        );
        assert_eq!(MinutesFormat::from_query("txt"), Some(MinutesFormat::Text));
        assert_eq!(MinutesFormat::from_query("pdf"), None);
        assert_eq!(
            MinutesFormat::Text.content_type(),
            "text/plain; charset=utf-8"
        );
    }
}
