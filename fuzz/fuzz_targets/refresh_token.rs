//! `RefreshToken::parse` on any string: it accepts only the shape
//! `generate` makes, and what it accepts must name a series without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minutes::session::RefreshToken;

fuzz_target!(|data: &str| {
    if let Some(token) = RefreshToken::parse(data) {
        assert_eq!(token.as_str(), data);
        let _ = token.series_id();
        let _ = token.hash();
    }
});
