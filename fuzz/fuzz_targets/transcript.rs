//! An uploaded transcript in each format `minutes::parse` reads (the first
//! byte picks the format): parsing must fail cleanly or give segments that
//! are trimmed and non-empty.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minutes::summary::{Format, parse};

const FORMATS: [Format; 5] = [
    Format::Plain,
    Format::Markdown,
    Format::Srt,
    Format::Vtt,
    Format::WhisperJson,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = FORMATS[usize::from(pick) % FORMATS.len()];
    if let Ok(transcript) = parse(format, text) {
        for segment in &transcript.segments {
            assert!(!segment.text.is_empty(), "{format}: an empty segment");
        }
    }
});
