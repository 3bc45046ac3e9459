//! When an action item is due, as said: "by Friday", "before the code
//! freeze", "tomorrow morning", "the end of next week", 「金曜日までに」,
//! 「来週月曜に」, 「今週中」, 「期限：5月10日」. A deadline anchored by "by",
//! "before", "until", までに or 期限 wins over a bare date in the same
//! sentence; a date something starts from ("from next week", 「11月15日から」)
//! is no deadline. `resolve` turns a phrase into a date once the meeting's
//! own date is known.

mod en;
mod ja;
mod resolve;

pub(super) use self::en::{MONTHS, WEEKDAYS};
pub(in crate::summary) use self::resolve::{full_date, meeting_date, resolve};

pub(super) fn due(text: &str) -> Option<String> {
    ja::due(text).or_else(|| en::due(text))
}

/// A due phrase folded for comparison: "by the end of the month" and "end
/// of the month" are the same deadline; so are 「10月10日までに」 and 「10月10日」.
pub(super) fn same_due(a: &str, b: &str) -> bool {
    let fold = |s: &str| {
        let s = s.to_lowercase();
        let mut s = s.trim();
        for prefix in ["by ", "before ", "until ", "on ", "the "] {
            s = s.strip_prefix(prefix).unwrap_or(s);
        }
        for suffix in ["までに", "まで", "中に"] {
            s = s.strip_suffix(suffix).unwrap_or(s);
        }
        s.to_owned()
    };
    let (a, b) = (fold(a), fold(b));
    !a.is_empty() && (a.contains(&b) || b.contains(&a)) && a.len().min(b.len()) >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_anchored_by_by_win_over_bare_dates() {
        let cases = [
            ("Start today and finish it by Wednesday.", Some("Wednesday")),
            ("I'll call her tomorrow morning.", Some("tomorrow morning")),
            ("Pricing goes to the sync on the 18th.", Some("the 18th")),
            ("Starting next week, we meet daily.", None),
            (
                "田中さん、来週の月曜までに見積もりをお願いします。",
                Some("来週の月曜"),
            ),
            ("11月15日から足場を解体します。", None),
        ];
        for (text, expected) in cases {
            assert_eq!(due(text).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn the_same_deadline_said_twice_is_one() {
        assert!(same_due("the end of the month", "end of the month"));
        assert!(same_due("10月10日", "10月10日までに"));
        assert!(same_due("tomorrow", "tomorrow morning"));
        assert!(!same_due("Monday", "Friday"));
        assert!(!same_due("", ""));
    }
}
