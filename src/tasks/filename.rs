//! The client's file name, which is display metadata only (files are stored
//! under UUIDs): made safe to keep and show at upload, and put in a
//! `Content-Disposition` header that no name can break when served.

use anyhow::Context as _;
use axum::http::HeaderValue;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use unicode_normalization::UnicodeNormalization as _;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};

use crate::error::Result;

/// Longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 255;
/// Longest extension a shortened name keeps: what decides an upload's type
/// is short; a longer "extension" is just the end of a long name.
const MAX_EXTENSION_CHARS: usize = 16;

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

/// The client's file name, for display only: its last path component,
/// without control characters, format characters (bidi overrides such as
/// U+202E, zero-width characters) and line or paragraph separators, in NFC,
/// at most `MAX_NAME_CHARS` characters (a longer name loses the end of its
/// stem, not its extension).
pub(super) fn sanitize(raw: Option<&str>) -> String {
    let base = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let cleaned: String = base.chars().filter(|&c| shown(c)).nfc().collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim_start();
    if cleaned.is_empty() {
        "upload".into()
    } else {
        shorten(cleaned)
    }
}

/// `name` cut to `MAX_NAME_CHARS` characters, keeping its extension: the
/// upload's type is decided by it.
fn shorten(name: &str) -> String {
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.into();
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| (1..=MAX_EXTENSION_CHARS).contains(&ext.chars().count()));
    let Some(extension) = extension else {
        return name.chars().take(MAX_NAME_CHARS).collect();
    };
    let stem_chars = MAX_NAME_CHARS - 1 - extension.chars().count();
    let stem: String = name.chars().take(stem_chars).collect();
    format!("{}.{extension}", stem.trim_end())
}

/// Whether a character is kept in a displayed name: not a control (Cc) or
/// format (Cf) character, nor a line (Zl) or paragraph (Zp) separator, all
/// of which are invisible or reorder what is shown around them.
fn shown(c: char) -> bool {
    !matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// A download's file name from what names the meeting: its date and title
/// (`2026-09-30 第3四半期 定例会議.md`), without the characters file
/// systems refuse (a title's `9/30` becomes `9-30`), made safe as an
/// upload's name is (`sanitize`).
pub(super) fn download_name(date: &str, title: &str, extension: &str) -> String {
    let title: String = title
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c => c,
        })
        .collect();
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    sanitize(Some(&format!("{date} {title}.{extension}")))
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
    fn a_long_name_is_shortened_in_its_stem_and_keeps_its_extension() {
        let long = format!("{}.vtt", "a".repeat(300));
        let kept = sanitize(Some(&long));
        assert_eq!(kept.chars().count(), 255);
        assert!(kept.ends_with("aaa.vtt"), "{kept}");
        let japanese = format!("{}.srt", "議事録".repeat(100));
        let kept = sanitize(Some(&japanese));
        assert_eq!(kept.chars().count(), 255);
        assert!(kept.ends_with(".srt"), "{kept}");
        // No extension, or an "extension" that is most of the name: cut at the end.
        let dotted = format!("a.{}", "b".repeat(300));
        assert_eq!(sanitize(Some(&dotted)).chars().count(), 255);
        let exact = format!("{}.md", "c".repeat(252));
        assert_eq!(sanitize(Some(&exact)), exact);
    }

    #[test]
    fn bidi_overrides_and_invisible_characters_are_dropped() {
        assert_eq!(sanitize(Some("minutes\u{202E}fdp.vtt")), "minutesfdp.vtt");
        assert_eq!(
            sanitize(Some("a\u{200B}b\u{200D}c\u{2066}d\u{FEFF}e.txt")),
            "abcde.txt"
        );
        assert_eq!(sanitize(Some("one\u{2028}two\u{2029}.md")), "onetwo.md");
        assert_eq!(sanitize(Some("\u{202E}\u{200B}")), "upload");
    }

    #[test]
    fn names_are_normalized_to_nfc() {
        let decomposed = "Cafe\u{301} re\u{301}union.txt";
        assert_eq!(sanitize(Some(decomposed)), "Caf\u{E9} r\u{E9}union.txt");
        assert_eq!(sanitize(Some("\u{30CF}\u{309A}.txt")), "\u{30D1}.txt");
    }

    #[test]
    fn a_download_is_named_by_the_meetings_date_and_title() {
        assert_eq!(
            download_name("2026-09-30", "第3四半期 定例会議", "md"),
            "2026-09-30 第3四半期 定例会議.md"
        );
        assert_eq!(
            download_name("2026-09-30", "定例会議（9/30）\n..\\x\u{202E}", "txt"),
            "2026-09-30 定例会議（9-30） ..-x.txt"
        );
        let long = download_name("2026-09-30", &"議".repeat(300), "json");
        assert_eq!(long.chars().count(), 255);
        assert!(long.ends_with("議.json"), "{long}");
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
