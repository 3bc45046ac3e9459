//! When an action item is due, as said: "by Friday", "by the end of the
//! week", "due 2024-05-10", "金曜日までに", "今週中", "期限：5月10日".

use super::{clean, ends_clause};
use crate::summary::script::{is_han, is_katakana};

pub(super) const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
pub(super) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];
const RELATIVE_DAYS: &[&str] = &[
    "today", "tonight", "tomorrow", "eod", "eow", "eom", "noon", "midnight",
];
const PERIODS: &[&str] = &["day", "week", "month", "quarter", "year", "sprint"];
const JA_PERIODS: &[&str] = &[
    "今日中",
    "本日中",
    "明日中",
    "今週中",
    "来週中",
    "今月中",
    "来月中",
];

pub(super) fn due(text: &str) -> Option<String> {
    due_ja(text).or_else(|| due_en(text))
}

/// What comes before `までに` (`来週の月曜日までに` → `来週の月曜日`), a
/// `今週中`-style period, or what follows `期限：`.
fn due_ja(text: &str) -> Option<String> {
    let is_date_char = |c: char| {
        is_han(c)
            || is_katakana(c)
            || c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || "/:：-".contains(c)
    };
    if let Some(at) = text.find("までに") {
        let before: Vec<char> = text[..at].chars().collect();
        let mut start = before.len();
        while start > 0 {
            let c = before[start - 1];
            let joins =
                c == 'の' && start >= 2 && start < before.len() && is_date_char(before[start - 2]);
            if !(is_date_char(c) || joins) {
                break;
            }
            start -= 1;
        }
        if start < before.len() {
            return Some(before[start..].iter().collect());
        }
    }
    if let Some(period) = JA_PERIODS.iter().find(|p| text.contains(*p)) {
        return Some((*period).to_owned());
    }
    let at = text.find("期限")?;
    let rest = text[at + "期限".len()..]
        .trim_start_matches(|c: char| c.is_whitespace() || ":：は".contains(c));
    let date: String = rest
        .chars()
        .take_while(|&c| is_date_char(c) || c == 'の')
        .collect();
    Some(date.trim_end_matches('の').to_owned()).filter(|d| !d.is_empty())
}

/// A date phrase after "by", "due", "before" or "until".
fn due_en(text: &str) -> Option<String> {
    let raw: Vec<&str> = text.split_whitespace().collect();
    raw.iter().enumerate().find_map(|(i, word)| {
        let keyword = matches!(
            clean(word).to_lowercase().as_str(),
            "by" | "due" | "before" | "until"
        );
        if !keyword || ends_clause(word) {
            return None;
        }
        let rest = &raw[i + 1..];
        let length = date_length(rest)?;
        let phrase = rest[..length].join(" ");
        Some(
            phrase
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_owned(),
        )
    })
}

/// How many words at the start of `raw` form a date, if they do.
fn date_length(raw: &[&str]) -> Option<usize> {
    let word = |k: usize| {
        raw.get(k)
            .map(|w| clean(w).to_lowercase())
            .unwrap_or_default()
    };
    // Whether the phrase may go on past word `k`.
    let open = |k: usize| raw.get(k).is_some_and(|w| !ends_clause(w));
    let is = |list: &[&str], k: usize| list.contains(&word(k).as_str());
    let first = word(0);
    if is(WEEKDAYS, 0) || is(RELATIVE_DAYS, 0) || is_time(&first) || is_numeric_date(&first) {
        Some(1)
    } else if matches!(first.as_str(), "next" | "this" | "coming") && open(0) {
        (is(WEEKDAYS, 1) || is(PERIODS, 1)).then_some(2)
    } else if first == "the" && open(0) && word(1) != "the" {
        date_length(&raw[1..]).map(|n| n + 1)
    } else if first == "end" && open(0) && word(1) == "of" && open(1) {
        let k = if word(2) == "the" && open(2) { 3 } else { 2 };
        (is(PERIODS, k) || is(WEEKDAYS, k) || is(MONTHS, k)).then_some(k + 1)
    } else if is(MONTHS, 0) {
        Some(if open(0) && is_day(&word(1)) { 2 } else { 1 })
    } else if is_day(&first) && open(0) && is(MONTHS, 1) {
        Some(2)
    } else if is_day(&first) && first.ends_with(|c: char| c.is_alphabetic()) {
        Some(1)
    } else {
        None
    }
}

/// `5`, `15th`, `1st` (1 to 31).
fn is_day(word: &str) -> bool {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))
        .unwrap_or(word);
    (1..=2).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}

/// `5pm`, `10am`, `17:00`.
fn is_time(word: &str) -> bool {
    let clock = word.trim_end_matches("am").trim_end_matches("pm");
    let has_suffix = clock.len() < word.len();
    let digits = clock
        .split(':')
        .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()));
    digits && (has_suffix || clock.contains(':'))
}

/// `5/10`, `2024-05-10`.
fn is_numeric_date(word: &str) -> bool {
    let parts: Vec<&str> = word.split(['/', '-']).collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_are_read_in_both_languages() {
        let cases = [
            ("Bob will send the report by Friday.", Some("Friday")),
            (
                "Ship it by the end of the week, please.",
                Some("the end of the week"),
            ),
            ("Done by next Monday or so.", Some("next Monday")),
            ("Launch by June 10.", Some("June 10")),
            ("Due 2024-05-10 at the latest.", Some("2024-05-10")),
            ("Call me by 5pm.", Some("5pm")),
            ("By the way, thanks.", None),
            ("Stand by me.", None),
            ("田中さんが金曜日までに送ります。", Some("金曜日")),
            ("来週の月曜日までに提出してください。", Some("来週の月曜日")),
            ("今週中に対応します。", Some("今週中")),
            ("期限：5月10日", Some("5月10日")),
            ("までに", None),
        ];
        for (text, expected) in cases {
            assert_eq!(due(text).as_deref(), expected, "{text}");
        }
    }
}
