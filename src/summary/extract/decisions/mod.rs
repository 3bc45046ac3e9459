//! Which sentences record decisions, and which defer matters to a later
//! meeting. One decision per turn, the plainest-spoken one that says what
//! was decided; a turn that only closes a discussion ("Okay, so German and
//! Spanish") counts when a question or proposal came just before it and the
//! turn defers nothing. "Agreed." borrows what it agrees to, from the rest
//! of its turn or the proposal before it; a decision restated a few turns
//! later (the acceptance of a decision, a recap) is kept once.

mod gist;

use self::gist::{clause, clean, core, joined};
use super::Unit;
use super::acts::Strength;
use super::cues::has_any;
use super::people::People;
use super::terms::{self, content, overlap};
use crate::summary::summarize::Decision;

/// How many turns back a decision or postponement looks for what it settles.
const CONTEXT_TURNS: usize = 3;
/// Deferrals to later in the same meeting, which the meeting itself resolves.
const LATER_TODAY: &[&str] = &[
    "at the end",
    "come back to",
    "later today",
    "最後に",
    "後ほど",
    "あとで",
];

/// A matter deferred to a later meeting: what was deferred, and how.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::summary) struct Postponement {
    pub text: String,
    pub segment: usize,
}

pub(super) fn find(units: &[Unit], people: &People) -> (Vec<Decision>, Vec<Postponement>) {
    let names = |w: &str| people.is_name(w);
    let terms = |text: &str| content(text, &names);
    // "Let's do it." says that, not what.
    let says_what = |text: &str| terms::says_what(&terms(text), text);
    let mut decisions: Vec<(Decision, Vec<String>)> = Vec::new();
    // Each with the turn of what it defers.
    let mut postponements: Vec<(Postponement, usize)> = Vec::new();
    for turn in turns(units) {
        let segment = turn[0].segment;
        let defers = turn.iter().any(|u| u.acts.postpone);
        let discussed = recent(units, segment).any(|u| u.acts.question || u.acts.proposal);
        let best = turn
            .iter()
            .enumerate()
            .filter_map(|(i, u)| Some((i, u, u.acts.decides()?)))
            .filter(|(_, _, strength)| *strength > Strength::Settling || (discussed && !defers))
            .max_by_key(|(i, u, strength)| (says_what(u.text), *strength, std::cmp::Reverse(*i)));
        if let Some((i, unit, _)) = best {
            let text = if !says_what(unit.text) {
                expand(turn, i, units, &terms)
            } else {
                clean(unit.text)
            };
            let said = terms(&text);
            let restated = decisions.iter().any(|(d, t)| {
                let near = segment - d.segment <= CONTEXT_TURNS;
                let shared = overlap(&said, t);
                (near && shared >= 0.5) || shared >= 0.8
            });
            if !restated {
                decisions.push((Decision { text, segment }, said));
            }
        } else if let Some(unit) = turn.iter().find(|u| defers_to_later(u)) {
            let context = proposal_before(units, segment);
            // Two turns deferring the same proposal are one postponement.
            let key = context.map_or(segment, |u| u.segment);
            let already = postponements.iter().any(|(_, k)| *k == key);
            if !already {
                let text = match context {
                    Some(context) => joined(&core(context.text), &clause(unit.text)),
                    None => clean(unit.text),
                };
                postponements.push((Postponement { text, segment }, key));
            }
        }
    }
    let decisions: Vec<Decision> = decisions.into_iter().map(|(d, _)| d).collect();
    let postponements = postponements.into_iter().map(|(p, _)| p).collect();
    (decisions, postponements)
}

/// The units of each turn, in order.
fn turns<'u, 'a>(units: &'u [Unit<'a>]) -> impl Iterator<Item = &'u [Unit<'a>]> {
    units.chunk_by(|a, b| a.segment == b.segment)
}

/// Units of the few turns before `segment`, nearest first.
fn recent<'u, 'a>(units: &'u [Unit<'a>], segment: usize) -> impl Iterator<Item = &'u Unit<'a>> {
    units
        .iter()
        .rev()
        .filter(move |u| u.segment < segment && segment - u.segment <= CONTEXT_TURNS + 1)
}

fn defers_to_later(unit: &Unit) -> bool {
    let lower = unit.text.to_lowercase();
    unit.acts.postpone
        && !unit.acts.question
        && !unit.acts.procedural
        && !has_any(&lower, LATER_TODAY)
}

/// The proposal or question a turn answers: the nearest proposal a few
/// turns back, else the nearest question, else the turn just before.
fn proposal_before<'u, 'a>(units: &'u [Unit<'a>], segment: usize) -> Option<&'u Unit<'a>> {
    recent(units, segment)
        .find(|u| u.acts.proposal)
        .or_else(|| recent(units, segment).find(|u| u.acts.question && u.acts.request.is_none()))
        .or_else(|| recent(units, segment).next())
}

/// A decision that says only "agreed": with the rest of its turn when that
/// says what, else with the proposal it agrees to.
fn expand(turn: &[Unit], i: usize, units: &[Unit], terms: &dyn Fn(&str) -> Vec<String>) -> String {
    let decided = clean(turn[i].text);
    let rest: Vec<&str> = turn[i + 1..]
        .iter()
        .filter(|u| !u.acts.question && u.acts.request.is_none() && !terms(u.text).is_empty())
        .take(2)
        .map(|u| u.text)
        .collect();
    if !rest.is_empty() {
        return format!("{decided} {}", rest.join(" "));
    }
    match proposal_before(units, turn[i].segment) {
        Some(context) => joined(&core(context.text), &decided),
        None => decided,
    }
}

#[cfg(test)]
mod tests;
