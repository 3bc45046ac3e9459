//! Keyset pagination cursors for task lists: the (upload_timestamp, id) of
//! the last task on a page, opaque to clients (base64url of `micros|uuid`).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub upload_timestamp: OffsetDateTime,
    pub id: Uuid,
}

impl Cursor {
    /// PostgreSQL keeps microseconds, so they round-trip exactly.
    pub fn encode(&self) -> String {
        let micros = self.upload_timestamp.unix_timestamp_nanos() / 1000;
        URL_SAFE_NO_PAD.encode(format!("{micros}|{}", self.id))
    }

    pub fn decode(s: &str) -> Option<Self> {
        let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
        let (micros, id) = std::str::from_utf8(&raw).ok()?.split_once('|')?;
        let micros: i128 = micros.parse().ok()?;
        Some(Self {
            upload_timestamp: OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1000)?)
                .ok()?,
            id: Uuid::try_parse(id).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
