//! The transcript every uploaded text format is parsed into, and `parse`, which
//! picks the parser. Parsing is total: any input gives either a transcript with
//! at least one segment of text or a `ParseError` a person can act on ("line 12:
//! invalid SRT timestamp '00:01:xx,000'").

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::formats;

/// One utterance or caption cue. Times are seconds from the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Segment {
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub speaker: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The document's own title: a Markdown transcript's first heading, or a
    /// plain one's title line (a short first line set off by a blank line).
    #[serde(default)]
    pub title: Option<String>,
    pub segments: Vec<Segment>,
}

/// The transcript formats an upload can be parsed from directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Plain,
    Markdown,
    Srt,
    Vtt,
    WhisperJson,
}

impl Format {
    /// The format of an upload from the content type stored with it
    /// (`tasks::sniff` stores `text/plain; charset=utf-8`,
    /// `text/markdown; charset=utf-8`, `application/x-subrip`, `text/vtt` and
    /// `application/json`); `None` for audio, video and anything else.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        match essence.to_ascii_lowercase().as_str() {
            "text/plain" => Some(Self::Plain),
            "text/markdown" | "text/x-markdown" => Some(Self::Markdown),
            "application/x-subrip" | "application/srt" | "text/srt" => Some(Self::Srt),
            "text/vtt" => Some(Self::Vtt),
            "application/json" => Some(Self::WhisperJson),
            _ => None,
        }
    }

    /// The format from a file extension (`"srt"`, `".VTT"`); `None` when it
    /// is not a transcript extension.
    pub fn from_extension(extension: &str) -> Option<Self> {
        let extension = extension.strip_prefix('.').unwrap_or(extension);
        match extension.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Self::Plain),
            "md" | "markdown" => Some(Self::Markdown),
            "srt" => Some(Self::Srt),
            "vtt" => Some(Self::Vtt),
            "json" => Some(Self::WhisperJson),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Plain => "plain text",
            Self::Markdown => "Markdown",
            Self::Srt => "SRT",
            Self::Vtt => "WebVTT",
            Self::WhisperJson => "Whisper JSON",
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    #[error("the transcript is empty")]
    Empty,
    #[error("the file is not text: it contains binary data")]
    NotText,
    #[error("line 1: a WebVTT file must start with 'WEBVTT'")]
    MissingVttHeader,
    #[error("line {line}: invalid {format} timestamp '{value}'")]
    InvalidTimestamp {
        line: usize,
        format: Format,
        value: String,
    },
    #[error("line {line}: expected {expected}, found '{found}'")]
    Unexpected {
        line: usize,
        expected: &'static str,
        found: String,
    },
    #[error("not a Whisper verbose_json transcript: {0}")]
    InvalidJson(String),
    #[error(
        "the JSON has no \"segments\" list; export the transcription with response_format=verbose_json"
    )]
    MissingSegments,
}

/// Parses `input` as `format`. Segments come back with their text and speaker
/// trimmed and whitespace collapsed, and without NUL, which a Whisper JSON
/// file can carry as `\u0000` and the database cannot store (a lone
/// surrogate escape is not JSON to serde: `InvalidJson`); segments without
/// text are dropped.
pub fn parse(format: Format, input: &str) -> Result<Transcript, ParseError> {
    let input = input.strip_prefix('\u{FEFF}').unwrap_or(input);
    if looks_binary(input) {
        return Err(ParseError::NotText);
    }
    // Classic Mac line endings: a lone CR is a line break only if no LF occurs.
    let input = if input.contains('\r') && !input.contains('\n') {
        Cow::Owned(input.replace('\r', "\n"))
    } else {
        Cow::Borrowed(input)
    };
    let mut transcript = match format {
        Format::Plain => formats::plain::parse(&input, false),
        Format::Markdown => formats::plain::parse(&input, true),
        Format::Srt => formats::srt::parse(&input)?,
        Format::Vtt => formats::vtt::parse(&input)?,
        Format::WhisperJson => formats::whisper::parse(&input)?,
    };
    for segment in &mut transcript.segments {
        segment.text = collapse_whitespace(&segment.text);
        segment.speaker = segment
            .speaker
            .as_deref()
            .map(collapse_whitespace)
            .filter(|s| !s.is_empty());
    }
    transcript.segments.retain(|s| !s.text.is_empty());
    transcript.title = transcript
        .title
        .as_deref()
        .map(collapse_whitespace)
        .filter(|t| !t.is_empty());
    if transcript.segments.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(transcript)
}

fn collapse_whitespace(text: &str) -> String {
    let words = text.split_whitespace().map(|word| word.replace('\0', ""));
    words
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// NUL anywhere, or more than one character in twenty being a control
/// character or U+FFFD (what a lossy decode makes of binary bytes).
fn looks_binary(input: &str) -> bool {
    let (mut total, mut odd) = (0usize, 0usize);
    for c in input.chars() {
        if c == '\0' {
            return true;
        }
        total += 1;
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{C}')) {
            odd += 1;
        }
    }
    odd * 20 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Format; 5] = [
        Format::Plain,
        Format::Markdown,
        Format::Srt,
        Format::Vtt,
        Format::WhisperJson,
    ];

    #[test]
    fn content_types_stored_by_the_upload_map_to_formats() {
        let cases = [
            ("text/plain; charset=utf-8", Format::Plain),
            ("text/markdown; charset=utf-8", Format::Markdown),
            ("application/x-subrip", Format::Srt),
            ("text/vtt", Format::Vtt),
            ("application/json", Format::WhisperJson),
            ("Text/VTT; charset=UTF-8", Format::Vtt),
        ];
        for (content_type, format) in cases {
            assert_eq!(Format::from_content_type(content_type), Some(format));
        }
        assert_eq!(Format::from_content_type("audio/wav"), None);
        assert_eq!(Format::from_content_type(""), None);
    }

    #[test]
    fn extensions_map_to_formats() {
        assert_eq!(Format::from_extension("txt"), Some(Format::Plain));
        assert_eq!(Format::from_extension(".MD"), Some(Format::Markdown));
        assert_eq!(Format::from_extension("srt"), Some(Format::Srt));
        assert_eq!(Format::from_extension("vtt"), Some(Format::Vtt));
        assert_eq!(Format::from_extension("json"), Some(Format::WhisperJson));
        assert_eq!(Format::from_extension("mp3"), None);
    }

    #[test]
    fn empty_and_blank_files_are_empty_in_every_format() {
        for format in [Format::Plain, Format::Markdown, Format::Srt] {
            for input in ["", "\u{FEFF}", "  \n\r\n\t\n"] {
                assert_eq!(parse(format, input), Err(ParseError::Empty), "{format}");
            }
        }
        assert_eq!(parse(Format::Vtt, "WEBVTT\n\n"), Err(ParseError::Empty));
        assert_eq!(
            parse(Format::WhisperJson, r#"{"text": "", "segments": []}"#),
            Err(ParseError::Empty)
        );
        assert_eq!(ParseError::Empty.to_string(), "the transcript is empty");
    }

    #[test]
    fn binary_garbage_is_not_text_in_every_format() {
        // A fixed linear congruential generator: the same bytes on every run.
        let mut state: u32 = 0x2545_F491;
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .collect();
        let garbage = String::from_utf8_lossy(&bytes);
        for format in ALL {
            assert_eq!(
                parse(format, &garbage),
                Err(ParseError::NotText),
                "{format}"
            );
        }
        assert_eq!(
            parse(Format::Plain, "\u{1}\u{2}\u{3}abc"),
            Err(ParseError::NotText)
        );
    }

    #[test]
    fn odd_inputs_never_panic() {
        let pieces = [
            "",
            "\n",
            "\r\n",
            "-->",
            " --> ",
            "00:",
            "00:00",
            "00:00:00,000",
            "00:00.000",
            "99:99",
            "WEBVTT",
            "NOTE",
            "<v",
            "<v Al>",
            "</v>",
            "<",
            ">",
            "&amp",
            "[",
            "]",
            "(",
            "**",
            ":",
            "：",
            "# ",
            "- [ ] ",
            "1. ",
            "> ",
            "{",
            "}",
            "\"segments\"",
            "[]",
            "田中",
            "さん",
            "までに",
            "。",
            ".",
            "by",
            "Friday",
            "will",
            "é",
            "🙂",
            "\u{FEFF}",
            "\t",
            "\u{3000}",
        ];
        let mut state: u32 = 7;
        for _ in 0..3000 {
            let mut input = String::new();
            for _ in 0..12 {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                input.push_str(pieces[(state >> 16) as usize % pieces.len()]);
            }
            for format in ALL {
                if let Ok(transcript) = parse(format, &input) {
                    assert!(transcript.segments.iter().all(|s| !s.text.is_empty()));
                    let minutes = crate::summary::summarize(&transcript);
                    let _ = crate::summary::render::markdown(&minutes);
                    let _ = crate::summary::render::text(&minutes);
                }
            }
        }
    }

    #[test]
    fn large_pathological_inputs_finish() {
        // Each of these is quadratic for a naive parser; here they are linear.
        let unclosed_tags = "<a".repeat(100_000);
        let srt = format!("1\n00:00:01,000 --> 00:00:02,000\n{unclosed_tags}\n");
        assert!(parse(Format::Srt, &srt).is_ok());
        let vtt = format!("WEBVTT\n\n00:01.000 --> 00:02.000\n{unclosed_tags}\n");
        assert!(parse(Format::Vtt, &vtt).is_ok());
        let wrapped = "some words wrapped at the end\n".repeat(20_000);
        let transcript = parse(Format::Plain, &wrapped).unwrap();
        assert_eq!(transcript.segments.len(), 1);
        let periods_without_spaces = "本日は晴天.明日は雨.".repeat(20_000);
        let transcript = parse(Format::Plain, &periods_without_spaces).unwrap();
        let minutes = crate::summary::summarize(&transcript);
        assert!(!minutes.summary.is_empty());
    }

    #[test]
    fn nul_escaped_in_json_is_dropped_and_a_lone_surrogate_is_not_json() {
        let whisper = r#"{"segments": [
            {"start": 0, "end": 1, "speaker": "A\u0000", "text": "We agreed\u0000 to ship."},
            {"start": 1, "end": 2, "text": "\u0000"}
        ]}"#;
        let transcript = parse(Format::WhisperJson, whisper).unwrap();
        assert_eq!(
            transcript.segments.len(),
            1,
            "a segment of NUL alone is empty"
        );
        assert_eq!(transcript.segments[0].text, "We agreed to ship.");
        assert_eq!(transcript.segments[0].speaker.as_deref(), Some("A"));
        let fallback = r#"{"text": "a\u0000b", "segments": []}"#;
        assert_eq!(
            parse(Format::WhisperJson, fallback).unwrap().segments[0].text,
            "ab"
        );
        for lone in [r"\ud800", r"\udfff", r"a\ud83d b"] {
            let whisper = format!(r#"{{"segments": [{{"text": "{lone}"}}]}}"#);
            assert!(
                matches!(
                    parse(Format::WhisperJson, &whisper),
                    Err(ParseError::InvalidJson(_))
                ),
                "{lone}"
            );
        }
    }

    #[test]
    fn lone_carriage_returns_are_line_breaks() {
        let transcript = parse(Format::Plain, "Alice: hi.\rBob: hello.\r").unwrap();
        assert_eq!(transcript.segments.len(), 2);
        assert_eq!(transcript.segments[1].speaker.as_deref(), Some("Bob"));
    }
}
