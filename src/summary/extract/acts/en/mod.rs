//! English cues of `Acts`.

mod tasks;
mod words;

use self::tasks::*;
use self::words::*;
use super::{Acts, Request, Strength};
use crate::summary::extract::cues::{find, has_any, without_openers, words};
use crate::summary::extract::due::due;

pub(super) fn read(text: &str, acts: &mut Acts) {
    let lower = text.to_lowercase().replace('’', "'");
    let content = without_openers(&lower);
    let first = |phrases: &[&str]| phrases.iter().any(|p| content.starts_with(p));
    acts.question |= lower.trim_end().ends_with('?') || first(QUESTION_OPENERS);
    acts.proposal |= has_any(&lower, PROPOSALS);
    acts.postpone |= has_any(&lower, POSTPONEMENTS);
    acts.recap |= has_any(&lower, RECAPS);
    acts.acceptance |= ACCEPTANCES
        .iter()
        .any(|a| starts_with_word(lower.trim_start(), a));
    let conditional = matches!(
        words(content).first().map(String::as_str),
        Some("if" | "when" | "unless" | "whether" | "maybe")
    );
    if has_any(&lower, EXPLICIT) && !has_any(&lower, NEGATED) {
        acts.decision = Some(Strength::Explicit);
    } else if !conditional && (plan(&lower) || verdict(&lower) || rejection(content)) {
        acts.decision = Some(Strength::Implied);
    } else if settles(&lower) {
        acts.decision = Some(Strength::Settling);
    }
    acts.procedural |=
        after(&lower, "let's").is_some_and(|rest| starts_any(rest, RUNNING_THE_MEETING));
    if has_any(&lower, ANYONE) {
        acts.request = Some(Request::Anyone);
    } else if has_any(&lower, REQUESTS) {
        let now = has_any(&lower, IN_MEETING) && due(text).is_none();
        acts.request = Some(if now {
            Request::InMeeting
        } else {
            Request::Task
        });
    }
    acts.volunteer |= has_any(&lower, VOLUNTEERING);
    let promised = COMMITMENTS
        .iter()
        .any(|c| after(&lower, c).is_some_and(|rest| !starts_any(rest, NOT_COMMITMENTS)));
    let able = ["i can", "i should have"]
        .iter()
        .any(|c| find(&lower, c).is_some());
    let noted = has_any(&lower, &["todo", "to-do", "to do:", "action item"]);
    acts.commitment |=
        !acts.question && (promised || noted || acts.volunteer || (able && due(text).is_some()));
}

/// "let's add it", "we'll switch to…", "we're doing the raffle": the group
/// says what it will do.
fn plan(lower: &str) -> bool {
    if let Some(rest) = after(lower, "let's") {
        return !starts_any(rest, RUNNING_THE_MEETING);
    }
    let we = [
        "we'll",
        "we will",
        "we're going to",
        "we are going to",
        "we're doing",
        "we are doing",
    ];
    let negated = [
        "we won't",
        "we will not",
        "we're not going to",
        "we are not going to",
    ];
    we.iter()
        .find_map(|p| after(lower, p))
        .is_some_and(|rest| !starts_any(rest, NOT_PLANS))
        || has_any(lower, &negated)
}

/// "Blue it is." / "Spring fair it is, on Saturday.": a verdict on a choice.
fn verdict(lower: &str) -> bool {
    lower.match_indices(" it is").any(|(at, m)| {
        let next = lower[at + m.len()..].chars().next();
        let ends = next.is_none_or(|c| ",.!;".contains(c));
        let before = lower[..at].rsplit(' ').next().unwrap_or_default();
        ends && !before.is_empty() && !NOT_VERDICTS.contains(&before)
    })
}

/// "No Friday freeze then.", "No silent auction, let's keep it simple.",
/// "No video in this release" (but not "No monitoring at all", "No, I
/// think…" nor "No worries").
fn rejection(content: &str) -> bool {
    let settled = has_any(
        content,
        &[
            "then",
            "let's",
            "this release",
            "this time",
            "this year",
            "for now",
            "for this",
        ],
    );
    settled
        && content
            .strip_prefix("no ")
            .and_then(|rest| words(rest).into_iter().next())
            .is_some_and(|next| !NOT_REJECTIONS.contains(&next.as_str()))
}

/// "Okay, so German and Spanish for launch." / "Alright, then the goal is
/// ten thousand.": someone closes the discussion with its outcome.
fn settles(lower: &str) -> bool {
    let words = words(lower);
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    let opens = (matches!(w(0), "okay" | "ok" | "alright" | "right")
        && matches!(w(1), "so" | "then"))
        || (w(0) == "all" && w(1) == "right" && matches!(w(2), "so" | "then"))
        || (w(0) == "so" && w(1) == "then")
        || (w(0) == "in" && w(1) == "that" && w(2) == "case");
    let agenda = has_any(lower, &["this is", "back to", "moving on", "next up"]);
    // "Fine, Acme then."
    let then = matches!(w(0), "fine" | "okay" | "ok" | "alright" | "good")
        && lower.trim_end_matches(['.', '!']).ends_with(" then");
    ((opens && words.len() >= 5) || then) && !agenda
}

/// The text after the first `phrase` at word boundaries, trimmed, with
/// filler adverbs skipped ("let's definitely do" → "do").
fn after<'a>(lower: &'a str, phrase: &str) -> Option<&'a str> {
    let at = find(lower, phrase)?;
    let mut rest = lower[at + phrase.len()..].trim_start();
    for adverb in [
        "definitely",
        "just",
        "also",
        "then",
        "now",
        "really",
        "actually",
        "all",
    ] {
        if let Some(tail) = rest.strip_prefix(adverb).filter(|t| t.starts_with(' ')) {
            rest = tail.trim_start();
        }
    }
    Some(rest)
}

fn starts_any(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| starts_with_word(text, p))
}

fn starts_with_word(text: &str, phrase: &str) -> bool {
    text.strip_prefix(phrase)
        .is_some_and(|tail| !tail.starts_with(|c: char| c.is_alphanumeric() || c == '\''))
}
