//! Japanese due phrases: what comes before までに / まで (「来週の月曜までに」),
//! after 期限 (「期限：5月10日」), or a date said alone (「来週月曜に」,
//! 「明日の朝一で」, 「今週中」, 「今月末」).

use crate::summary::script::{is_han, is_katakana};

/// Dates said alone, longest first within each group so that 明後日 is not
/// read as 明日 and 今週中 not as 今週.
const DAYS: &[&str] = &[
    "明後日",
    "あさって",
    "あした",
    "明日",
    "今日",
    "本日",
    "今夜",
    "今晩",
];
const WEEKS: &[&str] = &["再来週", "来週", "今週"];
const MONTHS: &[&str] = &["再来月", "来月", "今月"];
const SPANS: &[&str] = &[
    "今年度中",
    "年度内",
    "年度末",
    "今年中",
    "年内",
    "月内",
    "月末",
    "週明け",
    "週末",
];
const WEEKDAYS: &[char] = &['月', '火', '水', '木', '金', '土', '日'];
/// What may follow a date: 中 (今週中), 末 (今月末), a time of day.
const TAILS: &[&str] = &[
    "中",
    "末",
    "頭",
    "初め",
    "いっぱい",
    "上旬",
    "中旬",
    "下旬",
    "朝一",
    "午前中",
    "午前",
    "午後",
    "夕方",
    "朝",
    "夜",
];

pub(super) fn due(text: &str) -> Option<String> {
    before_made(text)
        .or_else(|| after_label(text))
        .or_else(|| said_alone(text))
}

/// `来週の月曜までに` → `来週の月曜`: the date-like run before まで(に).
fn before_made(text: &str) -> Option<String> {
    let is_date_char = |c: char| {
        is_han(c)
            || is_katakana(c)
            || c.is_ascii_alphanumeric()
            || ('０'..='９').contains(&c)
            || "/:：-".contains(c)
    };
    text.match_indices("まで").find_map(|(at, _)| {
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
        let run: String = before[start..].iter().collect();
        // 「今まで」 and 「これまで」 are no deadlines.
        (run.chars().count() >= 2).then_some(run)
    })
}

/// `期限：5月10日`, `締め切りは金曜`.
fn after_label(text: &str) -> Option<String> {
    ["期限", "締め切り", "締切"].iter().find_map(|label| {
        let at = text.find(label)?;
        let rest = text[at + label.len()..]
            .trim_start_matches(|c: char| c.is_whitespace() || ":：は".contains(c));
        said_at(rest).map(|n| rest[..n].to_owned())
    })
}

/// The first date said on its own, not one something starts from (〜から).
fn said_alone(text: &str) -> Option<String> {
    text.char_indices().find_map(|(at, _)| {
        let length = said_at(&text[at..])?;
        let after = &text[at + length..];
        let previous = text[..at].chars().next_back();
        let inside_word = previous.is_some_and(|c| c.is_ascii_digit() || is_han(c));
        (!after.starts_with("から") && !inside_word).then(|| text[at..at + length].to_owned())
    })
}

/// The byte length of a date at the start of `text`, if one starts there.
fn said_at(text: &str) -> Option<usize> {
    let head = prefix(text, DAYS)
        .or_else(|| prefix(text, SPANS))
        .or_else(|| prefix(text, WEEKS).map(|n| n + weekday_after(&text[n..])))
        .or_else(|| prefix(text, MONTHS))
        .or_else(|| weekday(text))
        .or_else(|| calendar(text))?;
    let rest = &text[head..];
    let joined = rest
        .strip_prefix('の')
        .filter(|r| prefix(r, TAILS).is_some());
    let tail = joined.map_or_else(
        || prefix(rest, TAILS).unwrap_or(0),
        |r| 'の'.len_utf8() + prefix(r, TAILS).unwrap_or(0),
    );
    Some(head + tail)
}

fn prefix(text: &str, words: &[&str]) -> Option<usize> {
    words.iter().find(|w| text.starts_with(*w)).map(|w| w.len())
}

/// `月曜`, `金曜日`, `水曜` (a weekday needs 曜).
fn weekday(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let day = chars.next().filter(|c| WEEKDAYS.contains(c))?;
    let rest = chars.as_str().strip_prefix('曜')?;
    let length = day.len_utf8() + '曜'.len_utf8();
    Some(if rest.starts_with('日') {
        length + '日'.len_utf8()
    } else {
        length
    })
}

/// `来週の月曜`, `来週水曜`: the weekday after a week word.
fn weekday_after(text: &str) -> usize {
    let joined = text.strip_prefix('の').map_or(0, |_| 'の'.len_utf8());
    weekday(&text[joined..]).map_or(0, |n| joined + n)
}

/// `10月10日`, `12月5日`, `2024年5月10日`, `5日`, `5/10`.
fn calendar(text: &str) -> Option<usize> {
    let digits = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
            .map(char::len_utf8)
            .sum::<usize>()
    };
    let mut at = 0;
    let mut units = 0;
    for unit in ['年', '月', '日'] {
        let n = digits(&text[at..]);
        if n == 0 || !text[at + n..].starts_with(unit) {
            continue;
        }
        at += n + unit.len_utf8();
        units += 1;
    }
    if units > 0 && text[..at].ends_with(['月', '日']) {
        return Some(at);
    }
    let n = digits(text);
    let slash = text[n..].strip_prefix('/').map(digits).unwrap_or(0);
    (n > 0 && slash > 0).then_some(n + 1 + slash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_due_phrases_are_kept_as_said() {
        let cases = [
            ("田中さんが金曜日までに送ります。", Some("金曜日")),
            ("来週の月曜までに提出してください。", Some("来週の月曜")),
            ("報告書は来週水曜まででお願いします。", Some("来週水曜")),
            ("初稿は12月5日まで、よろしくお願いします。", Some("12月5日")),
            ("今週中に対応します。", Some("今週中")),
            ("アポは私が今日中に取ります。", Some("今日中")),
            ("稟議書は今月末までに提出します。", Some("今月末")),
            (
                "色見本を持って、来週月曜に確認してきます。",
                Some("来週月曜"),
            ),
            ("はい、明日の朝一で連絡します。", Some("明日の朝一")),
            ("明後日に送ります。", Some("明後日")),
            ("期限：5月10日", Some("5月10日")),
            ("コードフリーズまでに直します。", Some("コードフリーズ")),
            ("11月15日から解体します。", None),
            ("今まで通りです。", None),
            ("までに", None),
        ];
        for (text, expected) in cases {
            assert_eq!(due(text).as_deref(), expected, "{text}");
        }
    }
}
