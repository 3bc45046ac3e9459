//! A calendar of due action items as RFC 5545 text: one all-day `VEVENT`
//! per item on its due date (calendar apps that subscribe to a feed show
//! events; few show `VTODO`s), lines ended by CRLF and folded at 75 octets
//! without splitting a character, text values escaped (`\`, `;`, `,`,
//! newlines), and a `UID` made of the meeting and the item's place, so a
//! subscribed calendar updates an item instead of adding it again.

use time::{Date, OffsetDateTime, macros::format_description};

/// One due item.
pub(super) struct Event<'a> {
    pub uid: String,
    pub due_date: Date,
    pub summary: &'a str,
    pub description: String,
    pub url: String,
}

/// The longest content line, in octets, before it is folded.
const LINE_OCTETS: usize = 75;

/// The calendar named `name` holding `events`, stamped `now`.
pub(super) fn calendar(name: &str, events: &[Event<'_>], now: OffsetDateTime) -> String {
    let stamp = now
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("a UTC time formats");
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//minutes//action items//EN",
        "CALSCALE:GREGORIAN",
    ] {
        push(&mut out, line);
    }
    push(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for event in events {
        let next_day = event.due_date.next_day().unwrap_or(event.due_date);
        push(&mut out, "BEGIN:VEVENT");
        push(&mut out, &format!("UID:{}", escape(&event.uid)));
        push(&mut out, &format!("DTSTAMP:{stamp}"));
        push(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", day(event.due_date)),
        );
        push(&mut out, &format!("DTEND;VALUE=DATE:{}", day(next_day)));
        push(&mut out, &format!("SUMMARY:{}", escape(event.summary)));
        push(
            &mut out,
            &format!("DESCRIPTION:{}", escape(&event.description)),
        );
        push(&mut out, &format!("URL:{}", event.url));
        push(&mut out, "TRANSP:TRANSPARENT");
        push(&mut out, "END:VEVENT");
    }
    push(&mut out, "END:VCALENDAR");
    out
}

/// A `DATE` value: `20261011`.
fn day(date: Date) -> String {
    date.format(format_description!("[year][month][day]"))
        .expect("a date formats")
}

/// A `TEXT` value (RFC 5545 §3.3.11): backslash, semicolon and comma
/// escaped, each line break `\n`, other control characters dropped.
fn escape(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded (§3.1): at most 75 octets a line, each
/// continuation starting with a space, never inside a character.
fn push(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn event(summary: &str) -> Event<'_> {
        Event {
            uid: "task.0@minutes".into(),
            due_date: date!(2026 - 10 - 11),
            summary,
            description: "週次定例 (2026-10-04)\nhttp://localhost/#/tasks/x".into(),
            url: "http://localhost/#/tasks/x?segment=3".into(),
        }
    }

    #[test]
    fn text_values_escape_backslashes_separators_and_newlines() {
        assert_eq!(escape(r"a\b;c,d"), r"a\\b\;c\,d");
        assert_eq!(escape("one\r\ntwo\nthree\u{7}"), r"one\ntwo\nthree");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let summary = "資料を準備します。".repeat(10);
        let ics = calendar("items", &[event(&summary)], datetime!(2026-10-01 09:00 UTC));
        for line in ics.split("\r\n") {
            assert!(
                line.len() <= LINE_OCTETS,
                "{line:?} is {} octets",
                line.len()
            );
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{summary}\r\n")));
    }

    #[test]
    fn an_item_is_an_all_day_event_on_its_due_date() {
        let ics = calendar(
            "items",
            &[event("Send the deck")],
            datetime!(2026-10-01 09:00 UTC),
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        for line in [
            "UID:task.0@minutes",
            "DTSTAMP:20261001T090000Z",
            "DTSTART;VALUE=DATE:20261011",
            "DTEND;VALUE=DATE:20261012",
            "SUMMARY:Send the deck",
            r"DESCRIPTION:週次定例 (2026-10-04)\nhttp://localhost/#/tasks/x",
        ] {
            assert!(ics.contains(&format!("\r\n{line}\r\n")), "{line}");
        }
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "only CRLF ends lines"
        );
    }
}
