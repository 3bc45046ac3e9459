//! The sentences that say something about a task, each with who owns it,
//! when it is due and what it is about.

use super::super::Unit;
use super::super::acts::Request;
use super::super::due::due;
use super::super::owner::named_owner;
use super::super::people::People;
use super::super::terms::{content, says_what};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Asks someone for a task.
    Request,
    /// Someone commits to a task.
    Commitment,
    /// Accepts a request and says when ("Yep, it'll go out Thursday."):
    /// part of an item, never one on its own.
    Reply,
    /// Goes over a task in a recap: part of an item unless it gives a
    /// deadline for a task not heard before.
    Recap,
}

#[derive(Debug, Clone)]
pub(super) struct Candidate {
    /// Index of the sentence in the units.
    pub unit: usize,
    pub segment: usize,
    pub speaker: Option<String>,
    pub kind: Kind,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub terms: Vec<String>,
    /// Whether it says what the task is, not just "I'll do it".
    pub says_what: bool,
    /// The content words of what a vague sentence refers to.
    pub context: Vec<String>,
    /// Says it is another task ("also", 「それと」): not the one before.
    pub fresh: bool,
}

pub(super) fn find(units: &[Unit], people: &People) -> Vec<Candidate> {
    let names = |w: &str| people.is_name(w);
    let mut found = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let acts = &unit.acts;
        let speaker = people.speaker(unit.segment).map(str::to_owned);
        let terms = content(unit.text, &names);
        let said_due = due(unit.text);
        let vocative = people.vocative(unit.text);
        let earlier_vocative = || {
            units[..i]
                .iter()
                .rev()
                .take_while(|u| u.segment == unit.segment)
                .find_map(|u| people.vocative(u.text))
        };
        let candidate = |kind: Kind, owner: Option<String>| Candidate {
            unit: i,
            segment: unit.segment,
            speaker: speaker.clone(),
            kind,
            owner,
            due: said_due.clone(),
            terms: terms.clone(),
            says_what: says_what(&terms, unit.text),
            context: if says_what(&terms, unit.text) {
                Vec::new()
            } else {
                context(units, i).map_or_else(Vec::new, |u| content(u, &names))
            },
            fresh: fresh(unit.text),
        };
        let recapping = acts.recap
            || units[..i]
                .iter()
                .rev()
                .take_while(|u| u.segment == unit.segment)
                .any(|u| u.acts.recap);
        let japanese = !unit.text.is_ascii();
        // 「お願いします。」 alone answers; 「本日はよろしくお願いします」 greets.
        let greeting = unit.text.contains("よろしくお願い");
        let substantive = !japanese || !terms.is_empty() || (said_due.is_some() && !greeting);
        let requested = match acts.request {
            Some(Request::Task | Request::Anyone) => substantive,
            Some(Request::InMeeting) => false,
            // "Chen, the runbook by Monday."
            None => {
                let asks = !acts.question || acts.recap;
                vocative.is_some() && said_due.is_some() && !acts.commitment && asks
            }
        };
        if requested {
            let owner = (acts.request != Some(Request::Anyone))
                .then(|| {
                    vocative
                        .clone()
                        .or_else(earlier_vocative)
                        .or_else(|| named_owner(unit.text, people))
                        .or_else(|| addressee(units, i, people))
                })
                .flatten();
            // "Recap of actions. Olivia, the alerts by Friday." restates.
            let kind = if recapping {
                Kind::Recap
            } else {
                Kind::Request
            };
            found.push(candidate(kind, owner));
        } else if acts.commitment || (named_owner(unit.text, people).is_some() && !acts.question) {
            // "I'll send it", "Bob will send it", 「田中さんが送ります」.
            let owner = named_owner(unit.text, people).or_else(|| speaker.clone());
            found.push(candidate(Kind::Commitment, owner));
        } else if acts.acceptance && said_due.is_some() && !acts.question {
            found.push(candidate(Kind::Reply, speaker.clone()));
        } else if recapping {
            for (owner, clause) in recap_clauses(unit.text, people) {
                let terms = content(clause, &names);
                found.push(Candidate {
                    owner: Some(owner),
                    due: due(clause),
                    says_what: says_what(&terms, clause),
                    terms,
                    ..candidate(Kind::Recap, None)
                });
            }
        }
    }
    // A request without a deadline takes one said elsewhere in its turn
    // ("Jenny, can you…? It goes out next Friday.").
    for c in &mut found {
        if c.due.is_none() && c.kind == Kind::Request {
            c.due = units
                .iter()
                .filter(|u| u.segment == c.segment && !u.acts.question)
                .find_map(|u| due(u.text));
        }
    }
    found
}

/// What a vague sentence ("I'll talk to her this week") refers to: the
/// sentence before it in its turn, else the turn before.
pub(super) fn context<'a>(units: &[Unit<'a>], i: usize) -> Option<&'a str> {
    units[..i]
        .iter()
        .rev()
        .find(|u| !u.acts.question || u.acts.request.is_some())
        .map(|u| u.text)
}

/// Who a request without a name is for: the next speaker when they take it
/// up, else the one it answers.
fn addressee(units: &[Unit], i: usize, people: &People) -> Option<String> {
    let segment = units[i].segment;
    let speaker = people.speaker(segment);
    let next = units[i..].iter().find(|u| u.segment > segment);
    let taken_up = next.filter(|u| {
        let reply = u.acts.acceptance || u.acts.commitment || u.acts.volunteer;
        reply && u.segment == segment + 1 && people.speaker(u.segment) != speaker
    });
    if let Some(u) = taken_up {
        if let Some(name) = people.speaker(u.segment) {
            return Some(name.to_owned());
        }
    }
    let previous = segment.checked_sub(1).and_then(|p| people.speaker(p));
    previous.filter(|p| Some(*p) != speaker).map(str::to_owned)
}

/// "Raj sends the offer on Thursday, and Hannah has the rubric by Tuesday":
/// each clause that opens with a participant's name.
fn recap_clauses<'t>(text: &'t str, people: &People) -> Vec<(String, &'t str)> {
    text.split([',', ';', ':', '、'])
        .filter_map(|clause| {
            let clause = clause.trim();
            let clause = clause.strip_prefix("and ").unwrap_or(clause).trim();
            let first = clause.split([' ', 'さ']).next()?;
            let owner = people.resolve(first)?;
            (clause.chars().count() > first.chars().count() + 4).then_some((owner, clause))
        })
        .collect()
}

/// Whether a sentence says it brings up another task.
fn fresh(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .collect();
    words
        .iter()
        .any(|w| matches!(*w, "also" | "another" | "too"))
        || ["それと", "あと、", "それから", "また、", "もう一つ"]
            .iter()
            .any(|p| text.starts_with(p))
}
