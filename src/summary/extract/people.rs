//! Who takes part and who is spoken to. Speaker labels name the
//! participants; without them (Whisper JSON has none) the names people are
//! addressed by stand in ("Mike, can you…", "Thank you, Rosa.", 「田中さん、」),
//! and a segment's speaker is inferred from the turn-taking: the reply to
//! "Karen, can you…?" is Karen's, and the line before "Thanks, Rosa." is Rosa's.

use super::Unit;
use super::cues::without_openers;
use crate::summary::script::{is_han, is_katakana};

/// Capitalised words that open sentences rather than name people.
const NOT_NAMES: &[&str] = &[
    "okay",
    "ok",
    "yes",
    "yeah",
    "yep",
    "sure",
    "well",
    "right",
    "great",
    "honestly",
    "perfect",
    "thanks",
    "alright",
    "fair",
    "hmm",
    "actually",
    "also",
    "so",
    "and",
    "but",
    "now",
    "then",
    "oh",
    "ha",
    "cool",
    "good",
    "fine",
    "look",
    "listen",
    "sorry",
    "wait",
    "no",
    "nope",
    "hi",
    "hey",
    "morning",
    "everyone",
    "everybody",
    "folks",
    "guys",
    "team",
    "all",
    "agreed",
    "first",
    "next",
    "last",
    "again",
    "anyway",
    "meanwhile",
    "plus",
    "obviously",
    "seriously",
    "absolutely",
    "definitely",
    "basically",
    "personally",
    "um",
    "uh",
    "wow",
    "oof",
    "volunteers",
];
const NOT_NAMES_JA: &[&str] = &["皆", "皆様", "お客", "みな", "先方", "お客様"];

pub(super) struct People {
    /// Speaker labels, in order of first appearance.
    labels: Vec<String>,
    /// Names people are addressed by, when there are no labels.
    addressed: Vec<String>,
    /// Who said each segment: its label, or inferred.
    speakers: Vec<Option<String>>,
}

impl People {
    pub(super) fn new(units: &[Unit], speakers: Vec<Option<String>>) -> Self {
        let mut labels: Vec<String> = Vec::new();
        for label in speakers.iter().flatten() {
            if !labels.contains(label) {
                labels.push(label.clone());
            }
        }
        let mut people = Self {
            labels,
            addressed: Vec::new(),
            speakers,
        };
        if people.labels.is_empty() {
            for unit in units {
                if let Some(name) = raw_vocative(unit.text).or_else(|| thanked(unit.text)) {
                    if !people.addressed.contains(&name) {
                        people.addressed.push(name);
                    }
                }
            }
            people.infer_speakers(units);
        }
        people
    }

    pub(super) fn speaker(&self, segment: usize) -> Option<&str> {
        self.speakers.get(segment)?.as_deref()
    }

    /// The participant `name` refers to: a label, or a label's first name.
    pub(super) fn resolve(&self, name: &str) -> Option<String> {
        let name = name.trim();
        let first = |label: &str| label.split_whitespace().next().unwrap_or(label).to_owned();
        self.labels
            .iter()
            .find(|l| l.eq_ignore_ascii_case(name) || first(l).eq_ignore_ascii_case(name))
            .cloned()
            .or_else(|| {
                let known = self.labels.is_empty() && self.addressed.iter().any(|a| a == name);
                known.then(|| name.to_owned())
            })
    }

    /// Whether `word` names a participant.
    pub(super) fn is_name(&self, word: &str) -> bool {
        self.resolve(word).is_some()
    }

    /// The person a sentence addresses by name ("Raj, can you…", "…,
    /// Kevin?", 「田中さん、…」): a participant, or someone who has not spoken.
    pub(super) fn vocative(&self, text: &str) -> Option<String> {
        raw_vocative(text).map(|name| self.resolve(&name).unwrap_or(name))
    }

    /// Unlabelled segments: the reply to a question or request that named
    /// someone is theirs; so is the line someone is thanked for.
    fn infer_speakers(&mut self, units: &[Unit]) {
        let count = self.speakers.len();
        let of = |segment: usize| units.iter().filter(move |u| u.segment == segment);
        for segment in 0..count {
            let thanked_next = of(segment + 1).next().and_then(|u| thanked(u.text));
            let asked_before = segment.checked_sub(1).and_then(|previous| {
                let asks = of(previous).any(|u| u.acts.question || u.acts.request.is_some());
                asks.then(|| of(previous).find_map(|u| raw_vocative(u.text)))
                    .flatten()
            });
            let name = thanked_next.or(asked_before).and_then(|n| self.resolve(&n));
            if self.speakers[segment].is_none() {
                self.speakers[segment] = name;
            }
        }
    }
}

/// The name a sentence opens or closes with, before or after a comma.
fn raw_vocative(text: &str) -> Option<String> {
    let content = without_openers(text);
    if let Some(name) = japanese_vocative(content) {
        return Some(name);
    }
    let opening = content
        .split(',')
        .next()
        .filter(|head| head.len() < content.len());
    let closing = text
        .rsplit_once(',')
        .map(|(_, tail)| tail.trim().trim_end_matches(['.', '?', '!']))
        .filter(|tail| !tail.contains(' '));
    opening
        .and_then(name_like)
        .or_else(|| closing.and_then(name_like))
}

/// 「田中さん、」「まず井上さん、」: the kanji or katakana run before さん、.
fn japanese_vocative(text: &str) -> Option<String> {
    let is_name_char = |c: char| is_han(c) || is_katakana(c);
    text.match_indices("さん、").find_map(|(at, _)| {
        let before = &text[..at];
        let start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_name_char(c))
            .last()
            .map(|(i, _)| i)?;
        let name = &before[start..];
        (!NOT_NAMES_JA.contains(&name)).then(|| name.to_owned())
    })
}

/// "Thanks, Rosa." / "Thank you, Luis." / 「田中さん、ありがとうございます」.
fn thanked(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let rest = ["thank you,", "thanks,", "thank you", "thanks"]
        .iter()
        .find_map(|p| lower.strip_prefix(p).map(|r| &text[text.len() - r.len()..]))?;
    let word = rest
        .trim()
        .trim_end_matches(['.', '!'])
        .split([' ', ','])
        .next()?;
    name_like(word)
}

/// One or two capitalised words that are not sentence openers.
fn name_like(text: &str) -> Option<String> {
    let text = text.trim();
    let words: Vec<&str> = text.split_whitespace().collect();
    let capitalised = |w: &&str| {
        w.starts_with(|c: char| c.is_uppercase())
            && w.chars().all(|c| c.is_alphabetic() || c == '-')
    };
    let fits = (1..=2).contains(&words.len())
        && words.iter().all(capitalised)
        && !NOT_NAMES.contains(&words[0].to_lowercase().as_str());
    fits.then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocatives_open_or_close_a_sentence() {
        assert_eq!(
            raw_vocative("Okay. Priya, please start today."),
            Some("Priya".into())
        );
        assert_eq!(
            raw_vocative("And Omar, can you check it?"),
            Some("Omar".into())
        );
        assert_eq!(raw_vocative("No worries, Kevin."), Some("Kevin".into()));
        assert_eq!(raw_vocative("Okay, let's start."), None);
        assert_eq!(raw_vocative("Honestly, that's fine."), None);
        assert_eq!(
            raw_vocative("それと木下さん、資料をお願いします。"),
            Some("木下".into())
        );
        assert_eq!(raw_vocative("皆さん、お疲れ様です。"), None);
        assert_eq!(thanked("Thank you, Rosa."), Some("Rosa".into()));
        assert_eq!(thanked("Thanks, everyone."), None);
    }
}
