//! Action items. Each sentence that asks for a task, commits to one, accepts
//! one with its deadline, or goes over one in a recap is a candidate with an
//! owner (`candidates`); candidates that are one task (`items`) become one
//! item. The owner is the person addressed ("Priya, please…", 「鈴木さん、
//! …お願いします」), else the one who answers the request, the speaker of a
//! first-person commitment ("I'll…", 「私が…やります」), or the volunteer who
//! takes on a request ("I'll take that" → the request it answers).

mod candidates;
mod items;

use time::Date;

use super::Unit;
use super::people::People;
use crate::summary::summarize::ActionItem;

pub(super) fn find(units: &[Unit], people: &People, meeting: Option<Date>) -> Vec<ActionItem> {
    let candidates = candidates::find(units, people);
    items::merge(candidates, units, meeting)
}

#[cfg(test)]
mod tests;
