//! Decisions and action items, found by cue phrases in English and Japanese.
//!
//! A sentence becomes at most one item, by cue priority: an explicit
//! assignment (TODO, "action item", "assigned to", "@name", "Bob will",
//! 担当, 対応, お願いします, やります) makes an action item even when the
//! sentence also states a decision, because someone has to follow it up; else
//! a decision cue (decided, agreed, approved, 決定, 合意, 承認, …) makes a
//! decision; else a deadline alone ("by Friday", までに) or "we will" makes an
//! action item. So "We agreed to ship by Friday" is a decision and "We agreed
//! Bob will ship it" an action. Questions and negated decisions ("not decided",
//! 決まっていません) are not decisions. Repeated sentences give one item.

mod due;
mod owner;

use std::collections::HashSet;

use self::due::due;
use self::owner::{Subject, mention, owner, will_subject};
use super::sentences::Sentence;
use super::summarize::{ActionItem, Decision};
use super::transcript::Segment;

const DECISION_CUES: &[&str] = &[
    "決定",
    "決まりました",
    "決まった",
    "決めました",
    "決めた",
    "合意",
    "承認",
    "decided",
    "agreed",
    "we will go with",
    "we'll go with",
    "approved",
    "resolved",
    "decision:",
];

const NOT_DECIDED: &[&str] = &[
    "not decided",
    "undecided",
    "haven't decided",
    "have not decided",
    "not yet decided",
    "didn't agree",
    "did not agree",
    "not agreed",
    "couldn't agree",
    "could not agree",
    "no decision",
    "not approved",
    "決まっていません",
    "決まりませんでした",
    "決定していません",
    "決定できません",
    "合意できません",
    "合意に至らず",
    "合意に至りません",
    "承認されませんでした",
    "未定",
    "保留",
];

const ASSIGNMENT_CUES: &[&str] = &[
    "todo",
    "to do:",
    "to-do",
    "action item",
    "assigned to",
    "owner:",
    "担当",
    "対応",
    "お願いします",
    "お願いいたします",
    "お願いできますか",
    "やります",
    "やっておきます",
    "宿題",
];

const DEADLINE_CUES: &[&str] = &["までに", "期限", "締め切り", "締切", "deadline"];

/// "よろしくお願いします" is a greeting, not a request.
const GREETINGS: &[&str] = &["よろしくお願い", "宜しくお願い"];

#[derive(Debug, PartialEq)]
enum Kind {
    Decision,
    Action,
}

pub(super) fn find(
    sentences: &[Sentence],
    segments: &[Segment],
) -> (Vec<Decision>, Vec<ActionItem>) {
    let mut seen = HashSet::new();
    let mut decisions = Vec::new();
    let mut actions = Vec::new();
    for sentence in sentences {
        let Some(kind) = classify(&sentence.text) else {
            continue;
        };
        if !seen.insert(dedup_key(&sentence.text)) {
            continue;
        }
        let text = sentence.text.clone();
        let segment = sentence.segment;
        match kind {
            Kind::Decision => decisions.push(Decision { text, segment }),
            Kind::Action => {
                let speaker = segments.get(segment).and_then(|s| s.speaker.as_deref());
                actions.push(ActionItem {
                    owner: owner(&text, speaker),
                    due: due(&text),
                    text,
                    segment,
                });
            }
        }
    }
    (decisions, actions)
}

fn classify(text: &str) -> Option<Kind> {
    let lower = text.to_lowercase();
    let mut requests = lower.clone();
    for greeting in GREETINGS {
        requests = requests.replace(greeting, "");
    }
    let subject = will_subject(text);
    let assignment = has_any(&requests, ASSIGNMENT_CUES)
        || mention(text).is_some()
        || subject.as_ref().is_some_and(|s| *s != Subject::We);
    let decision = !text.ends_with(['?', '？'])
        && has_any(&lower, DECISION_CUES)
        && !has_any(&lower, NOT_DECIDED);
    let deadline = has_any(&lower, DEADLINE_CUES) || due(text).is_some() || subject.is_some();
    if assignment {
        Some(Kind::Action)
    } else if decision {
        Some(Kind::Decision)
    } else if deadline {
        Some(Kind::Action)
    } else {
        None
    }
}

/// Whether `text` (lowercase) contains one of `phrases`; phrases starting or
/// ending with a Latin letter must do so at a word boundary ("agreed" is not
/// in "disagreed"). Japanese has no word boundaries to check.
fn has_any(text: &str, phrases: &[&str]) -> bool {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    phrases.iter().any(|phrase| {
        let check_start = latin(phrase.chars().next());
        let check_end = latin(phrase.chars().next_back());
        text.match_indices(phrase).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + phrase.len()..].chars().next();
            let cuts_start = check_start && latin(before);
            let cuts_end = check_end && latin(after);
            !(cuts_start || cuts_end)
        })
    })
}

/// Case, spacing and final punctuation do not make a sentence new.
fn dedup_key(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

/// A word without the punctuation around it (apostrophes inside are kept).
fn clean(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .trim_end_matches(['\'', '’'])
        .trim_start_matches(['\'', '’'])
}

/// Whether a phrase cannot continue past this word.
fn ends_clause(word: &str) -> bool {
    word.ends_with([',', '.', ';', ':', '!', '?', ')', '、', '。'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_priority_decides_between_decision_and_action() {
        let cases = [
            ("We agreed to ship by Friday.", Some(Kind::Decision)),
            ("We agreed that Bob will ship it.", Some(Kind::Action)),
            ("We will go with Postgres.", Some(Kind::Decision)),
            ("We will revisit this next week.", Some(Kind::Action)),
            ("Have we decided?", None),
            ("We have not decided yet.", None),
            ("They disagreed strongly.", None),
            ("It will rain tomorrow.", None),
            ("TODO: update the docs.", Some(Kind::Action)),
            ("@carol please review the PR.", Some(Kind::Action)),
            ("予算案を承認しました。", Some(Kind::Decision)),
            ("合意できませんでした。", None),
            (
                "リリース日は決定しましたが、資料作成は田中さんが担当します。",
                Some(Kind::Action),
            ),
            ("本日はよろしくお願いします。", None),
            ("金曜日までに送ります。", Some(Kind::Action)),
            ("良い天気ですね。", None),
        ];
        for (text, kind) in cases {
            assert_eq!(classify(text), kind, "{text}");
        }
    }

    #[test]
    fn a_repeated_sentence_gives_one_item() {
        let sentences = ["TODO: fix it.", "todo:  fix it", "We decided."].map(|text| Sentence {
            text: text.into(),
            segment: 0,
        });
        let (decisions, actions) = find(&sentences, &[]);
        assert_eq!(actions.len(), 1);
        assert_eq!(decisions.len(), 1);
    }
}
