//! RFC 3339 timestamps in JSON, as `time::serde::rfc3339` writes and reads
//! them, but written without its general formatting machinery: a task
//! list's forty timestamps cost a fifth of `GET /api/tasks` that way
//! (`scripts/profile-list`). Writing is byte for byte what `time` writes
//! (the tests compare the two); reading is `time`'s own.
//!
//! `#[serde(with = "crate::rfc3339")]`, or `crate::rfc3339::option`.

use serde::{Deserializer, Serializer};
use time::OffsetDateTime;

/// The longest form, `9999-12-31T23:59:59.999999999+23:59`, has 35 bytes.
const MAX: usize = 35;

/// Writes `t` into `buf` and returns the length, or `None` for a year that
/// RFC 3339 cannot hold (before year 0; `time` has none after 9999) or an
/// offset with seconds.
fn format(t: &OffsetDateTime, buf: &mut [u8; MAX]) -> Option<usize> {
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    let offset = t.offset();
    if offset.seconds_past_minute() != 0 {
        return None;
    }
    let mut out = Out { buf, n: 0 };
    out.digits(year, 4);
    out.byte(b'-');
    out.digits(u8::from(t.month()).into(), 2);
    out.byte(b'-');
    out.digits(t.day().into(), 2);
    out.byte(b'T');
    out.digits(t.hour().into(), 2);
    out.byte(b':');
    out.digits(t.minute().into(), 2);
    out.byte(b':');
    out.digits(t.second().into(), 2);
    let nanos = t.nanosecond();
    if nanos != 0 {
        // As few digits as say it: trailing zeros are left off.
        let (mut value, mut width) = (nanos, 9);
        while value % 10 == 0 {
            value /= 10;
            width -= 1;
        }
        out.byte(b'.');
        out.digits(value, width);
    }
    if offset.is_utc() {
        out.byte(b'Z');
    } else {
        out.byte(if offset.is_negative() { b'-' } else { b'+' });
        out.digits(offset.whole_hours().unsigned_abs().into(), 2);
        out.byte(b':');
        out.digits(offset.minutes_past_hour().unsigned_abs().into(), 2);
    }
    Some(out.n)
}

struct Out<'a> {
    buf: &'a mut [u8; MAX],
    n: usize,
}

impl Out<'_> {
    fn byte(&mut self, b: u8) {
        self.buf[self.n] = b;
        self.n += 1;
    }

    /// `value` in exactly `width` decimal digits, zero-padded.
    fn digits(&mut self, value: u32, width: u32) {
        let mut div = 10u32.pow(width - 1);
        while div > 0 {
            self.byte(b'0' + (value / div % 10) as u8);
            div /= 10;
        }
    }
}

pub fn serialize<S: Serializer>(t: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; MAX];
    let n = format(t, &mut buf)
        .ok_or_else(|| serde::ser::Error::custom("the timestamp cannot be written in RFC 3339"))?;
    // Only ASCII digits and separators were written.
    let text = std::str::from_utf8(&buf[..n]).map_err(serde::ser::Error::custom)?;
    serializer.serialize_str(text)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    time::serde::rfc3339::deserialize(deserializer)
}

/// The same for an optional timestamp (`null` for none).
pub mod option {
    use serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(
        t: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        time::serde::rfc3339::option::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use time::{Duration, UtcOffset, format_description::well_known::Rfc3339, macros::datetime};

    use super::*;

    fn ours(t: OffsetDateTime) -> Option<String> {
        let mut buf = [0u8; MAX];
        format(&t, &mut buf).map(|n| String::from_utf8(buf[..n].to_vec()).unwrap())
    }

    #[test]
    fn writes_what_time_writes_for_every_kind_of_value() {
        let base = datetime!(2026-12-07 09:31:35 UTC);
        let offsets = [
            UtcOffset::UTC,
            UtcOffset::from_hms(9, 0, 0).unwrap(),
            UtcOffset::from_hms(-3, -30, 0).unwrap(),
            UtcOffset::from_hms(0, -45, 0).unwrap(),
        ];
        let nanos = [
            0,
            1,
            10,
            100_000,
            120_000_000,
            123_456_789,
            999_999_999,
            500_000_000,
        ];
        let mut seen = 0;
        for step in 0..400i64 {
            // Steps of a prime number of seconds cover every field's range.
            let t = base + Duration::seconds(step * 7_919_993);
            for offset in offsets {
                for n in nanos {
                    let t = t.replace_nanosecond(n).unwrap().to_offset(offset);
                    assert_eq!(
                        ours(t).as_deref(),
                        Some(t.format(&Rfc3339).unwrap().as_str())
                    );
                    seen += 1;
                }
            }
        }
        for t in [
            datetime!(0000-01-01 00:00:00 UTC),
            datetime!(9999-12-31 23:59:59.999_999_999 UTC),
            datetime!(2024-02-29 12:00:00.000_000_001 +14:00),
        ] {
            assert_eq!(
                ours(t).as_deref(),
                Some(t.format(&Rfc3339).unwrap().as_str())
            );
            seen += 1;
        }
        assert_eq!(seen, 400 * 4 * 8 + 3);
    }

    #[test]
    fn refuses_what_time_refuses() {
        let t = datetime!(2026-12-07 09:31:35 UTC);
        for bad in [
            t.replace_year(-1).unwrap(),
            t.replace_year(-9999).unwrap(),
            t.to_offset(UtcOffset::from_hms(1, 0, 30).unwrap()),
        ] {
            assert!(bad.format(&Rfc3339).is_err());
            assert_eq!(ours(bad), None);
        }
    }

    #[test]
    fn reads_back_what_it_writes() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct At {
            #[serde(with = "crate::rfc3339")]
            at: OffsetDateTime,
            #[serde(with = "crate::rfc3339::option")]
            maybe: Option<OffsetDateTime>,
        }
        let value = At {
            at: datetime!(2026-12-07 09:31:35.25 +09:00),
            maybe: None,
        };
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(
            json,
            r#"{"at":"2026-12-07T09:31:35.25+09:00","maybe":null}"#
        );
        assert_eq!(serde_json::from_str::<At>(&json).unwrap(), value);
    }
}
