//! Sentence splitting for English and Japanese. Japanese ends sentences with
//! `。！？` and needs no space after them; English `.!?` end one only before a
//! space or the end, and a period after an abbreviation ("e.g.", "Mr.") or
//! before a lowercase word does not. Each sentence remembers its segment.

use super::script::is_cjk;
use super::transcript::Segment;

/// Lowercased words whose trailing period is not a full stop.
const ABBREVIATIONS: &[&str] = &[
    "approx", "dr", "e.g", "eg", "fig", "i.e", "ie", "jr", "mr", "mrs", "ms", "no", "prof", "sr",
    "st", "vs",
];

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sentence {
    pub text: String,
    /// Index of the transcript segment it came from.
    pub segment: usize,
}

pub(super) fn split(segments: &[Segment]) -> Vec<Sentence> {
    segments
        .iter()
        .enumerate()
        .flat_map(|(segment, s)| {
            split_text(&s.text).into_iter().map(move |text| Sentence {
                text: text.to_owned(),
                segment,
            })
        })
        .collect()
}

fn split_text(text: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if !is_terminator(c) {
            i += 1;
            continue;
        }
        // Runs like `?!`, `。」` or `."` end together.
        let mut next = i + 1;
        while next < chars.len() && (is_terminator(chars[next].1) || is_closer(chars[next].1)) {
            next += 1;
        }
        let after = chars.get(next).map(|&(_, c)| c);
        let ends = match c {
            '.' | '!' | '?' => {
                after.is_none_or(|a| a.is_whitespace() || is_cjk(a))
                    && (c != '.' || is_full_stop(text, chars[i].0, &chars[next..]))
            }
            // `「本当ですか？」と聞きました` quotes a question mid-sentence.
            _ => !(is_closer(chars[next - 1].1) && matches!(after, Some('と' | 'っ'))),
        };
        if ends {
            let end = chars.get(next).map_or(text.len(), |&(at, _)| at);
            push(&mut sentences, &text[start..end]);
            start = end;
        }
        i = next;
    }
    push(&mut sentences, &text[start..]);
    sentences
}

fn push<'a>(sentences: &mut Vec<&'a str>, text: &'a str) {
    let text = text.trim();
    if text.chars().any(char::is_alphanumeric) {
        sentences.push(text);
    }
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '．')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '”' | '’' | '」' | '』' | '）' | '】'
    )
}

/// Whether the period at byte `at` ends a sentence: not after an abbreviation
/// or a single initial, and not before a lowercase word.
fn is_full_stop(text: &str, at: usize, rest: &[(usize, char)]) -> bool {
    // Abbreviations are short: look back a few characters only, so text
    // without spaces does not make every period a scan to its start.
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| !c.is_whitespace())
        .take(8)
        .last()
        .map_or(at, |(i, _)| i);
    let word = text[start..at].trim_start_matches(|c: char| !c.is_alphanumeric());
    let initial = word.chars().count() == 1 && word.starts_with(|c: char| c.is_uppercase());
    let abbreviation = ABBREVIATIONS.contains(&word.to_lowercase().as_str());
    let next_word = rest.iter().map(|&(_, c)| c).find(|c| !c.is_whitespace());
    !initial && !abbreviation && !next_word.is_some_and(|c| c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(text: &str) -> Segment {
        Segment {
            start: None,
            end: None,
            speaker: None,
            text: text.into(),
        }
    }

    #[test]
    fn english_splits_on_full_stops_only() {
        let text = "Mr. Smith joined, e.g. for the Q3 review. Growth was 3.5 percent! \
                    Really? Yes. We ship at 5 p.m. tomorrow. J. Doe agreed";
        assert_eq!(
            split_text(text),
            [
                "Mr. Smith joined, e.g. for the Q3 review.",
                "Growth was 3.5 percent!",
                "Really?",
                "Yes.",
                "We ship at 5 p.m. tomorrow.",
                "J. Doe agreed",
            ]
        );
    }

    #[test]
    fn japanese_splits_without_spaces_and_keeps_closing_quotes() {
        assert_eq!(
            split_text("本日は晴天です。「本当ですか？」と聞きました。次へ！良い?はい"),
            [
                "本日は晴天です。",
                "「本当ですか？」と聞きました。",
                "次へ！",
                "良い?",
                "はい"
            ]
        );
    }

    #[test]
    fn sentences_remember_their_segment_and_skip_punctuation_only_text() {
        let sentences = split(&[segment("One. Two."), segment("..."), segment("三。")]);
        let got: Vec<(&str, usize)> = sentences
            .iter()
            .map(|s| (s.text.as_str(), s.segment))
            .collect();
        assert_eq!(got, [("One.", 0), ("Two.", 0), ("三。", 2)]);
    }
}
