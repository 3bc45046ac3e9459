//! Where a page of search results starts: the last result's rank, meeting
//! date and task (results are ordered by all three, descending), opaque to
//! clients (base64url of `score|date|uuid`).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::paging::Key;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cursor {
    pub score: i32,
    /// `2024-09-30`.
    pub meeting_date: time::Date,
    pub id: Uuid,
}

const DATE: &[time::format_description::BorrowedFormatItem<'_>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl Key for Cursor {
    fn encode(&self) -> String {
        let date = self.meeting_date.format(DATE).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(format!("{}|{date}|{}", self.score, self.id))
    }

    fn decode(s: &str) -> Option<Self> {
        let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
        let mut parts = std::str::from_utf8(&raw).ok()?.splitn(3, '|');
        let score = parts.next()?.parse().ok()?;
        let meeting_date = time::Date::parse(parts.next()?, DATE).ok()?;
        let id = Uuid::try_parse(parts.next()?).ok()?;
        Some(Self {
            score,
            meeting_date,
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let cursor = Cursor {
            score: 12,
            meeting_date: time::macros::date!(2024 - 09 - 30),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "!!", &URL_SAFE_NO_PAD.encode("x|2024-09-30|nope")] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
