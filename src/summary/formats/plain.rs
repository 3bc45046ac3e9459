//! Plain-text and Markdown transcripts: one segment per utterance line, with
//! `Speaker: text`, `**Speaker**: text` and a leading `[00:01:02]` recognised.
//! A line continues the previous one only when that one was cut off
//! mid-sentence (hard-wrapped prose); headings, rules, fences and list markers are markup.

use super::{append_line, parse_clock, split_speaker};
use crate::summary::transcript::{Segment, Transcript};

pub(in crate::summary) fn parse(input: &str, markdown: bool) -> Transcript {
    let lines: Vec<&str> = super::numbered_lines(input)
        .map(|(_, line)| line.trim())
        .collect();
    let title_line = if markdown { None } else { title_line(&lines) };
    let mut title = title_line.map(|i| lines[i].to_owned());
    let mut segments = Vec::new();
    // The segment a wrapped line would continue.
    let mut open: Option<Segment> = None;
    for (i, &line) in lines.iter().enumerate() {
        if Some(i) == title_line {
            continue;
        }
        if line.is_empty() || is_rule_or_fence(line) {
            segments.extend(open.take());
            continue;
        }
        if let Some(heading) = heading(line).filter(|_| markdown) {
            if title.is_none() && !heading.is_empty() {
                title = Some(heading.to_owned());
            }
            segments.extend(open.take());
            continue;
        }
        let (marked, line) = strip_list_marker(line, markdown);
        let (start, end, line) = leading_timestamp(line);
        let (speaker, text) = split_speaker(line);
        let fresh = marked || start.is_some() || speaker.is_some();
        match open.as_mut() {
            Some(segment) if !fresh && is_cut_off(&segment.text, text) => {
                append_line(&mut segment.text, text);
            }
            _ => {
                segments.extend(open.take());
                let text = text.to_owned();
                open = Some(Segment {
                    start,
                    end,
                    speaker,
                    text,
                });
            }
        }
    }
    segments.extend(open);
    Transcript { title, segments }
}

/// A plain transcript's title: a short first line without sentence-ending
/// punctuation or speaker, set off from what follows by a blank line.
fn title_line(lines: &[&str]) -> Option<usize> {
    let first = lines.iter().position(|l| !l.is_empty())?;
    let line = lines[first];
    let set_off = lines.get(first + 1).is_some_and(|l| l.is_empty())
        && lines[first + 1..].iter().any(|l| !l.is_empty());
    let plain = split_speaker(line).0.is_none()
        && leading_timestamp(line).0.is_none()
        && !strip_list_marker(line, false).0;
    let unfinished = !line.ends_with(['.', '!', '?', '。', '！', '？', ':', '：']);
    (set_off && plain && unfinished && line.chars().count() <= 60).then_some(first)
}

/// `# Heading` to `Heading` (levels 1–6, closing hashes and emphasis removed).
fn heading(line: &str) -> Option<&str> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    let rest = &line[level..];
    let is_heading = (1..=6).contains(&level) && (rest.is_empty() || rest.starts_with(' '));
    is_heading.then(|| {
        rest.trim()
            .trim_end_matches('#')
            .trim()
            .trim_matches('*')
            .trim()
    })
}

/// `---`, `***`, `===` separators and code fences carry no speech.
fn is_rule_or_fence(line: &str) -> bool {
    if line.starts_with("```") || line.starts_with("~~~") {
        return true;
    }
    let marks: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    marks.len() >= 3
        && ['-', '*', '_', '=']
            .iter()
            .any(|&m| marks.chars().all(|c| c == m))
}

/// Strips `- `, `* `, `+ `, `・`, `1. `, `1) ` and a task box after them (and,
/// in Markdown, `>` quote marks). Returns whether a marker was there: a marked
/// line is never the continuation of a wrapped one.
fn strip_list_marker(line: &str, markdown: bool) -> (bool, &str) {
    let mut rest = line;
    let mut quoted = false;
    while let Some(r) = rest.strip_prefix('>').filter(|_| markdown) {
        rest = r.trim_start();
        quoted = true;
    }
    let bullet = ["- ", "* ", "+ ", "• ", "・"]
        .iter()
        .find_map(|marker| rest.strip_prefix(marker));
    let numbered = || {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = &rest[digits..];
        let item = (1..=3).contains(&digits).then_some(after)?;
        item.strip_prefix(". ").or_else(|| item.strip_prefix(") "))
    };
    match bullet.or_else(numbered) {
        Some(item) => {
            let item = item.trim_start();
            let item = ["[ ] ", "[x] ", "[X] "]
                .iter()
                .find_map(|task_box| item.strip_prefix(task_box))
                .unwrap_or(item);
            (true, item.trim_start())
        }
        None => (quoted, rest),
    }
}

/// `[00:01:02]`, `(01:02)`, `[00:01 - 00:05]` or a bare `00:01:02` first.
fn leading_timestamp(line: &str) -> (Option<f64>, Option<f64>, &str) {
    for (open, close) in [('[', ']'), ('(', ')')] {
        let Some((inside, after)) = line.strip_prefix(open).and_then(|r| r.split_once(close))
        else {
            continue;
        };
        let clocks: Option<Vec<f64>> = inside
            .split(['-', '–', '~', '〜'])
            .map(|p| p.trim_matches(|c: char| c == '>' || c.is_whitespace()))
            .filter(|p| !p.is_empty())
            .map(parse_clock)
            .collect();
        match clocks.as_deref() {
            Some(&[start]) => return (Some(start), None, after.trim_start()),
            Some(&[start, end]) => return (Some(start), Some(end), after.trim_start()),
            _ => {}
        }
    }
    // Bare clocks only with hours: `10:30 に集合` is not a timestamp.
    let bare = line
        .split_once(char::is_whitespace)
        .filter(|(first, _)| first.matches(':').count() == 2)
        .and_then(|(first, after)| Some((parse_clock(first)?, after)));
    if let Some((start, after)) = bare {
        return (Some(start), None, after.trim_start());
    }
    (None, None, line)
}

/// Whether `next` continues a hard-wrapped `text`: after a comma, or a word
/// then a lowercase word. Unpunctuated lines of speech stay apart.
fn is_cut_off(text: &str, next: &str) -> bool {
    text.ends_with([',', ';', '、'])
        || (text.ends_with(|c: char| c.is_ascii_alphanumeric())
            && next.starts_with(|c: char| c.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use crate::summary::transcript::{Format, parse};

    const JA_MEETING: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/transcripts/ja_meeting.txt"
    ));

    #[test]
    fn japanese_meeting_keeps_title_timestamps_and_speakers() {
        let transcript = parse(Format::Plain, JA_MEETING).unwrap();
        assert_eq!(
            transcript.title.as_deref(),
            Some("週次定例ミーティング 議事録")
        );
        let first = &transcript.segments[0];
        assert_eq!(first.start, Some(5.0));
        assert_eq!(first.speaker.as_deref(), Some("佐藤"));
        assert!(first.text.starts_with("皆さん、おはようございます。"));
        assert!(transcript.segments.iter().all(|s| s.speaker.is_some()));
        assert_eq!(transcript.segments.len(), 10);
    }

    #[test]
    fn speaker_forms_and_wrapped_lines_are_recognised() {
        let input = "Alice: We should start.\n**Bob**: Fine by me,\nlet's go.\n\
                     [01:02] Carol: On it.\n(00:01:05 - 00:01:09) Dave： done\n\
                     00:02:00 Eve: bare clock\nMeet at 10:30 then.\nno speaker here";
        let segments = parse(Format::Plain, input).unwrap().segments;
        type Row<'a> = (Option<&'a str>, &'a str, Option<f64>, Option<f64>);
        let got: Vec<Row> = segments
            .iter()
            .map(|s| (s.speaker.as_deref(), s.text.as_str(), s.start, s.end))
            .collect();
        assert_eq!(
            got,
            [
                (Some("Alice"), "We should start.", None, None),
                (Some("Bob"), "Fine by me, let's go.", None, None),
                (Some("Carol"), "On it.", Some(62.0), None),
                (Some("Dave"), "done", Some(65.0), Some(69.0)),
                (Some("Eve"), "bare clock", Some(120.0), None),
                (None, "Meet at 10:30 then.", None, None),
                (None, "no speaker here", None, None),
            ]
        );
    }

    #[test]
    fn japanese_lines_without_punctuation_stay_separate() {
        let segments = parse(Format::Plain, "はい\nでは始めます\n")
            .unwrap()
            .segments;
        assert_eq!(segments.len(), 2);
    }

    #[test]
    fn markdown_headings_lists_and_rules_are_markup() {
        let input = "# 定例会議\n\n## 議題\n\n- 田中：予算の確認\n* [ ] **Bob:** send the deck\n\
                     1. third item\n> quoted line\n---\n```\n## Later heading";
        let transcript = parse(Format::Markdown, input).unwrap();
        assert_eq!(transcript.title.as_deref(), Some("定例会議"));
        let texts: Vec<(Option<&str>, &str)> = transcript
            .segments
            .iter()
            .map(|s| (s.speaker.as_deref(), s.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (Some("田中"), "予算の確認"),
                (Some("Bob"), "send the deck"),
                (None, "third item"),
                (None, "quoted line"),
            ]
        );
    }

    #[test]
    fn a_single_line_is_a_segment_not_a_title() {
        let transcript = parse(Format::Plain, "Just one line\n").unwrap();
        assert_eq!(transcript.title, None);
        assert_eq!(transcript.segments[0].text, "Just one line");
    }
}
