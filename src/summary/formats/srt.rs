//! SubRip subtitles: blank-line separated cues of an index line,
//! `HH:MM:SS,mmm --> HH:MM:SS,mmm` and text lines. The index may be missing,
//! and a block without index or timing after a cue is taken as more of that
//! cue's text (a stray blank line inside a subtitle).

use super::{append_line, blocks, excerpt, join_lines, split_speaker, strip_tags, timing};
use crate::summary::transcript::{Format, ParseError, Segment, Transcript};

const EXPECTED_TIMING: &str = "a timing line 'HH:MM:SS,mmm --> HH:MM:SS,mmm'";

pub(in crate::summary) fn parse(input: &str) -> Result<Transcript, ParseError> {
    let mut segments: Vec<Segment> = Vec::new();
    for block in blocks(input) {
        let (first_line, first) = block[0];
        let is_index = first.trim().bytes().all(|b| b.is_ascii_digit());
        let timing_at = if first.contains("-->") {
            0
        } else if is_index {
            match block.get(1) {
                Some((_, line)) if line.contains("-->") => 1,
                Some(&(line, found)) => return Err(unexpected(line, EXPECTED_TIMING, found)),
                None => {
                    let expected = "a timing line after the subtitle number";
                    return Err(unexpected(first_line + 1, expected, ""));
                }
            }
        } else if let Some(cue) = segments.last_mut() {
            for (_, line) in &block {
                append_line(&mut cue.text, &strip_tags(line, |_| {}));
            }
            continue;
        } else {
            let expected = "a subtitle number or a timing line";
            return Err(unexpected(first_line, expected, first));
        };
        let (line, timing_text) = block[timing_at];
        let (start, end) = timing(Format::Srt, line, timing_text)?;
        let text = join_lines(
            block[timing_at + 1..]
                .iter()
                .map(|(_, line)| strip_tags(line, |_| {})),
        );
        let (speaker, text) = split_speaker(&text);
        segments.push(Segment {
            start: Some(start),
            end: Some(end),
            speaker,
            text: text.to_owned(),
        });
    }
    Ok(Transcript {
        title: None,
        segments,
    })
}

fn unexpected(line: usize, expected: &'static str, found: &str) -> ParseError {
    ParseError::Unexpected {
        line,
        expected,
        found: excerpt(found.trim()),
    }
}

#[cfg(test)]
mod tests {
    use crate::summary::transcript::{Format, ParseError, parse};

    const EN_MEETING: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transcripts/en_meeting.srt"
    ));

    #[test]
    fn cues_parse_with_times_speakers_and_tags_removed() {
        let segments = parse(Format::Srt, EN_MEETING).unwrap().segments;
        assert_eq!(segments.len(), 4);
        assert_eq!(segments[0].start, Some(1.0));
        assert_eq!(segments[0].end, Some(4.5));
        assert_eq!(segments[0].speaker.as_deref(), Some("Alice"));
        assert_eq!(
            segments[0].text,
            "Welcome to the sync. Let's review the launch."
        );
        assert_eq!(segments[1].text, "The build is green.");
        assert_eq!(segments[1].speaker, None);
        assert_eq!(segments[3].end, Some(3723.25));
    }

    #[test]
    fn crlf_bom_missing_index_and_no_trailing_blank_line_are_tolerated() {
        let input = "\u{FEFF}1\r\n00:00:01,000 --> 00:00:02,000\r\n字幕です。\r\n\r\n\
                     00:00:03,000 --> 00:00:04,000 X1:10\r\n続き\r\nです。";
        let segments = parse(Format::Srt, input).unwrap().segments;
        assert_eq!(segments.len(), 2);
        assert_eq!(segments[0].text, "字幕です。");
        assert_eq!(segments[1].text, "続きです。");
        assert_eq!(segments[1].start, Some(3.0));
    }

    #[test]
    fn a_bad_timestamp_names_its_line_and_value() {
        let input = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:01:xx,000 --> 00:01:05,000\nbad";
        let error = parse(Format::Srt, input).unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 6: invalid SRT timestamp '00:01:xx,000'"
        );
    }

    #[test]
    fn an_index_without_timing_is_an_error() {
        let error = parse(Format::Srt, "1\nhello\n").unwrap_err();
        assert!(matches!(error, ParseError::Unexpected { line: 2, .. }));
        assert_eq!(
            error.to_string(),
            "line 2: expected a timing line 'HH:MM:SS,mmm --> HH:MM:SS,mmm', found 'hello'"
        );
        let error = parse(Format::Srt, "just some prose\n").unwrap_err();
        assert!(matches!(error, ParseError::Unexpected { line: 1, .. }));
    }
}
