//! The content words of a sentence, to tell whether two sentences speak of
//! the same thing ("the runbook by Monday" restates "write a runbook") and
//! whether a sentence says anything on its own ("I'll take it" does not).
//! English: words without stopwords, plural `s` folded; Japanese: runs of
//! kanji, katakana or Latin letters and digits, two characters or more.

use crate::summary::centrality;
use crate::summary::script::{is_han, is_katakana};

/// Words that carry no task or topic of their own.
const GENERIC: &[&str] = &[
    "send",
    "get",
    "make",
    "have",
    "take",
    "put",
    "do",
    "done",
    "will",
    "can",
    "sure",
    "yep",
    "yup",
    "i'll",
    "it'll",
    "that'll",
    "also",
    "thank",
    "thanks",
    "please",
    "ready",
    "start",
    "sound",
    "good",
    "great",
    "first",
    "need",
    "want",
    "try",
    "back",
    "one",
    "look",
    "agreed",
    "decided",
    "let",
    "fine",
    "fair",
    "cool",
    "perfect",
    "either",
    "way",
    "then",
    "today",
    "tonight",
    "tomorrow",
    "morning",
    "afternoon",
    "evening",
    "week",
    "month",
    "quarter",
    "year",
    "end",
    "next",
    "day",
    "everyone",
    "hopefully",
    "了解",
    "承知",
    "大丈夫",
    "最後",
    "確認",
    "一緒",
    "必ず",
    "担当",
    "念",
    "今日",
    "明日",
    "本日",
    "今週",
    "来週",
    "今月",
    "来月",
    "作成",
    "対応",
    "準備",
    "実施",
    "用意",
    "提出",
    "共有",
    "連絡",
    "送付",
];

/// Content terms of `text`, lowercased, without `names` (the participants:
/// "Chen, the runbook" is about the runbook).
pub(super) fn content(text: &str, names: &dyn Fn(&str) -> bool) -> Vec<String> {
    // The deadline is when, not what.
    let text = &match super::due::due(text) {
        Some(due) => text.replacen(&due, " ", 1),
        None => text.to_owned(),
    };
    let mut terms = Vec::new();
    for term in centrality::terms(text) {
        let latin = term.chars().all(|c| c.is_alphanumeric() && c.is_ascii());
        if latin
            && !GENERIC.contains(&term.as_str())
            && !names(&term)
            && !is_weekday_or_month(&term)
        {
            terms.push(term);
        }
    }
    let mut run = String::new();
    for c in text.chars().chain([' ']) {
        // 「B社」「Web広告」: Latin letters joined to kanji are one word.
        if is_han(c) || is_katakana(c) || c.is_ascii_alphanumeric() {
            run.push(c);
            continue;
        }
        let word = std::mem::take(&mut run);
        let long = word.chars().count() >= 2 && !word.is_ascii();
        if long && !GENERIC.contains(&word.as_str()) && !names(&word) {
            terms.push(word);
        }
    }
    terms.sort_unstable();
    terms.dedup();
    terms
}

fn is_weekday_or_month(term: &str) -> bool {
    let plain = term.trim_end_matches('s');
    super::due::WEEKDAYS.contains(&term)
        || super::due::WEEKDAYS.contains(&plain)
        || super::due::MONTHS.contains(&term)
}

/// Whether a sentence says what it is about, not just "I'll do it", "I'll
/// have that in place" or 「はい、作ります」: a content word in Japanese, one
/// in English unless a pronoun stands for the thing itself, else two.
pub(super) fn says_what(terms: &[String], text: &str) -> bool {
    if !text.is_ascii() {
        return !terms.is_empty();
    }
    let refers = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "it" | "that" | "this" | "them" | "her" | "him" | "those"));
    terms.len() >= if refers { 2 } else { 1 }
}

/// How much of the smaller term set the other one shares (0 to 1).
pub(super) fn overlap(a: &[String], b: &[String]) -> f64 {
    let shared = a.iter().filter(|t| b.contains(t)).count();
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        0.0
    } else {
        shared as f64 / smaller as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Vec<String> {
        content(text, &|w| w == "chen")
    }

    #[test]
    fn terms_leave_out_names_dates_and_light_words() {
        assert_eq!(plain("Chen, the runbook by Monday."), ["runbook"]);
        assert_eq!(plain("Sure, I'll take it."), Vec::<String>::new());
        assert_eq!(plain("予約表の作成をお願いします。"), ["予約表"]);
        assert_eq!(
            plain("はい、来週水曜までに作ります。"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn overlap_is_measured_against_the_smaller_set() {
        let a = plain("I'll write a runbook for rotating certificates.");
        let b = plain("Chen, the runbook by Monday.");
        assert_eq!(overlap(&a, &b), 1.0);
        assert_eq!(overlap(&a, &[]), 0.0);
    }
}
