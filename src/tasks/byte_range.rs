//! `Range: bytes=…` on a task's media, so a player can seek in a recording
//! without downloading it first (Chromium will not seek in a file served
//! without ranges). One range is served; anything else this does not
//! understand (several ranges, another unit, a malformed value) is ignored
//! and the whole file served, as RFC 9110 lets a server do.

use std::ops::Range;

/// What the request's `Range` asks of a file.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Wanted {
    Whole,
    Part(Range<u64>),
    /// A range that starts past the end (416).
    Unsatisfiable,
}

/// Resolves a `Range` header's value against a file of `len` bytes.
pub(super) fn resolve(range: &str, len: u64) -> Wanted {
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return Wanted::Whole;
    };
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    match (first, number(first), number(last)) {
        // `bytes=-n`: the last n bytes.
        ("", _, Some(n)) => match len.checked_sub(n.min(len)) {
            Some(start) if n > 0 && len > 0 => Wanted::Part(start..len),
            _ => Wanted::Unsatisfiable,
        },
        (_, Some(start), None) if last.is_empty() => part(start, len, len),
        (_, Some(start), Some(end)) if start <= end => part(start, end.saturating_add(1), len),
        _ => Wanted::Whole,
    }
}

fn part(start: u64, end: u64, len: u64) -> Wanted {
    if start >= len {
        Wanted::Unsatisfiable
    } else {
        Wanted::Part(start..end.min(len))
    }
}

#[cfg(test)]
mod tests {
    use super::{Wanted::*, *};

    #[test]
    fn one_range_is_resolved_against_the_length() {
        assert_eq!(resolve("bytes=0-99", 1000), Part(0..100));
        assert_eq!(resolve("bytes=900-", 1000), Part(900..1000));
        assert_eq!(resolve("bytes=900-5000", 1000), Part(900..1000));
        assert_eq!(resolve("bytes=-100", 1000), Part(900..1000));
        assert_eq!(resolve("bytes=-5000", 1000), Part(0..1000));
        assert_eq!(resolve("bytes=999-999", 1000), Part(999..1000));
    }

    #[test]
    fn a_range_past_the_end_is_unsatisfiable() {
        assert_eq!(resolve("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(resolve("bytes=1000-2000", 1000), Unsatisfiable);
        assert_eq!(resolve("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(resolve("bytes=0-", 0), Unsatisfiable);
        assert_eq!(resolve("bytes=-1", 0), Unsatisfiable);
    }

    #[test]
    fn what_is_not_one_byte_range_gets_the_whole_file() {
        for other in [
            "",
            "bytes",
            "bytes=",
            "bytes=-",
            "bytes=5-1",
            "bytes=0-1,5-9",
            "items=0-1",
            "bytes=+1-2",
            "bytes=a-b",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(resolve(other, 1000), Whole, "{other}");
        }
    }
}
