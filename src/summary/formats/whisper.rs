//! Whisper `verbose_json` (what `/v1/audio/transcriptions` returns with
//! `response_format=verbose_json`): timed `segments`, each possibly carrying a
//! diarization `speaker`. Unknown fields (`language`, `tokens`, `words`, …)
//! are ignored.

use serde::Deserialize;

use crate::summary::transcript::{ParseError, Segment, Transcript};

#[derive(Deserialize)]
struct VerboseJson {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    segments: Option<Vec<WhisperSegment>>,
}

#[derive(Deserialize)]
struct WhisperSegment {
    #[serde(default)]
    start: Option<f64>,
    #[serde(default)]
    end: Option<f64>,
    #[serde(default)]
    text: String,
    /// Diarizers label speakers with names (`"SPEAKER_00"`) or numbers;
    /// anything else is ignored rather than failing the transcript.
    #[serde(default)]
    speaker: Option<serde_json::Value>,
}

pub(in crate::summary) fn parse(input: &str) -> Result<Transcript, ParseError> {
    let json: VerboseJson =
        serde_json::from_str(input).map_err(|e| ParseError::InvalidJson(e.to_string()))?;
    let Some(whisper_segments) = json.segments else {
        return Err(ParseError::MissingSegments);
    };
    let mut segments: Vec<Segment> = whisper_segments
        .into_iter()
        .map(|s| Segment {
            start: s.start,
            end: s.end,
            speaker: match s.speaker {
                Some(serde_json::Value::String(name)) => Some(name),
                Some(serde_json::Value::Number(n)) => Some(format!("Speaker {n}")),
                _ => None,
            },
            text: s.text.trim().to_owned(),
        })
        .collect();
    // Segments without text but a transcript text: keep the words, untimed.
    if segments.iter().all(|s| s.text.is_empty()) {
        segments = json
            .text
            .map(|text| Segment {
                start: None,
                end: None,
                speaker: None,
                text,
            })
            .into_iter()
            .collect();
    }
    Ok(Transcript {
        title: None,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use crate::summary::transcript::{Format, ParseError, parse};

    const VERBOSE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transcripts/whisper_verbose.json"
    ));

    #[test]
    fn verbose_json_segments_keep_times_and_speakers() {
        let segments = parse(Format::WhisperJson, VERBOSE).unwrap().segments;
        assert_eq!(segments.len(), 3);
        assert_eq!(segments[0].start, Some(0.0));
        assert_eq!(segments[0].end, Some(4.2));
        assert_eq!(segments[0].text, "本日の会議を始めます。");
        assert_eq!(segments[0].speaker.as_deref(), Some("SPEAKER_00"));
        assert_eq!(segments[1].speaker.as_deref(), Some("Speaker 1"));
        assert_eq!(segments[2].speaker, None);
    }

    #[test]
    fn json_without_segments_is_rejected_with_a_hint() {
        let error = parse(Format::WhisperJson, r#"{"text": "hello"}"#).unwrap_err();
        assert_eq!(error, ParseError::MissingSegments);
        assert!(error.to_string().contains("verbose_json"));
    }

    #[test]
    fn malformed_json_reports_where() {
        let error = parse(Format::WhisperJson, "{\"segments\": [\n{\"start\": }]}").unwrap_err();
        let ParseError::InvalidJson(message) = &error else {
            panic!("unexpected {error:?}");
        };
        assert!(message.contains("line 2"), "{message}");
        let error = parse(Format::WhisperJson, "[1, 2]").unwrap_err();
        assert!(matches!(error, ParseError::InvalidJson(_)));
    }

    #[test]
    fn empty_segments_fall_back_to_the_text() {
        let input = r#"{"text": " hello there ", "segments": []}"#;
        let segments = parse(Format::WhisperJson, input).unwrap().segments;
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].text, "hello there");
        assert_eq!(segments[0].start, None);
    }
}
