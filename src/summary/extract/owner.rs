//! Who a sentence names as a task's owner: "Bob will…", "assigned to
//! Carol", "owner: Dave", "@dave", 「担当：田中」, 「田中さんが…」. Names in
//! running text count only when they are participants, so 「施主さんに確認」
//! or "Maya's offer" name no owner.

use super::people::People;
use crate::summary::script::{is_han, is_katakana};

pub(super) fn named_owner(text: &str, people: &People) -> Option<String> {
    labelled(text)
        .or_else(|| after_phrase(text, "assigned to "))
        .or_else(|| after_phrase(text, "owner: "))
        .or_else(|| mention(text))
        .or_else(|| will_subject(text).and_then(|name| people.resolve(&name)))
        .or_else(|| japanese_subject(text, people))
}

/// The name before "will" / "'ll" ("Bob will", "Carol'll", "Bob Smith will").
fn will_subject(text: &str) -> Option<String> {
    let raw: Vec<&str> = text.split_whitespace().collect();
    raw.iter().enumerate().find_map(|(i, word)| {
        let token = clean(word).replace('’', "'");
        if let Some(name) = token.strip_suffix("'ll") {
            return capitalised(name).then(|| name.to_owned());
        }
        if !token.eq_ignore_ascii_case("will") || i == 0 || ends_clause(raw[i - 1]) {
            return None;
        }
        let name = clean(raw[i - 1]);
        let two = i
            .checked_sub(2)
            .map(|q| raw[q])
            .filter(|q| !ends_clause(q) && capitalised(&clean(q)));
        match two {
            Some(first) if capitalised(&name) => Some(format!("{} {name}", clean(first))),
            _ => capitalised(&name).then_some(name),
        }
    })
}

fn capitalised(word: &str) -> bool {
    word.starts_with(|c: char| c.is_uppercase()) && word.chars().all(char::is_alphabetic)
}

/// `@name` at the start of a word (not inside an e-mail address).
fn mention(text: &str) -> Option<String> {
    text.split_whitespace().find_map(|word| {
        let name = word.strip_prefix('@')?;
        let name = name.trim_end_matches(|c: char| !c.is_alphanumeric());
        (!name.is_empty()).then(|| name.to_owned())
    })
}

/// The capitalised name (or @handle) right after `phrase`.
fn after_phrase(text: &str, phrase: &str) -> Option<String> {
    let at = text.to_lowercase().find(phrase)?;
    // Lowercasing can change byte lengths outside ASCII; only trust ASCII.
    let rest = text.get(at + phrase.len()..)?;
    let word = clean(rest.split_whitespace().next()?);
    (capitalised(&word) || rest.starts_with('@'))
        .then_some(word)
        .filter(|w| !w.is_empty())
}

/// `担当: 田中`, `担当は田中`, `担当者は鈴木さん`.
fn labelled(text: &str) -> Option<String> {
    text.match_indices("担当").find_map(|(at, label)| {
        let rest = &text[at + label.len()..];
        let rest = rest.strip_prefix('者').unwrap_or(rest);
        let rest = rest.strip_prefix(['は', ':', '：', '='])?.trim_start();
        let name: String = rest.chars().take_while(|&c| is_name_char(c)).collect();
        (!name.is_empty()).then_some(name)
    })
}

/// 「田中さんが見積もりを取ります」: a participant as the subject.
fn japanese_subject(text: &str, people: &People) -> Option<String> {
    text.match_indices("さんが").find_map(|(at, _)| {
        let before = &text[..at];
        let start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_name_char(c))
            .last()?
            .0;
        people.resolve(&before[start..])
    })
}

fn is_name_char(c: char) -> bool {
    is_han(c) || is_katakana(c) || c.is_ascii_alphabetic()
}

/// A word without the punctuation around it (inner apostrophes kept).
fn clean(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .to_owned()
}

fn ends_clause(word: &str) -> bool {
    word.ends_with([',', '.', ';', ':', '!', '?', ')', '、', '。'])
}
