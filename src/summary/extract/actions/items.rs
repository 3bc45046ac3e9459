//! Candidates that are one task become one action item: a request and the
//! addressee's reply, the sentences of one turn, and any later sentence by
//! or to the same owner that restates the task (most of its content words,
//! as a recap does). The item is said where the task is stated best: the
//! owner's own commitment with its deadline, else the request with one;
//! "I'll take it" or 「はい、来週までに作ります」 alone say too little, so the
//! item keeps the request's words and the reply's deadline.

use time::Date;

use super::super::Unit;
use super::super::cues::{capitalised, without_openers};
use super::super::due::{resolve, same_due};
use super::candidates::{Candidate, Kind, context};
use crate::summary::summarize::ActionItem;

/// How many turns a reply may come after what it answers.
const REPLY_TURNS: usize = 2;
/// How much of its content a restatement shares with the task.
const RESTATES: f64 = 0.5;

#[derive(Debug)]
struct Item {
    members: Vec<Candidate>,
    owner: Option<String>,
    terms: Vec<String>,
}

pub(super) fn merge(
    candidates: Vec<Candidate>,
    units: &[Unit],
    meeting: Option<Date>,
) -> Vec<ActionItem> {
    let mut items: Vec<Item> = Vec::new();
    for c in candidates {
        let joined = items.iter_mut().rev().find(|item| joins(&c, item));
        match joined {
            Some(item) => {
                if item.owner.is_none() {
                    item.owner = c.owner.clone();
                }
                for t in &c.terms {
                    if !item.terms.contains(t) {
                        item.terms.push(t.clone());
                    }
                }
                item.members.push(c);
            }
            None if starts_item(&c) => items.push(Item {
                owner: c.owner.clone(),
                terms: [c.terms.clone(), c.context.clone()].concat(),
                members: vec![c],
            }),
            None => {}
        }
    }
    items
        .into_iter()
        .filter(|item| {
            item.members
                .iter()
                .any(|m| !m.terms.is_empty() || m.due.is_some())
        })
        .map(|item| action(&item, units, meeting))
        .collect()
}

/// Replies and recaps only add to items; a recap starts one when it gives
/// a deadline.
fn starts_item(c: &Candidate) -> bool {
    match c.kind {
        Kind::Request | Kind::Commitment => true,
        Kind::Reply => false,
        Kind::Recap => c.due.is_some(),
    }
}

fn joins(c: &Candidate, item: &Item) -> bool {
    let agree = match (&c.owner, &item.owner) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let last = item.members.last().expect("an item has members");
    if !agree || c.segment < last.segment {
        return false;
    }
    let same_turn = item.members.iter().any(|m| m.segment == c.segment) && !c.fresh;
    let another_voice = c.speaker != last.speaker || c.speaker.is_none();
    let follow_up = c.kind == Kind::Request && last.kind == Kind::Request;
    let reply = c.segment - last.segment <= REPLY_TURNS && !c.fresh && (another_voice || follow_up);
    // Most of what it says was said of the task before ("Chen, the runbook").
    let shared = c.terms.iter().filter(|t| item.terms.contains(t)).count();
    let repeats = !c.terms.is_empty() && shared as f64 / c.terms.len() as f64 >= RESTATES;
    let same_deadline = c.terms.is_empty()
        && c.due.as_ref().is_some_and(|d| {
            item.members
                .iter()
                .any(|m| m.due.as_ref().is_some_and(|e| same_due(d, e)))
        });
    let restated = repeats || same_deadline;
    same_turn || reply || restated
}

fn action(item: &Item, units: &[Unit], meeting: Option<Date>) -> ActionItem {
    let owner = item.owner.clone();
    let said_by_owner =
        |m: &Candidate| m.kind != Kind::Request && m.speaker.is_some() && m.speaker == owner;
    let turn = |segment: usize| item.members.iter().filter(move |m| m.segment == segment);
    let full = |segment: usize| turn(segment).any(|m| m.says_what);
    let dated = |segment: usize| turn(segment).any(|m| m.due.is_some());
    let committed = |segment: usize| turn(segment).any(said_by_owner);
    // A recap restates the task; it is where the task is said only when
    // nothing else is.
    let segments: Vec<usize> = {
        let said = item.members.iter().filter(|m| m.kind != Kind::Recap);
        let mut s: Vec<usize> = said.map(|m| m.segment).collect();
        if s.is_empty() {
            s = item.members.iter().map(|m| m.segment).collect();
        }
        s.dedup();
        s
    };
    let pick = |test: &dyn Fn(usize) -> bool| segments.iter().copied().find(|&s| test(s));
    let segment = pick(&|s| committed(s) && dated(s) && full(s))
        .or_else(|| pick(&|s| dated(s) && full(s)))
        .or_else(|| pick(&full))
        .unwrap_or(segments[0]);
    let said: Vec<&Candidate> = turn(segment).collect();
    let mut text = said
        .iter()
        .map(|m| clean(units[m.unit].text))
        .collect::<Vec<_>>()
        .join(" ");
    if said.iter().all(|m| !m.says_what) {
        if let Some(context) = context(units, said[0].unit) {
            text = format!("{} {text}", clean(context));
        }
    }
    let due = said
        .iter()
        .find_map(|m| m.due.clone())
        .or_else(|| item.members.iter().find_map(|m| m.due.clone()));
    let due_date = due
        .as_deref()
        .zip(meeting)
        .and_then(|(d, m)| resolve(d, m))
        .map(|d| d.to_string());
    ActionItem {
        text,
        segment,
        owner,
        due,
        due_date,
        done: false,
    }
}

fn clean(text: &str) -> String {
    capitalised(without_openers(text))
}
