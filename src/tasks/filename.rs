//! The client's file name, which is display metadata only (files are stored
//! under UUIDs): made safe to keep and show at upload, and put in a
//! `Content-Disposition` header that no name can break when served.

use anyhow::Context as _;
use axum::http::HeaderValue;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::Result;

/// Longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 255;

/// RFC 8187 `attr-char`: everything else in `filename*` is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The client's file name, for display only: its last path component, without
/// control characters, at most `MAX_NAME_CHARS` characters.
pub(super) fn sanitize(raw: Option<&str>) -> String {
    let base = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim_start();
    if cleaned.is_empty() {
        "upload".into()
    } else {
        cleaned.into()
    }
}

/// `attachment` with an ASCII fallback name for old clients and the exact
/// name in RFC 8187 form for the rest.
pub(super) fn content_disposition(filename: &str) -> Result<HeaderValue> {
    let fallback: String = filename
        .chars()
        .map(|c| match c {
            '"' | '\\' | '%' => '_',
            ' '..='~' => c,
            _ => '_',
        })
        .collect();
    let exact = utf8_percent_encode(filename, ATTR_CHAR);
    let value = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}");
    Ok(HeaderValue::try_from(value).context("a content disposition")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_directories_and_control_characters() {
        assert_eq!(sanitize(Some("../../etc/passwd.txt")), "passwd.txt");
        assert_eq!(sanitize(Some("C:\\Users\\a\\notes.md")), "notes.md");
        assert_eq!(sanitize(Some("a\r\nb\0.txt")), "ab.txt");
        assert_eq!(sanitize(Some("..")), "upload");
        assert_eq!(sanitize(None), "upload");
        assert_eq!(sanitize(Some(&"x".repeat(300))).len(), 255);
    }

    #[test]
    fn a_served_name_cannot_break_out_of_its_header() {
        let value = content_disposition("a\"; b=\\c%.txt").unwrap();
        assert_eq!(
            value,
            "attachment; filename=\"a_; b=_c_.txt\"; filename*=UTF-8''a%22%3B%20b%3D%5Cc%25.txt"
        );
    }
}
