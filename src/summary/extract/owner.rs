//! Who owns an action item: "Bob will …", "assigned to Carol", "@dave",
//! "担当: 田中", "田中さんが…". Without a named owner the speaker owns the
//! item, unless the sentence asks someone else ("you", "please", お願い,
//! ください).

use super::due::{MONTHS, WEEKDAYS};
use super::{clean, ends_clause};
use crate::summary::script::{is_han, is_katakana};

/// Capitalised words that start sentences rather than name people.
const NOT_NAMES: &[&str] = &[
    "also",
    "and",
    "but",
    "everybody",
    "everyone",
    "it",
    "nobody",
    "now",
    "so",
    "somebody",
    "someone",
    "team",
    "that",
    "then",
    "there",
    "these",
    "this",
    "those",
    "what",
    "which",
    "who",
];
const NOT_NAMES_JA: &[&str] = &["皆", "皆様", "お客"];

/// Who "will" do something in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Subject {
    Me,
    We,
    You,
    /// he, she, they: someone, but not named here.
    Other,
    Named(String),
}

/// The subject of the first "X will" / "X'll" / "will you" in `text`.
pub(super) fn will_subject(text: &str) -> Option<Subject> {
    let raw: Vec<&str> = text.split_whitespace().collect();
    raw.iter().enumerate().find_map(|(i, word)| {
        let token = clean(word).replace('’', "'");
        let lower = token.to_lowercase();
        if let Some(subject) = lower.strip_suffix("'ll") {
            let original = token
                .get(..token.len().saturating_sub(3))
                .unwrap_or_default();
            return pronoun(subject).or_else(|| named(original));
        }
        if lower != "will" {
            return None;
        }
        let previous = i.checked_sub(1).map(|p| raw[p]);
        match previous.filter(|p| !ends_clause(p)) {
            Some(p) => {
                let name = clean(p);
                let two = i
                    .checked_sub(2)
                    .map(|q| raw[q])
                    .filter(|q| !ends_clause(q) && named(clean(q)).is_some());
                pronoun(&name.to_lowercase()).or_else(|| match two {
                    Some(first) if named(name).is_some() => {
                        named(&format!("{} {name}", clean(first)))
                    }
                    _ => named(name),
                })
            }
            // "Will you send it?"
            None => raw
                .get(i + 1)
                .map(|next| clean(next).to_lowercase())
                .and_then(|next| pronoun(&next)),
        }
    })
}

fn pronoun(word: &str) -> Option<Subject> {
    match word {
        "i" => Some(Subject::Me),
        "we" => Some(Subject::We),
        "you" => Some(Subject::You),
        "he" | "she" | "they" => Some(Subject::Other),
        _ => None,
    }
}

fn named(word: &str) -> Option<Subject> {
    let capitalised = word.starts_with(|c: char| c.is_uppercase())
        && word
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-');
    let lower = word.to_lowercase();
    let ordinary = NOT_NAMES.contains(&lower.as_str())
        || WEEKDAYS.contains(&lower.as_str())
        || MONTHS.contains(&lower.as_str());
    (capitalised && !ordinary).then(|| Subject::Named(word.to_owned()))
}

/// `@name` at the start of a word (not inside an e-mail address).
pub(super) fn mention(text: &str) -> Option<String> {
    text.split_whitespace().find_map(|word| {
        let name = word.strip_prefix('@')?;
        let name = name.trim_end_matches(|c: char| !c.is_alphanumeric());
        (!name.is_empty()).then(|| name.to_owned())
    })
}

pub(super) fn owner(text: &str, speaker: Option<&str>) -> Option<String> {
    let named = owner_ja(text)
        .or_else(|| after_phrase(text, "assigned to "))
        .or_else(|| after_phrase(text, "owner: "))
        .or_else(|| mention(text));
    if named.is_some() {
        return named;
    }
    match will_subject(text) {
        Some(Subject::Named(name)) => return Some(name),
        Some(Subject::You | Subject::Other) => return None,
        _ => {}
    }
    let lower = text.to_lowercase();
    let asks = ["お願い", "ください", "下さい"]
        .iter()
        .any(|p| lower.contains(p))
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "you" || w == "please");
    speaker.filter(|_| !asks).map(str::to_owned)
}

/// The capitalised name (or @handle) right after `phrase`.
fn after_phrase(text: &str, phrase: &str) -> Option<String> {
    let at = text.to_lowercase().find(phrase)?;
    // Lowercasing can change byte lengths outside ASCII; only trust ASCII.
    let rest = text.get(at + phrase.len()..)?;
    let word = clean(rest.split_whitespace().next()?);
    named(word)
        .map(|_| word.to_owned())
        .or_else(|| rest.starts_with('@').then(|| word.to_owned()))
        .filter(|w| !w.is_empty())
}

/// `担当: 田中`, `担当は田中`, `田中さんが` (then さんに, さんは, さん).
fn owner_ja(text: &str) -> Option<String> {
    let is_name_char = |c: char| is_han(c) || is_katakana(c) || c.is_ascii_alphabetic();
    for (at, label) in text.match_indices("担当") {
        let rest = &text[at + label.len()..];
        let rest = rest.strip_prefix('者').unwrap_or(rest);
        let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || ":：はの=".contains(c));
        let name: String = rest.chars().take_while(|&c| is_name_char(c)).collect();
        if !name.is_empty() {
            return Some(name);
        }
    }
    for marker in ["さんが", "さんに", "さんは", "さん"] {
        for (at, _) in text.match_indices(marker) {
            let before = &text[..at];
            let start = before
                .char_indices()
                .rev()
                .take_while(|&(_, c)| is_name_char(c))
                .last()
                .map_or(at, |(i, _)| i);
            let name = &before[start..];
            if !name.is_empty() && !NOT_NAMES_JA.contains(&name) {
                return Some(name.to_owned());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_owners_come_from_names_handles_and_speakers() {
        let cases = [
            (
                "Bob will send the report by Friday.",
                Some("Alice"),
                Some("Bob"),
            ),
            ("Then Bob Smith will call them.", None, Some("Bob Smith")),
            ("I'll draft the notes.", Some("Alice"), Some("Alice")),
            ("I will draft the notes.", Some("Alice"), Some("Alice")),
            ("Will you send the slides?", Some("Alice"), None),
            ("She will check.", Some("Alice"), None),
            (
                "Action item assigned to Carol.",
                Some("Alice"),
                Some("Carol"),
            ),
            (
                "TODO: ping @dave about the invoice.",
                Some("Alice"),
                Some("dave"),
            ),
            ("TODO: update the docs.", Some("Alice"), Some("Alice")),
            ("Please update the docs.", Some("Alice"), None),
        ];
        for (text, speaker, expected) in cases {
            assert_eq!(owner(text, speaker).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn japanese_owners_come_from_labels_and_san() {
        let cases = [
            ("担当：田中", Some("佐藤"), Some("田中")),
            ("担当者は鈴木さんです。", None, Some("鈴木")),
            (
                "皆さん、では田中さんが見積もりを対応します。",
                None,
                Some("田中"),
            ),
            (
                "鈴木さん、金曜日までにお願いします。",
                Some("佐藤"),
                Some("鈴木"),
            ),
            ("金曜日までに対応します。", Some("鈴木"), Some("鈴木")),
            ("皆さん、資料の確認をお願いします。", Some("佐藤"), None),
        ];
        for (text, speaker, expected) in cases {
            assert_eq!(owner(text, speaker).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn will_subjects_are_classified() {
        assert_eq!(will_subject("We'll ship it."), Some(Subject::We));
        assert_eq!(will_subject("It will rain."), None);
        assert_eq!(will_subject("Friday will be busy."), None);
        assert_eq!(
            will_subject("Carol'll handle it."),
            Some(Subject::Named("Carol".into()))
        );
    }
}
