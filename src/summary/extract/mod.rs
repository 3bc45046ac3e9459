//! Decisions and action items, from what each sentence does (`acts`) and
//! how the conversation around it goes. A decision is a sentence that
//! settles something: not a question, a proposal or a postponement, and one
//! per turn; a bare "Agreed." borrows the proposal it agrees to, and a
//! decision restated a turn later is kept once (`decisions`). An action item
//! is a task someone is asked to do or commits to, owned by the person
//! addressed, the speaker who commits, or the volunteer who answers a
//! request; the request, its acceptance and every later restatement of the
//! task are one item (`actions`). Due dates are kept as said and resolved to
//! a date when the meeting's date is known (`due`).

mod actions;
mod acts;
mod cues;
mod decisions;
pub(super) mod due;
mod owner;
mod people;
mod terms;

use time::Date;

use self::acts::Acts;
use self::people::People;
use super::sentences::Sentence;
use super::summarize::{ActionItem, Decision};
use super::transcript::Segment;

pub(super) use self::cues::{capitalised, without_openers};
pub(super) use self::decisions::Postponement;

/// One sentence and what it does.
struct Unit<'a> {
    pub text: &'a str,
    pub segment: usize,
    pub acts: Acts,
}

/// Everything the extraction finds, for the minutes and for their summary.
pub(super) struct Found {
    pub decisions: Vec<Decision>,
    pub actions: Vec<ActionItem>,
    /// Matters deferred to a later meeting, for the summary.
    pub postponements: Vec<Postponement>,
}

pub(super) fn find(sentences: &[Sentence], segments: &[Segment], meeting: Option<Date>) -> Found {
    let units: Vec<Unit> = sentences
        .iter()
        .map(|s| Unit {
            text: &s.text,
            segment: s.segment,
            acts: Acts::read(&s.text),
        })
        .collect();
    let people = People::new(&units, segments.iter().map(|s| s.speaker.clone()).collect());
    let (decisions, postponements) = decisions::find(&units, &people);
    let actions = actions::find(&units, &people, meeting);
    Found {
        decisions,
        actions,
        postponements,
    }
}

/// Whether a sentence is a question that asks for nothing to be done.
pub(super) fn is_question(text: &str) -> bool {
    let acts = Acts::read(text);
    acts.question && acts.request.is_none()
}
