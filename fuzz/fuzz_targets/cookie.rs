//! A `Cookie` header as a browser (or anyone) sends it: reading our two
//! cookies out of it must not panic, and a refresh token found there must
//! parse or be refused cleanly, in both cookie-name modes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minutes::{fuzzing::session_cookies, session::RefreshToken};

fuzz_target!(|data: &[u8]| {
    for secure in [false, true] {
        let Some([_sid, rt]) = session_cookies(secure, data) else {
            return;
        };
        if let Some(token) = rt.as_deref().and_then(RefreshToken::parse) {
            let _ = token.series_id();
        }
    }
});
