//! WebVTT captions: a `WEBVTT` header, then blocks that are NOTE, STYLE or
//! REGION (skipped) or cues (optional identifier, timing line with settings,
//! payload). Voice spans `<v Name>` / `<v.loud Name>` give the speaker; a cue
//! whose lines switch voices becomes one segment per voice.

use super::{blocks, excerpt, join_lines, split_speaker, strip_tags, timing};
use crate::summary::transcript::{Format, ParseError, Segment, Transcript};

pub(in crate::summary) fn parse(input: &str) -> Result<Transcript, ParseError> {
    let header = input.lines().next().unwrap_or_default();
    let header_ok = header.strip_prefix("WEBVTT").is_some_and(|rest| {
        rest.trim_end_matches('\r').is_empty() || rest.starts_with([' ', '\t'])
    });
    if !header_ok {
        return Err(ParseError::MissingVttHeader);
    }
    let mut segments = Vec::new();
    let mut blocks = blocks(input).into_iter();
    // The first block is the header and its metadata lines, unless a cue
    // follows without the blank line the format asks for.
    let header = blocks.next().unwrap_or_default();
    let glued = header
        .iter()
        .position(|(_, line)| line.contains("-->"))
        .map(|at| header[at..].to_vec());
    for block in glued.into_iter().chain(blocks) {
        let (first_line, first) = block[0];
        if ["NOTE", "STYLE", "REGION"]
            .iter()
            .any(|k| is_keyword(first, k))
        {
            continue;
        }
        let timing_at = match block.iter().position(|(_, line)| line.contains("-->")) {
            Some(at @ (0 | 1)) => at,
            _ => {
                let (line, found) = block.get(1).copied().unwrap_or((first_line, first));
                return Err(ParseError::Unexpected {
                    line,
                    expected: "a cue timing line 'MM:SS.mmm --> MM:SS.mmm'",
                    found: excerpt(found.trim()),
                });
            }
        };
        let (line, timing_text) = block[timing_at];
        let (start, end) = timing(Format::Vtt, line, timing_text)?;
        for (voice, lines) in voices(&block[timing_at + 1..]) {
            let text = join_lines(lines);
            let (speaker, text) = match voice {
                Some(voice) => (Some(voice), text.as_str()),
                None => split_speaker(&text),
            };
            segments.push(Segment {
                start: Some(start),
                end: Some(end),
                speaker,
                text: text.to_owned(),
            });
        }
    }
    Ok(Transcript {
        title: None,
        segments,
    })
}

/// `NOTE`, `NOTE text`, but not `NOTES`.
fn is_keyword(line: &str, keyword: &str) -> bool {
    line.strip_prefix(keyword)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Payload lines grouped by voice, tags removed. A line without a voice tag
/// stays with the voice before it (a span runs to the end of the cue).
fn voices(payload: &[(usize, &str)]) -> Vec<(Option<String>, Vec<String>)> {
    let mut groups: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for (_, line) in payload {
        let mut voice = None;
        let text = strip_tags(line, |tag| {
            if voice.is_none() {
                voice = voice_name(tag);
            }
        });
        match groups.last_mut() {
            Some((current, lines)) if voice.is_none() || voice == *current => lines.push(text),
            _ => groups.push((voice, vec![text])),
        }
    }
    groups
}

/// The annotation of a `<v Name>` or `<v.class Name>` tag.
fn voice_name(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix('v')?;
    if !rest.starts_with(['.', ' ', '\t']) {
        return None;
    }
    let (_, name) = rest.split_once([' ', '\t'])?;
    Some(name.trim().to_owned()).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use crate::summary::transcript::{Format, ParseError, parse};

    const EN_MEETING: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transcripts/en_meeting.vtt"
    ));

    #[test]
    fn english_meeting_with_voice_tags_gives_speakers() {
        let segments = parse(Format::Vtt, EN_MEETING).unwrap().segments;
        let speakers: Vec<&str> = segments
            .iter()
            .map(|s| s.speaker.as_deref().unwrap_or("-"))
            .collect();
        assert_eq!(
            speakers,
            [
                "Alice", "Bob", "Carol", "Alice", "Carol", "Bob", "Alice", "Dave"
            ]
        );
        assert_eq!(segments[0].start, Some(1.0));
        assert_eq!(segments[0].end, Some(6.5));
        assert_eq!(segments[3].start, Some(20.0), "MM:SS.mmm without hours");
        assert_eq!(segments[4].text, "I can help with the bug fixes.");
        assert_eq!(segments[5].text, "Thanks, Carol.");
        assert_eq!(segments[4].start, segments[5].start, "one cue, two voices");
        assert!(segments.iter().all(|s| !s.text.contains('<')));
    }

    #[test]
    fn header_text_identifiers_settings_and_notes_are_handled() {
        let input = "WEBVTT - title\nKind: captions\n\nNOTE a\nmultiline note\n\n\
                     intro\n00:01.000 --> 00:02.500 line:0 align:start\n<c.yellow>Hi</c> <00:01.500>there\n\n\
                     STYLE\n::cue { color: red }\n\n00:03.000 --> 00:04.000\nAlice: plain prefix";
        let segments = parse(Format::Vtt, input).unwrap().segments;
        assert_eq!(segments.len(), 2);
        assert_eq!(segments[0].text, "Hi there");
        assert_eq!(segments[0].end, Some(2.5));
        assert_eq!(segments[1].speaker.as_deref(), Some("Alice"));
    }

    #[test]
    fn a_file_without_the_header_is_rejected() {
        let input = "1\n00:00:01.000 --> 00:00:02.000\nhello\n";
        assert_eq!(parse(Format::Vtt, input), Err(ParseError::MissingVttHeader));
        assert_eq!(
            parse(Format::Vtt, "WEBVTTX\n"),
            Err(ParseError::MissingVttHeader)
        );
    }

    #[test]
    fn bad_cue_timings_name_their_line() {
        let error = parse(Format::Vtt, "WEBVTT\n\n00:01.000 --> 00:0x.000\nhi").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 3: invalid WebVTT timestamp '00:0x.000'"
        );
        let error = parse(Format::Vtt, "WEBVTT\n\nid\nno timing\n").unwrap_err();
        assert!(matches!(error, ParseError::Unexpected { line: 4, .. }));
    }
}
