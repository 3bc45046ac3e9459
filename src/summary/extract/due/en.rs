//! English due phrases: "by Friday", "before the code freeze", "on Thursday
//! morning", "the end of next week", "in two weeks", "tomorrow".

pub(in crate::summary) const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
pub(in crate::summary) const MONTHS: &[&str] = &[
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
    "today", "tonight", "tomorrow", "eod", "cob", "eow", "eom", "noon", "midnight", "asap",
];
const PERIODS: &[&str] = &["day", "week", "month", "quarter", "year", "sprint"];
const TIMES_OF_DAY: &[&str] = &["morning", "afternoon", "evening", "night", "noon", "eod"];
/// Meetings and milestones a deadline can be set by.
const EVENTS: &[&str] = &[
    "meeting", "sync", "review", "call", "demo", "launch", "release", "freeze", "offsite",
    "standup", "retro", "kickoff", "deadline", "workshop",
];
const NUMBERS: &[&str] = &[
    "a", "one", "two", "three", "four", "five", "six", "ten", "couple",
];
/// Words after which a date is when something starts or happened, not a deadline.
const NOT_DEADLINES: &[&str] = &["from", "starting", "since", "after", "last", "every"];

pub(super) fn due(text: &str) -> Option<String> {
    let raw: Vec<&str> = text.split_whitespace().collect();
    let word = |k: usize| raw.get(k).map(|w| clean(w)).unwrap_or_default();
    let phrase = |start: usize, length: usize| {
        let phrase = raw[start..start + length].join(" ");
        phrase
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_owned()
    };
    // By / before / until / due, then a date or (before) an event.
    let anchored = (0..raw.len()).find_map(|i| {
        let keyword = matches!(word(i).as_str(), "by" | "before" | "until" | "due");
        if !keyword || ends_clause(raw[i]) {
            return None;
        }
        let length = date_length(&raw[i + 1..])
            .or_else(|| event_length(&raw[i + 1..], word(i) == "before"))?;
        Some(phrase(i + 1, length))
    });
    anchored.or_else(|| {
        (0..raw.len()).find_map(|i| {
            let previous = i.checked_sub(1).map(&word).unwrap_or_default();
            if NOT_DEADLINES.contains(&previous.as_str()) || !bare_start(&word(i), &word(i + 1)) {
                return None;
            }
            date_length(&raw[i..]).map(|length| phrase(i, length))
        })
    })
}

/// Words a date said without "by" can start with ("the" only before a day
/// or "end"; a month only with its day, since "may" and "march" are verbs).
fn bare_start(first: &str, second: &str) -> bool {
    let day_or_end = is_day(second) || second == "end";
    RELATIVE_DAYS.contains(&first)
        || WEEKDAYS.contains(&first)
        || matches!(
            first,
            "this" | "next" | "coming" | "end" | "within" | "in" | "early" | "mid" | "late"
        )
        || (first == "first" && second == "thing")
        || (first == "the" && day_or_end)
        || (MONTHS.contains(&first) && is_day(second))
}

/// How many words at the start of `raw` form a date, if they do.
fn date_length(raw: &[&str]) -> Option<usize> {
    let word = |k: usize| raw.get(k).map(|w| clean(w)).unwrap_or_default();
    // Whether the phrase may go on past word `k`.
    let open = |k: usize| raw.get(k).is_some_and(|w| !ends_clause(w));
    let is = |list: &[&str], k: usize| list.contains(&word(k).as_str());
    // "Thursday morning", "tomorrow noon".
    let with_time = |n: usize| {
        if open(n - 1) && is(TIMES_OF_DAY, n) {
            n + 1
        } else {
            n
        }
    };
    let first = word(0);
    // "EOD Friday", "end of day Thursday".
    let with_weekday = |n: usize| {
        if open(n - 1) && is(WEEKDAYS, n) {
            n + 1
        } else {
            n
        }
    };
    if is(WEEKDAYS, 0) {
        Some(with_time(1))
    } else if is(RELATIVE_DAYS, 0) {
        Some(with_weekday(with_time(1)))
    } else if is_time(&first) || is_numeric_date(&first) || is_quarter(&first) {
        Some(1)
    } else if first == "first" && word(1) == "thing" && open(1) {
        date_length(&raw[2..]).map(|n| n + 2)
    } else if matches!(first.as_str(), "next" | "this" | "coming") && open(0) {
        (is(WEEKDAYS, 1) || is(PERIODS, 1)).then(|| with_time(2))
    } else if matches!(first.as_str(), "in" | "within") && open(0) && open(1) {
        // "in two weeks", "within a month", "in a couple of days".
        let vague =
            word(1) == "a" && matches!(word(2).as_str(), "couple" | "few") && word(3) == "of";
        let at = if vague { 4 } else { 2 };
        let count = vague || is(NUMBERS, 1) || word(1).parse::<u32>().is_ok();
        let unit = word(at).trim_end_matches('s').to_owned();
        (count && PERIODS.contains(&unit.as_str())).then_some(at + 1)
    } else if matches!(first.as_str(), "early" | "mid" | "late") && open(0) {
        // "early next week", "late October".
        let k = if matches!(word(1).as_str(), "next" | "this") && open(1) {
            2
        } else {
            1
        };
        (is(PERIODS, k) || is(MONTHS, k)).then_some(k + 1)
    } else if first == "the" && open(0) && word(1) != "the" {
        date_length(&raw[1..]).map(|n| n + 1)
    } else if first == "end" && open(0) && word(1) == "of" && open(1) {
        let k = if matches!(word(2).as_str(), "the" | "this" | "next") && open(2) {
            3
        } else {
            2
        };
        let ends = is(PERIODS, k) || is(WEEKDAYS, k) || is(MONTHS, k) || is_quarter(&word(k));
        ends.then(|| with_weekday(k + 1))
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

/// "the code freeze", "the launch", "our next sync": one to three words up to
/// the end of the clause, after "before" (after "by" only a meeting or
/// milestone: "by the board meeting", not "by the team").
fn event_length(raw: &[&str], before: bool) -> Option<usize> {
    let first = clean(raw.first()?);
    if !matches!(first.as_str(), "the" | "our" | "next") {
        return None;
    }
    let n = (2..=4).find(|&n| raw.get(n - 1).is_some_and(|w| ends_clause(w)) || n == raw.len())?;
    let milestone = raw[..n].iter().any(|w| EVENTS.contains(&clean(w).as_str()));
    (before || milestone).then_some(n)
}

/// `5`, `15th`, `1st` (1 to 31).
fn is_day(word: &str) -> bool {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))
        .unwrap_or(word);
    (1..=2).contains(&digits.len()) && digits.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
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

/// `q3`.
fn is_quarter(word: &str) -> bool {
    word.strip_prefix('q')
        .is_some_and(|n| matches!(n, "1" | "2" | "3" | "4"))
}

/// A word lowercased without the punctuation around it or a final 's
/// ("Friday's" is Friday).
fn clean(word: &str) -> String {
    let word = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
        .replace('’', "'");
    word.strip_suffix("'s").map_or(word.clone(), str::to_owned)
}

/// Whether a phrase cannot continue past this word.
fn ends_clause(word: &str) -> bool {
    word.ends_with([',', '.', ';', ':', '!', '?', ')'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_due_phrases_are_kept_as_said() {
        let cases = [
            ("Bob will send the report by Friday.", Some("Friday")),
            (
                "Ship it by the end of the week, please.",
                Some("the end of the week"),
            ),
            (
                "I'll have it in place by the end of next week.",
                Some("the end of next week"),
            ),
            ("Done by next Monday or so.", Some("next Monday")),
            ("Launch by June 10.", Some("June 10")),
            ("Due 2024-05-10 at the latest.", Some("2024-05-10")),
            ("Call me by 5pm.", Some("5pm")),
            ("Finish it by end of Q3.", Some("end of Q3")),
            ("Hopefully by the 20th.", Some("the 20th")),
            (
                "Cut it down before the code freeze?",
                Some("the code freeze"),
            ),
            (
                "I'll post the results on Thursday morning either way.",
                Some("Thursday morning"),
            ),
            ("I'll talk to her this week.", Some("this week")),
            ("We'll have numbers in two weeks.", Some("in two weeks")),
            (
                "First thing tomorrow, I promise.",
                Some("First thing tomorrow"),
            ),
            (
                "I'll get it to them by end of day Thursday.",
                Some("end of day Thursday"),
            ),
            ("Send it by EOD Friday.", Some("EOD Friday")),
            (
                "Could you update the wiki by the next board meeting?",
                Some("the next board meeting"),
            ),
            (
                "It should be ready in a couple of weeks.",
                Some("in a couple of weeks"),
            ),
            ("Let's aim for early next week.", Some("early next week")),
            ("Reviewed by the team, it looks fine.", None),
            ("By the way, thanks.", None),
            ("Stand by me.", None),
            ("We may need more chairs.", None),
            ("The audit wraps up in November.", None),
        ];
        for (text, expected) in cases {
            assert_eq!(due(text).as_deref(), expected, "{text}");
        }
    }
}
