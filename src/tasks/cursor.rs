//! Keyset pagination cursors for task lists: the (upload_timestamp, id) of
//! the last task on a page, opaque to clients (base64url of `micros|uuid`),
//! or, for the list sorted by meeting date, its (meeting_date, id)
//! (base64url of `YYYY-MM-DD|uuid`); neither decodes as the other, so a
//! cursor of one sort is refused by the other. A cursor is client input: one
//! whose instant PostgreSQL's `timestamptz` cannot hold is refused here, so
//! it is a 400 and never a database error.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use time::OffsetDateTime;
use uuid::Uuid;

use super::TaskRow;
use crate::paging::Key;

/// `timestamptz`'s range in microseconds since the Unix epoch: from
/// 4714-11-24 00:00 UTC BC (PostgreSQL's `MIN_TIMESTAMP`) up to, but not
/// including, 294277-01-01 (`END_TIMESTAMP`), both shifted from PostgreSQL's
/// 2000-01-01 epoch.
const PG_MICROS: std::ops::Range<i128> = {
    const PG_EPOCH_MICROS: i128 = 946_684_800_000_000;
    (-211_813_488_000_000_000 + PG_EPOCH_MICROS)..(9_223_371_331_200_000_000 + PG_EPOCH_MICROS)
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub upload_timestamp: OffsetDateTime,
    pub id: Uuid,
}

impl Cursor {
    /// The position of a task in a list.
    pub fn of(row: &TaskRow) -> Self {
        Self {
            upload_timestamp: row.upload_timestamp,
            id: row.id,
        }
    }
}

impl Key for Cursor {
    /// PostgreSQL keeps microseconds, so they round-trip exactly.
    fn encode(&self) -> String {
        let micros = self.upload_timestamp.unix_timestamp_nanos() / 1000;
        URL_SAFE_NO_PAD.encode(format!("{micros}|{}", self.id))
    }

    fn decode(s: &str) -> Option<Self> {
        let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
        let (micros, id) = std::str::from_utf8(&raw).ok()?.split_once('|')?;
        let micros: i128 = micros.parse().ok()?;
        if !PG_MICROS.contains(&micros) {
            return None;
        }
        Some(Self {
            upload_timestamp: OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1000)?)
                .ok()?,
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

/// The position of a task in the list sorted by meeting date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingCursor {
    /// `2024-09-30`, a date `time` parsed (so PostgreSQL's `date` takes it).
    pub meeting_date: String,
    pub id: Uuid,
}

const DATE: &[time::format_description::BorrowedFormatItem<'_>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl MeetingCursor {
    /// The position of a task in a list.
    pub fn of(row: &TaskRow) -> Self {
        Self {
            meeting_date: row.meeting_date.clone(),
            id: row.id,
        }
    }
}

impl Key for MeetingCursor {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.meeting_date, self.id))
    }

    fn decode(s: &str) -> Option<Self> {
        let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
        let (date, id) = std::str::from_utf8(&raw).ok()?.split_once('|')?;
        time::Date::parse(date, DATE).ok()?;
        Some(Self {
            meeting_date: date.to_owned(),
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_cursor_round_trips_and_an_upload_cursor_is_not_one() {
        let cursor = MeetingCursor {
            meeting_date: "2024-09-30".to_owned(),
            id: Uuid::new_v4(),
        };
        assert_eq!(
            MeetingCursor::decode(&cursor.encode()),
            Some(cursor.clone())
        );
        let upload = Cursor {
            upload_timestamp: time::macros::datetime!(2026-11-23 10:00 UTC),
            id: Uuid::new_v4(),
        };
        assert_eq!(MeetingCursor::decode(&upload.encode()), None);
        assert_eq!(Cursor::decode(&cursor.encode()), None);
        for bad in ["", "!!", &URL_SAFE_NO_PAD.encode("2024-13-01|nope")] {
            assert_eq!(MeetingCursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let cursor = Cursor {
            upload_timestamp: time::macros::datetime!(2026-11-23 10:00:00.123456 UTC),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in [
            "",
            "!!",
            "bm9waXBl",
            &URL_SAFE_NO_PAD.encode("1|not-a-uuid"),
        ] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    fn raw(micros: i128) -> String {
        URL_SAFE_NO_PAD.encode(format!("{micros}|{}", Uuid::nil()))
    }

    #[test]
    fn a_cursor_postgres_cannot_store_is_refused() {
        // 4714-11-24 BC is the first instant `timestamptz` holds.
        let first = OffsetDateTime::new_utc(
            time::Date::from_calendar_date(-4713, time::Month::November, 24).unwrap(),
            time::Time::MIDNIGHT,
        );
        let first_micros = first.unix_timestamp_nanos() / 1000;
        assert_eq!(first_micros, PG_MICROS.start);
        assert!(Cursor::decode(&raw(first_micros)).is_some());
        assert_eq!(Cursor::decode(&raw(first_micros - 1)), None);
        let year_minus_9999 = time::macros::datetime!(-9999-01-01 0:00 UTC);
        assert_eq!(
            Cursor::decode(&raw(year_minus_9999.unix_timestamp_nanos() / 1000)),
            None
        );
        // Year 300000, past `timestamptz`'s end, and far past it.
        assert_eq!(Cursor::decode(&raw(9_404_592_000_000_000_000)), None);
        assert_eq!(Cursor::decode(&raw(i128::MAX)), None);
        assert_eq!(Cursor::decode(&raw(i128::MIN)), None);
    }
}
