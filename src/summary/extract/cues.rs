//! Matching cue phrases: English phrases only at word boundaries ("agreed" is
//! not in "disagreed"), Japanese anywhere, since it has no spaces to check.

/// Whether `text` (lowercase) contains one of `phrases`.
pub(in crate::summary) fn has_any(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|phrase| find(text, phrase).is_some())
}

/// Byte offset of the first occurrence of `phrase` in `text` at word
/// boundaries (where the phrase starts or ends with a Latin letter or digit).
pub(in crate::summary) fn find(text: &str, phrase: &str) -> Option<usize> {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '\'');
    let check_start = latin(phrase.chars().next());
    let check_end = latin(phrase.chars().next_back());
    text.match_indices(phrase).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !((check_start && latin(before)) || (check_end && latin(after)))
    })
}

/// Discourse markers a spoken sentence often opens with.
const OPENERS: &[&str] = &[
    "okay",
    "ok",
    "alright",
    "all right",
    "right",
    "so",
    "yeah",
    "yes",
    "yep",
    "well",
    "and",
    "also",
    "then",
    "um",
    "uh",
    "hmm",
    "great",
    "perfect",
    "cool",
    "sure",
    "fair",
    "fair enough",
    "good",
    "honestly",
    "just",
    "but",
    "now",
    "oh",
    "ha",
    "got it",
    "thanks",
    "thank you",
    "では",
    "じゃあ",
    "じゃ",
    "それでは",
    "それじゃあ",
    "えー",
    "えっと",
    "まあ",
    "はい",
    "うん",
    "うーん",
    "あの",
    "そうですね",
    "なるほど",
    "わかりました",
    "了解です",
    "承知しました",
    "それと",
    "それから",
    "あと",
    "ただ",
    "まず",
    "次に",
    "最後に",
];

/// `text` without the discourse markers it opens with ("Okay, so we…" →
/// "we…", "では、リリースは…" → "リリースは…"); never empty if `text` is not.
pub(in crate::summary) fn without_openers(text: &str) -> &str {
    let is_separator = |c: char| c.is_whitespace() || ",、:".contains(c);
    let mut rest = text.trim_start_matches(is_separator);
    'strip: loop {
        let lower = rest.to_lowercase();
        for opener in OPENERS {
            let Some(tail) = lower.strip_prefix(opener) else {
                continue;
            };
            let ascii = opener.is_ascii();
            let next = tail.chars().next();
            // An English opener is a whole word followed by a separator or end;
            // a Japanese one must be followed by 、 or nothing else of the word.
            let whole = match next {
                None => false,
                Some(c) if ascii => is_separator(c) || c == '.',
                Some(c) => is_separator(c) || c == '。',
            };
            if whole && lower.len() == rest.len() {
                let cut = &rest[opener.len()..];
                let cut =
                    cut.trim_start_matches(|c: char| is_separator(c) || c == '.' || c == '。');
                if cut.is_empty() {
                    break 'strip;
                }
                rest = cut;
                continue 'strip;
            }
        }
        break;
    }
    rest
}

/// The first letter upper-cased (English sentences that lost their opener).
pub(in crate::summary) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The words of an English sentence, lowercased, without punctuation (an
/// apostrophe inside a word is kept: "let's", "i'll").
pub(super) fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('’', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_phrases_match_whole_words_only() {
        assert!(has_any("we agreed on it", &["agreed"]));
        assert!(!has_any("they disagreed", &["agreed"]));
        assert!(!has_any("let's go", &["et's"]));
        assert!(has_any("予算を承認しました", &["承認"]));
    }

    #[test]
    fn openers_are_stripped_until_the_content() {
        assert_eq!(without_openers("Okay, so we ship it."), "we ship it.");
        assert_eq!(without_openers("Yeah. Right, fine."), "fine.");
        assert_eq!(without_openers("Okay."), "Okay.");
        assert_eq!(without_openers("So"), "So");
        assert_eq!(without_openers("Sorry, I'm late."), "Sorry, I'm late.");
        assert_eq!(
            without_openers("では、リリースは決定です"),
            "リリースは決定です"
        );
        assert_eq!(
            without_openers("はい、わかりました、送ります。"),
            "送ります。"
        );
        assert_eq!(without_openers("はいはい"), "はいはい");
    }

    #[test]
    fn words_keep_inner_apostrophes() {
        assert_eq!(
            words("Let's go, I'll do it!"),
            ["let's", "go", "i'll", "do", "it"]
        );
    }
}
