//! Which sentences record decisions, and which defer matters to a later
//! meeting. One decision per turn, the plainest-spoken one that says what
//! was decided; a turn that only closes a discussion ("Okay, so German and
//! Spanish") counts when a question or proposal came just before it and the
//! turn defers nothing. "Agreed." borrows what it agrees to, from the rest
//! of its turn or the proposal before it; a decision restated a few turns
//! later (the acceptance of a decision, a recap) is kept once.

use super::Unit;
use super::acts::Strength;
use super::cues::{capitalised, has_any, without_openers};
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

/// `core: outcome` (`core：outcome` in Japanese).
fn joined(core: &str, outcome: &str) -> String {
    let colon = if core.is_ascii() { ": " } else { "：" };
    format!("{core}{colon}{outcome}")
}

/// A sentence without its opening fillers, capitalised.
fn clean(text: &str) -> String {
    capitalised(without_openers(text))
}

/// What a proposal or question puts forward: "What about a shorter demo?" →
/// "A shorter demo"; 「GPUを買うのはどうですか？」 → 「GPUを買う」.
fn core(text: &str) -> String {
    let mut core = without_openers(text)
        .trim_end_matches(['?', '？', '.', '。', '!'])
        .to_owned();
    let lower = core.to_lowercase();
    const LEADS: &[&str] = &[
        "i think we should ",
        "we should ",
        "what about ",
        "how about ",
        "what if we ",
        "what if ",
        "could we just ",
        "could we ",
        "can we at least ",
        "can we ",
        "should we ",
        "maybe we could ",
        "why don't we ",
        "i'd suggest ",
        "i suggest ",
        "i propose ",
        "do we want to ",
        "do we need ",
        "are we still ",
        "i'd like to ",
    ];
    if let Some(lead) = LEADS
        .iter()
        .find_map(|l| lower.find(l).map(|at| at + l.len()))
    {
        core = core[lead..].to_owned();
    }
    const ENDS: &[&str] = &[
        "のはどうでしょうか",
        "はどうでしょうか",
        "のはどうですか",
        "はどうですか",
        "どうでしょう",
        "したほうがいいと思います",
        "ほうがいいと思います",
        "たいと思っているんですが",
        "についてはどうしますか",
        "はどうしますか",
        "どうしますか",
        "と思います",
        "ましょうか",
        "んですが",
    ];
    for end in ENDS {
        if let Some(head) = core.strip_suffix(end) {
            core = head.to_owned();
            break;
        }
    }
    // 「参加を認めるかどうか、決めておきたいです」 → 「参加を認めるかどうか」.
    if let Some(at) = core.find("かどうか") {
        core.truncate(at + "かどうか".len());
    }
    // 「広告代理店ですが、今の代理店は遅いので、変更も検討」 → its topic and
    // what it proposes: 「広告代理店、変更も検討」.
    if let Some((topic, rest)) = core.split_once("ですが、") {
        let last = rest.rsplit('、').next().unwrap_or(rest);
        core = format!("{}、{last}", without_openers(topic));
    }
    capitalised(&core)
}

/// The clause of a sentence that defers: "…so let's revisit it in May" →
/// "let's revisit it in May"; 「…ので、次回改めて議論しましょう」 → its last part.
fn clause(text: &str) -> String {
    let text = without_openers(text);
    let parts: Vec<&str> = text
        .split([',', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let deferring = parts.iter().rev().find(|p| {
        let acts = super::acts::Acts::read(p);
        acts.postpone
    });
    capitalised(deferring.copied().unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use crate::summary::extract::find;
    use crate::summary::sentences::split;
    use crate::summary::transcript::Segment;

    fn said(lines: &[(&str, &str)]) -> Vec<Segment> {
        lines
            .iter()
            .map(|(speaker, text)| Segment {
                start: None,
                end: None,
                speaker: Some((*speaker).to_owned()),
                text: (*text).to_owned(),
            })
            .collect()
    }

    fn decided(lines: &[(&str, &str)]) -> Vec<(usize, String)> {
        let segments = said(lines);
        let found = find(&split(&segments), &segments, None);
        found
            .decisions
            .into_iter()
            .map(|d| (d.segment, d.text))
            .collect()
    }

    #[test]
    fn the_question_is_no_decision_but_the_answer_is() {
        let decisions = decided(&[
            (
                "Ada",
                "Should we renew the Figma licence today, or wait for the audit?",
            ),
            ("Ben", "The audit won't change anything."),
            ("Ada", "Okay, we're going with the renewal."),
            (
                "千葉",
                "新しい会議室を予約するかどうか、今日決めたいと思います。",
            ),
            ("堀", "予約したほうがいいと思います。"),
            ("千葉", "では、新しい会議室は来月から予約することにします。"),
        ]);
        assert_eq!(
            decisions,
            [
                (2, "We're going with the renewal.".to_owned()),
                (5, "新しい会議室は来月から予約することにします。".to_owned())
            ]
        );
    }

    #[test]
    fn a_rejected_proposal_is_no_decision_but_the_rejection_is() {
        let decisions = decided(&[
            ("Ada", "What about a second offsite in spring?"),
            ("Ben", "Honestly, we can't afford it."),
            ("Ada", "Fair. No second offsite this year."),
            ("千葉", "ラジオ広告を出してみるのはどうでしょうか。"),
            ("堀", "うちの客層には合わないと思います。"),
            ("千葉", "そうですね、ラジオ広告は見送りましょう。"),
        ]);
        let lines: Vec<usize> = decisions.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 5]);
    }

    #[test]
    fn postponements_are_no_decisions_and_are_kept_for_the_summary() {
        let segments = said(&[
            (
                "Ada",
                "I think we should move the standup to the afternoon.",
            ),
            ("Ben", "Half the team is in Singapore."),
            ("Ada", "Let's revisit it when the new hires start."),
            ("千葉", "GPUをもう一台買うのはどうですか。"),
            ("堀", "来年度の予算で検討しましょう。"),
        ]);
        let found = find(&split(&segments), &segments, None);
        assert!(found.decisions.is_empty(), "{:?}", found.decisions);
        let deferred: Vec<&str> = found
            .postponements
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(
            deferred,
            [
                "Move the standup to the afternoon: Let's revisit it when the new hires start.",
                "GPUをもう一台買う：来年度の予算で検討しましょう。"
            ]
        );
    }

    #[test]
    fn a_bare_agreement_borrows_what_it_agrees_to_and_a_restatement_is_kept_once() {
        let decisions = decided(&[
            ("Ada", "How about moving the retro to Thursdays?"),
            ("Ben", "Okay, let's do that."),
            ("Cy", "Fine by me, let's move the retro to Thursdays."),
        ]);
        assert_eq!(
            decisions,
            [(
                1,
                "Moving the retro to Thursdays: Let's do that.".to_owned()
            )]
        );
    }
}
