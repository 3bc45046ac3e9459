//! One parser per transcript format, and what they share: numbered lines and
//! blocks, clock timestamps, `Speaker: text` prefixes, caption markup.

pub(super) mod plain;
pub(super) mod srt;
pub(super) mod vtt;
pub(super) mod whisper;

use super::script::is_cjk;
use super::transcript::{Format, ParseError};

/// Labels that look like `Name:` but introduce content, so `担当: 田中` keeps
/// its label for the action-item extractor instead of becoming a speaker.
const LABELS: &[&str] = &[
    "action",
    "action item",
    "action items",
    "agenda",
    "attendees",
    "date",
    "decision",
    "decisions",
    "due",
    "location",
    "note",
    "notes",
    "owner",
    "re",
    "subject",
    "summary",
    "time",
    "title",
    "to do",
    "todo",
    "topic",
    "概要",
    "課題",
    "議題",
    "決定",
    "決定事項",
    "結論",
    "参加者",
    "宿題",
    "出席者",
    "場所",
    "担当",
    "担当者",
    "タスク",
    "日時",
    "備考",
    "メモ",
    "要約",
    "期限",
];

/// Lines numbered from 1, without their CR.
pub(super) fn numbered_lines(input: &str) -> impl Iterator<Item = (usize, &str)> {
    input
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
}

/// Blank-line separated blocks (SRT and WebVTT cues).
pub(super) fn blocks(input: &str) -> Vec<Vec<(usize, &str)>> {
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for (number, line) in numbered_lines(input) {
        if !line.trim().is_empty() {
            current.push((number, line));
        } else if !current.is_empty() {
            blocks.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

/// `start --> end [cue settings]`, both timestamps required.
pub(super) fn timing(format: Format, line: usize, text: &str) -> Result<(f64, f64), ParseError> {
    let (left, right) = text.split_once("-->").unwrap_or((text, ""));
    let start = left.trim();
    let end = right.split_whitespace().next().unwrap_or_default();
    let clock = |value: &str| {
        parse_clock(value).ok_or_else(|| ParseError::InvalidTimestamp {
            line,
            format,
            value: excerpt(value),
        })
    };
    Ok((clock(start)?, clock(end)?))
}

/// `[H:]MM:SS[.fff]` (a comma works as the decimal mark too) in seconds.
pub(super) fn parse_clock(text: &str) -> Option<f64> {
    let (clock, fraction) = match text.split_once(['.', ',']) {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&fields.len()) {
        return None;
    }
    let mut seconds = 0u64;
    for (i, field) in fields.iter().enumerate() {
        let width_ok = if i == 0 {
            (1..=4).contains(&field.len())
        } else {
            field.len() == 2
        };
        if !width_ok || !field.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value: u64 = field.parse().ok()?;
        if i > 0 && value >= 60 {
            return None;
        }
        seconds = seconds * 60 + value;
    }
    let fraction = match fraction {
        None => 0.0,
        Some(f) if (1..=9).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u32>().ok()? as f64 / 10f64.powi(f.len() as i32)
        }
        Some(_) => return None,
    };
    Some(seconds as f64 + fraction)
}

/// Splits `Name: text`, `Name：text` (full-width colon), `**Name**: text` and
/// `**Name:** text`. An ASCII colon must be followed by a space, so times and
/// URLs are not names.
pub(super) fn split_speaker(line: &str) -> (Option<String>, &str) {
    let Some((at, colon)) = line.char_indices().find(|&(_, c)| c == ':' || c == '：') else {
        return (None, line);
    };
    let rest = &line[at + colon.len_utf8()..];
    let spaced = rest.is_empty()
        || rest.starts_with(char::is_whitespace)
        || rest.starts_with("**")
        || rest.starts_with("__");
    if colon == ':' && !spaced {
        return (None, line);
    }
    let rest = rest
        .strip_prefix("**")
        .or_else(|| rest.strip_prefix("__"))
        .unwrap_or(rest);
    let name = line[..at].trim().trim_matches(['*', '_']).trim();
    if is_name(name) {
        (Some(name.to_owned()), rest.trim_start())
    } else {
        (None, line)
    }
}

/// A speaker label rather than the start of a sentence: short, no sentence
/// punctuation, every Latin word capitalised (`Alice`, `Speaker 2`, `田中`).
fn is_name(name: &str) -> bool {
    let length = name.chars().count();
    (1..=32).contains(&length)
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.split_whitespace().count() <= 4
        && name
            .split_whitespace()
            .all(|word| !word.starts_with(|c: char| c.is_ascii_lowercase()))
        && !name.contains(|c: char| "。、，！？!?,;\"'“”「」[]<>#@*=/\\".contains(c))
        && !name.contains("です")
        && !name.contains("ます")
        && !LABELS.contains(&name.to_lowercase().as_str())
}

/// Removes `<...>` tags (handing each one's inside to `on_tag`) and `{\...}`
/// SSA overrides, and decodes the entities captions use. A `<` not followed by a
/// letter, digit or `/` is text.
pub(super) fn strip_tags(text: &str, mut on_tag: impl FnMut(&str)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Once a closing mark is known to be absent, later openers are text:
    // searching again for each would be quadratic.
    let (mut no_gt, mut no_brace) = (false, false);
    while let Some(open) = rest.find(['<', '{']) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let (is_tag, close, absent) = if rest[open..].starts_with('<') {
            let starts = after.starts_with(|c: char| c.is_alphanumeric() || c == '/');
            (starts, '>', &mut no_gt)
        } else {
            (after.starts_with('\\'), '}', &mut no_brace)
        };
        let end = (is_tag && !*absent).then(|| after.find(close)).flatten();
        *absent |= is_tag && end.is_none();
        match end {
            Some(end) => {
                if close == '>' {
                    on_tag(&after[..end]);
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[open..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        .replace("&amp;", "&")
}

/// Joins wrapped lines: a space between words, nothing between two CJK
/// characters (Japanese has no spaces to restore).
pub(super) fn join_lines<S: AsRef<str>>(lines: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for line in lines {
        append_line(&mut out, line.as_ref());
    }
    out
}

/// Appends one wrapped line to `out` in place, as `join_lines` joins them.
pub(super) fn append_line(out: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    let cjk_seam = out.chars().next_back().is_some_and(is_cjk_or_mark)
        && line.chars().next().is_some_and(is_cjk_or_mark);
    if !out.is_empty() && !cjk_seam {
        out.push(' ');
    }
    out.push_str(line);
}

fn is_cjk_or_mark(c: char) -> bool {
    is_cjk(c) || "。、！？「」『』（）".contains(c)
}

/// The start of an offending line for an error message.
pub(super) fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_with_and_without_hours_parse_to_seconds() {
        assert_eq!(parse_clock("00:01:02,500"), Some(62.5));
        assert_eq!(parse_clock("01:02:03.000"), Some(3723.0));
        assert_eq!(parse_clock("01:02.25"), Some(62.25));
        assert_eq!(parse_clock("1:02"), Some(62.0));
        for bad in [
            "00:01:xx,000",
            "00:61:00",
            "1",
            "",
            ":",
            "00:00:00,",
            "+1:00",
            "00:0:00",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn speaker_prefixes_are_recognised() {
        let cases = [
            ("Alice: hello", Some("Alice"), "hello"),
            ("田中：本日は", Some("田中"), "本日は"),
            ("**Bob**: hi", Some("Bob"), "hi"),
            ("**Bob:** hi", Some("Bob"), "hi"),
            ("Speaker 2: ok", Some("Speaker 2"), "ok"),
            ("Meet at 10:30 today", None, "Meet at 10:30 today"),
            ("See https://x.test now", None, "See https://x.test now"),
            (
                "The plan is simple: ship it",
                None,
                "The plan is simple: ship it",
            ),
            ("担当：田中", None, "担当：田中"),
            ("TODO: write docs", None, "TODO: write docs"),
            (
                "本日の議題は三つです：予算",
                None,
                "本日の議題は三つです：予算",
            ),
        ];
        for (line, speaker, text) in cases {
            let (got_speaker, got_text) = split_speaker(line);
            assert_eq!(got_speaker.as_deref(), speaker, "{line}");
            assert_eq!(got_text, text, "{line}");
        }
    }

    #[test]
    fn tags_are_stripped_and_entities_decoded() {
        let mut tags = Vec::new();
        let text = strip_tags("<i>a</i> &lt;b&gt; {\\an8}c < d <00:00:01.000>e", |t| {
            tags.push(t.to_owned())
        });
        assert_eq!(text, "a <b> c < d e");
        assert_eq!(tags, ["i", "/i", "00:00:01.000"]);
        assert_eq!(strip_tags("<b unclosed", |_| {}), "<b unclosed");
    }

    #[test]
    fn wrapped_lines_join_with_spaces_except_between_japanese() {
        assert_eq!(join_lines(["Hello", "world"]), "Hello world");
        assert_eq!(join_lines(["本日は", "晴天です。"]), "本日は晴天です。");
        assert_eq!(join_lines(["会議", "Zoom"]), "会議 Zoom");
    }

    #[test]
    fn blocks_split_on_blank_lines_and_keep_line_numbers() {
        let blocks = blocks("a\r\nb\r\n\r\n  \r\nc");
        assert_eq!(blocks, vec![vec![(1, "a"), (2, "b")], vec![(5, "c")]]);
    }
}
