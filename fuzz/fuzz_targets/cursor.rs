//! A `cursor` query parameter: decoding must not panic, and a cursor that
//! decodes must encode to one that decodes to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minutes::fuzzing::reencoded_cursor;

fuzz_target!(|data: &str| {
    if let Some(encoded) = reencoded_cursor(data) {
        assert_eq!(
            reencoded_cursor(&encoded).as_deref(),
            Some(encoded.as_str())
        );
    }
});
