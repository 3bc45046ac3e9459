//! Decisions and postponements from short conversations written for these
//! tests, one phenomenon each.

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
