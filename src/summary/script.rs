//! Which writing system a character belongs to. Japanese is written without
//! spaces, so joining lines, splitting sentences and tokenizing all need to
//! know where CJK text starts and stops.

/// Kanji (CJK ideographs, including the iteration mark 々).
pub(super) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3006}' | '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

pub(super) fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

/// Katakana, including the long-vowel mark ー and half-width forms.
pub(super) fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

/// Characters of a Japanese (or Chinese) word run: no spaces between them.
pub(super) fn is_cjk(c: char) -> bool {
    is_han(c) || is_hiragana(c) || is_katakana(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_kana_and_latin_are_told_apart() {
        assert!(is_han('決') && is_han('々'));
        assert!(is_hiragana('ま') && !is_hiragana('マ'));
        assert!(is_katakana('マ') && is_katakana('ー'));
        assert!(is_cjk('田') && is_cjk('に'));
        assert!(!is_cjk('a') && !is_cjk('。') && !is_cjk('１'));
    }
}
