//! Due phrases resolved against a meeting held on Thursday 3 October 2024.

use time::Date;
use time::macros::date;

use super::{meeting_date, resolve};
use crate::summary::transcript::Segment;

const MEETING: Date = date!(2024 - 10 - 03);

fn said(text: &str) -> Segment {
    Segment {
        start: None,
        end: None,
        speaker: None,
        text: text.into(),
    }
}

#[test]
fn the_meeting_date_comes_from_the_title_or_the_opening_lines() {
    assert_eq!(
        meeting_date(Some("Weekly sync 2024-10-03"), &[]),
        Some(MEETING)
    );
    assert_eq!(
        meeting_date(None, &[said("Welcome to the October 3, 2024 review.")]),
        Some(MEETING)
    );
    assert_eq!(
        meeting_date(Some("2024年10月3日 定例会"), &[]),
        Some(MEETING)
    );
    assert_eq!(
        meeting_date(Some("Weekly sync"), &[said("See you on the 3rd.")]),
        None
    );
}

#[test]
fn relative_and_absolute_english_dues_become_dates() {
    let cases = [
        ("today", Some(date!(2024 - 10 - 03))),
        ("tomorrow morning", Some(date!(2024 - 10 - 04))),
        ("Friday", Some(date!(2024 - 10 - 04))),
        ("next Wednesday", Some(date!(2024 - 10 - 09))),
        ("the end of the week", Some(date!(2024 - 10 - 04))),
        ("the end of next week", Some(date!(2024 - 10 - 11))),
        ("the end of the month", Some(date!(2024 - 10 - 31))),
        ("end of Q4", Some(date!(2024 - 12 - 31))),
        ("the 15th", Some(date!(2024 - 10 - 15))),
        ("the 2nd", Some(date!(2024 - 11 - 02))),
        ("October 10", Some(date!(2024 - 10 - 10))),
        ("Jan 5", Some(date!(2025 - 01 - 05))),
        ("in two weeks", Some(date!(2024 - 10 - 17))),
        ("the code freeze", None),
    ];
    for (phrase, expected) in cases {
        assert_eq!(resolve(phrase, MEETING), expected, "{phrase}");
    }
}

#[test]
fn relative_and_absolute_japanese_dues_become_dates() {
    let cases = [
        ("明日", Some(date!(2024 - 10 - 04))),
        ("明日の朝一", Some(date!(2024 - 10 - 04))),
        ("金曜日", Some(date!(2024 - 10 - 04))),
        ("来週水曜", Some(date!(2024 - 10 - 09))),
        ("今週中", Some(date!(2024 - 10 - 04))),
        ("週明け", Some(date!(2024 - 10 - 07))),
        ("今月末", Some(date!(2024 - 10 - 31))),
        ("来月頭", Some(date!(2024 - 11 - 01))),
        ("10月10日", Some(date!(2024 - 10 - 10))),
        ("年度内", Some(date!(2025 - 03 - 31))),
        ("コードフリーズ", None),
    ];
    for (phrase, expected) in cases {
        assert_eq!(resolve(phrase, MEETING), expected, "{phrase}");
    }
}
