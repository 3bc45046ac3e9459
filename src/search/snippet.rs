//! A found passage as a snippet: the words around the first match, with
//! every match in it marked. The query matched as typed (any case), or —
//! for an English word found by its stem — each word beginning like the
//! query's words ("decide" marks "decided"). Parts are plain text: the page
//! puts marked ones in `<mark>`, so nothing in a passage is ever markup.

use serde::Serialize;
use utoipa::ToSchema;

/// Characters of context before the first match.
const BEFORE: usize = 40;
/// Characters a snippet shows at most (past them, "…").
const LENGTH: usize = 160;

/// A run of a snippet's text; `hit` when it matched the query.
#[derive(Debug, PartialEq, Eq, Serialize, ToSchema)]
pub(super) struct Part {
    text: String,
    hit: bool,
}

/// `body` around its first match of `query`, as parts.
pub(super) fn snippet(body: &str, query: &str) -> Vec<Part> {
    let chars: Vec<char> = body.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| fold(c)).collect();
    let hits = matches(&folded, query);
    let first = hits.first().map_or(0, |h| h.0);
    let mut start = first.saturating_sub(BEFORE);
    let end = (start + LENGTH).min(chars.len());
    start = end.saturating_sub(LENGTH).min(start);
    let mut parts = Vec::new();
    let mut push = |text: String, hit: bool| {
        if !text.is_empty() {
            parts.push(Part { text, hit });
        }
    };
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    let mut at = start;
    if start > 0 {
        push("…".into(), false);
    }
    for (from, to) in hits {
        let (from, to) = (from.max(at), to.min(end));
        if from >= to {
            continue;
        }
        push(text(at, from), false);
        push(text(from, to), true);
        at = to;
    }
    push(text(at, end), false);
    if end < chars.len() {
        push("…".into(), false);
    }
    parts
}

/// A character as matching compares it: lower case (one character).
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Where `query` matches `folded`, as sorted, disjoint character ranges:
/// the query as typed, and each English word that begins like one of the
/// query's (its stem: all but its last two letters, at least three).
fn matches(folded: &[char], query: &str) -> Vec<(usize, usize)> {
    let words: Vec<Vec<char>> = query
        .split_whitespace()
        .map(|w| w.chars().map(fold).collect())
        .collect();
    let phrase: Vec<char> = words.join(&' ');
    let mut hits = occurrences(folded, &phrase);
    let latin = |c: &char| c.is_ascii_alphanumeric();
    for word in words.iter().filter(|w| w.iter().all(latin)) {
        let stem = &word[..word.len().min(word.len().saturating_sub(2).max(3))];
        for (from, to) in occurrences(folded, stem) {
            if from > 0 && latin(&folded[from - 1]) {
                continue;
            }
            let end = folded[to..]
                .iter()
                .position(|c| !latin(c))
                .map_or(folded.len(), |n| to + n);
            hits.push((from, end));
        }
    }
    hits.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(hits.len());
    for (from, to) in hits {
        match merged.last_mut() {
            Some(last) if from < last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

fn occurrences(haystack: &[char], needle: &[char]) -> Vec<(usize, usize)> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return vec![];
    }
    let mut found = Vec::new();
    let mut i = 0;
    while i + needle.len() <= haystack.len() {
        if haystack[i..i + needle.len()] == *needle {
            found.push((i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn every_match_is_marked_in_any_case() {
        assert_eq!(
            shown(&snippet(
                "田中: 予算の見直しは来月、予算会議で決めます。",
                "予算"
            )),
            "田中: [予算]の見直しは来月、[予算]会議で決めます。"
        );
        assert_eq!(
            shown(&snippet("The Budget review; budget cuts.", "BUDGET")),
            "The [Budget] review; [budget] cuts."
        );
    }

    #[test]
    fn an_english_word_found_by_its_stem_marks_the_words_beginning_like_it() {
        assert_eq!(
            shown(&snippet(
                "We decided to ship; the decision stands.",
                "decide"
            )),
            "We [decided] to ship; the [decision] stands."
        );
    }

    #[test]
    fn a_long_passage_is_cut_around_its_first_match() {
        let body = format!("{}予算{}", "あ".repeat(300), "い".repeat(300));
        let text = shown(&snippet(&body, "予算"));
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(text.contains(&format!("{}[予算]", "あ".repeat(BEFORE))));
        assert_eq!(text.chars().count(), LENGTH + 2 + 2);
    }
}
