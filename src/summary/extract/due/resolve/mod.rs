//! A due phrase as a calendar date, counted from the meeting's date: "next
//! Wednesday", "the end of the month", "the 15th", 「来週水曜」, 「今月末」,
//! 「10月10日」. Weeks start on Monday; "the end of the week" and 今週中 are
//! its Friday; a date without a year is the next one on or after the meeting
//! (give or take two months back, for a deadline just passed).

use time::{Date, Duration, Month, Weekday};

use super::en::{MONTHS, WEEKDAYS};
use crate::summary::transcript::Segment;

const JA_WEEKDAYS: [char; 7] = ['月', '火', '水', '木', '金', '土', '日'];

/// The meeting's date, when its title or opening lines say it in full
/// ("2024-10-03", "October 3, 2024", 「2024年10月3日」).
pub(in crate::summary) fn meeting_date(title: Option<&str>, segments: &[Segment]) -> Option<Date> {
    let opening = segments.iter().take(3).map(|s| s.text.as_str());
    title.into_iter().chain(opening).find_map(full_date)
}

/// The first full date `text` names ("2024-10-03", "October 3, 2024",
/// 「2024年10月3日」).
pub(in crate::summary) fn full_date(text: &str) -> Option<Date> {
    let numbers = numbers(text);
    let month_named = |w: &str| month_number(w);
    // 2024-10-03, 2024/10/03, 2024年10月3日.
    let iso = numbers
        .windows(3)
        .find_map(|w| (w[0] >= 1900).then(|| ymd(w[0], w[1], w[2])).flatten());
    iso.or_else(|| {
        // October 3, 2024 / 3 October 2024.
        let words: Vec<String> = text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        words.windows(3).find_map(|w| {
            let year = w[2].parse::<u32>().ok().filter(|y| *y >= 1900)?;
            match (month_named(&w[0]), month_named(&w[1])) {
                (Some(m), None) => ymd(year, u32::from(m), u32::from(day_number(&w[1])?)),
                (None, Some(m)) => ymd(year, u32::from(m), u32::from(day_number(&w[0])?)),
                _ => None,
            }
        })
    })
}

/// The date `phrase` names, said at a meeting held on `meeting`.
pub(in crate::summary) fn resolve(phrase: &str, meeting: Date) -> Option<Date> {
    resolve_ja(phrase, meeting).or_else(|| resolve_en(phrase, meeting))
}

fn resolve_en(phrase: &str, d: Date) -> Option<Date> {
    let lower = phrase.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '/'))
        .filter(|w| !w.is_empty() && !matches!(*w, "the" | "by" | "of" | "first" | "thing"))
        .collect();
    let has = |w: &str| words.contains(&w);
    let next = has("next");
    let weekday = words
        .iter()
        .find_map(|w| WEEKDAYS.iter().position(|d| d == w));
    if has("in") || has("within") {
        // "in two weeks", "within 10 days", "in a couple of days".
        let count = words.iter().find_map(|w| match *w {
            "a" | "one" => Some(1),
            "two" | "couple" => Some(2),
            "three" | "few" => Some(3),
            "four" => Some(4),
            "five" => Some(5),
            "six" => Some(6),
            "ten" => Some(10),
            w => w.parse::<i64>().ok(),
        })?;
        let days = if has("week") || has("weeks") { 7 } else { 1 };
        return d.checked_add(Duration::days(count * days));
    }
    if has("today") || has("tonight") || has("eod") || (has("end") && has("day")) {
        return Some(d);
    }
    if has("tomorrow") {
        return d.next_day();
    }
    if let Some(w) = weekday {
        return Some(if next { in_week(d, 1, w) } else { after(d, w) });
    }
    if has("week") || has("eow") {
        return Some(in_week(d, i64::from(next), 4).max(d));
    }
    if has("month") || has("eom") {
        let month = if next { d.month().next() } else { d.month() };
        let year = d.year() + i32::from(next && d.month() == Month::December);
        return last_day(year, month);
    }
    if let Some(q) = words
        .iter()
        .find_map(|w| w.strip_prefix('q')?.parse::<u8>().ok())
    {
        return quarter_end(d, q);
    }
    if has("quarter") {
        return quarter_end(d, (u8::from(d.month()) - 1) / 3 + 1);
    }
    if has("year") {
        return Date::from_calendar_date(d.year(), Month::December, 31).ok();
    }
    let month = words.iter().find_map(|w| month_number(w));
    let day = words.iter().find_map(|w| day_number(w));
    let numeric = numbers(&lower);
    match (month, day) {
        (Some(m), Some(day)) => near(d, m, day),
        (None, Some(day)) if words.len() == 1 && !words[0].contains(['/', '-']) => {
            day_of_month(d, day)
        }
        _ => match numeric.as_slice() {
            [y, m, day] if *y >= 1900 => ymd(*y, *m, *day),
            [m, day] => near(d, u8::try_from(*m).ok()?, u8::try_from(*day).ok()?),
            _ => None,
        },
    }
}

fn resolve_ja(phrase: &str, d: Date) -> Option<Date> {
    if phrase.is_ascii() {
        return None;
    }
    let has = |s: &str| phrase.contains(s);
    let weeks = if has("再来週") {
        2
    } else {
        i64::from(has("来週"))
    };
    let weekday = phrase.char_indices().find_map(|(at, c)| {
        let day = JA_WEEKDAYS.iter().position(|w| *w == c)?;
        phrase[at + c.len_utf8()..].starts_with('曜').then_some(day)
    });
    if has("明後日") || has("あさって") {
        return d.checked_add(Duration::days(2));
    }
    if has("明日") || has("あした") {
        return d.next_day();
    }
    if has("今日") || has("本日") || has("今夜") || has("今晩") {
        return Some(d);
    }
    if let Some(w) = weekday {
        return Some(if has("週") {
            in_week(d, weeks, w)
        } else {
            after(d, w)
        });
    }
    if has("週明け") {
        return Some(in_week(d, 1, 0));
    }
    if has("週") {
        return Some(in_week(d, weeks, 4).max(d));
    }
    if has("年度") {
        let year = if u8::from(d.month()) >= 4 {
            d.year() + 1
        } else {
            d.year()
        };
        return Date::from_calendar_date(year, Month::March, 31).ok();
    }
    if has("年内") || has("今年") {
        return Date::from_calendar_date(d.year(), Month::December, 31).ok();
    }
    let numbers = numbers(phrase);
    if has("月") && !numbers.is_empty() {
        return match numbers.as_slice() {
            [y, m, day] => ymd(*y, *m, *day),
            [m, day] => near(d, u8::try_from(*m).ok()?, u8::try_from(*day).ok()?),
            _ => None,
        };
    }
    if let [day] = numbers.as_slice() {
        return day_of_month(d, u8::try_from(*day).ok()?);
    }
    let next_month = has("来月");
    if next_month || has("今月") || has("月末") || has("月内") {
        let month = if next_month {
            d.month().next()
        } else {
            d.month()
        };
        let year = d.year() + i32::from(next_month && d.month() == Month::December);
        if next_month && (has("頭") || has("初め")) {
            return Date::from_calendar_date(year, month, 1).ok();
        }
        return last_day(year, month);
    }
    None
}

/// Weekday `w` (0 = Monday) of the week `weeks` after the meeting's.
fn in_week(d: Date, weeks: i64, w: usize) -> Date {
    let monday = d - Duration::days(i64::from(d.weekday().number_days_from_monday()));
    monday + Duration::days(weeks * 7 + w as i64)
}

/// The first weekday `w` after the meeting day.
fn after(d: Date, w: usize) -> Date {
    let target = Weekday::Monday.nth_next(w as u8);
    let mut day = d + Duration::days(1);
    while day.weekday() != target {
        day += Duration::days(1);
    }
    day
}

fn last_day(year: i32, month: Month) -> Option<Date> {
    Date::from_calendar_date(year, month, month.length(year)).ok()
}

fn quarter_end(d: Date, q: u8) -> Option<Date> {
    let month = Month::try_from(q.clamp(1, 4) * 3).ok()?;
    let this_year = last_day(d.year(), month)?;
    if this_year >= d {
        Some(this_year)
    } else {
        last_day(d.year() + 1, month)
    }
}

/// Month `m`, day `day`: this year's, or next year's if this year's is more
/// than two months past.
fn near(d: Date, m: u8, day: u8) -> Option<Date> {
    let month = Month::try_from(m).ok()?;
    let this_year = Date::from_calendar_date(d.year(), month, day).ok()?;
    if this_year + Duration::days(60) < d {
        Date::from_calendar_date(d.year() + 1, month, day).ok()
    } else {
        Some(this_year)
    }
}

/// Day `day` of this month, or of the next if it has passed.
fn day_of_month(d: Date, day: u8) -> Option<Date> {
    let this_month = Date::from_calendar_date(d.year(), d.month(), day).ok();
    match this_month {
        Some(date) if date >= d => Some(date),
        _ => {
            let year = d.year() + i32::from(d.month() == Month::December);
            Date::from_calendar_date(year, d.month().next(), day).ok()
        }
    }
}

fn ymd(y: u32, m: u32, day: u32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(day).ok()?).ok()
}

fn month_number(word: &str) -> Option<u8> {
    let at = MONTHS.iter().position(|m| *m == word)?;
    u8::try_from(if at < 12 {
        at + 1
    } else {
        [1, 2, 3, 4, 6, 7, 8, 9, 9, 10, 11, 12][at - 12]
    })
    .ok()
}

/// `3`, `3rd`, `15th`.
fn day_number(word: &str) -> Option<u8> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (digits.len() < word.len() || !digits.is_empty())
        .then(|| digits.parse::<u8>().ok())
        .flatten()
        .filter(|d| (1..=31).contains(d))
}

/// The numbers in `text`, full-width digits included.
fn numbers(text: &str) -> Vec<u32> {
    let folded: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    folded
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests;
