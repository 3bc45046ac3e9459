//! Action items from short conversations written for these tests: each
//! test is one phenomenon of who owns a task, when it is due, and when two
//! sentences are one task.

use time::macros::date;

use crate::summary::extract::find;
use crate::summary::sentences::split;
use crate::summary::summarize::ActionItem;
use crate::summary::transcript::Segment;

fn said(lines: &[(&str, &str)]) -> Vec<Segment> {
    lines
        .iter()
        .map(|(speaker, text)| Segment {
            start: None,
            end: None,
            speaker: (!speaker.is_empty()).then(|| (*speaker).to_owned()),
            text: (*text).to_owned(),
        })
        .collect()
}

fn actions(lines: &[(&str, &str)]) -> Vec<ActionItem> {
    let segments = said(lines);
    find(&split(&segments), &segments, None).actions
}

fn owners_and_dues(items: &[ActionItem]) -> Vec<(Option<&str>, Option<&str>)> {
    items
        .iter()
        .map(|a| (a.owner.as_deref(), a.due.as_deref()))
        .collect()
}

#[test]
fn the_person_addressed_owns_the_request() {
    let items = actions(&[
        (
            "Noor",
            "Okay. Priya, please start the SDK upgrade today and finish it by Wednesday.",
        ),
        ("Priya", "Will do."),
        ("Noor", "小川さん、金曜日までに議事録の共有をお願いします。"),
    ]);
    assert_eq!(
        owners_and_dues(&items),
        [
            (Some("Priya"), Some("Wednesday")),
            (Some("小川"), Some("金曜日"))
        ]
    );
    assert_eq!(items[0].segment, 0);
}

#[test]
fn a_request_without_a_name_is_for_whoever_answers_it() {
    let items = actions(&[
        ("Ines", "The vendor list is two years old."),
        ("Tariq", "Can you refresh it by Friday?"),
        ("Ines", "Sure, I'll have a new list by Friday."),
    ]);
    assert_eq!(owners_and_dues(&items), [(Some("Ines"), Some("Friday"))]);
    assert_eq!(items[0].segment, 2, "the owner's own words state it best");
}

#[test]
fn first_person_commitments_belong_to_the_speaker() {
    let items = actions(&[
        ("Mei", "I'll book the venue by the end of the month."),
        ("木村", "見積もりは私が来週月曜に取ります。"),
        ("Mei", "I can help later, I think."),
    ]);
    assert_eq!(
        owners_and_dues(&items),
        [
            (Some("Mei"), Some("the end of the month")),
            (Some("木村"), Some("来週月曜"))
        ]
    );
}

#[test]
fn a_volunteer_takes_the_request_it_answers() {
    let items = actions(&[
        (
            "Lena",
            "Can someone update the onboarding guide before the release?",
        ),
        ("Omar", "I'll take that."),
    ]);
    assert_eq!(
        owners_and_dues(&items),
        [(Some("Omar"), Some("the release"))]
    );
    assert!(items[0].text.contains("onboarding guide"), "{items:?}");
}

#[test]
fn a_task_restated_later_is_one_item() {
    let items = actions(&[
        (
            "Ana",
            "Raul, can you draft the grant proposal by next Thursday?",
        ),
        (
            "Raul",
            "Yes, I'll have the draft of the grant proposal by next Thursday.",
        ),
        ("Ana", "Bea, please order the new badges."),
        ("Bea", "Okay."),
        (
            "Ana",
            "To recap: Raul has the grant proposal by next Thursday, and Bea orders the badges.",
        ),
        (
            "佐々木",
            "田村さん、設計書のレビューを明日までにお願いします。",
        ),
        ("田村", "承知しました。明日までにレビューします。"),
        (
            "佐々木",
            "確認ですが、田村さん、設計書のレビューは明日まででお願いしますね。",
        ),
    ]);
    assert_eq!(
        owners_and_dues(&items),
        [
            (Some("Raul"), Some("next Thursday")),
            (Some("Bea"), None),
            (Some("田村"), Some("明日"))
        ]
    );
}

#[test]
fn in_meeting_requests_and_bare_thanks_are_no_tasks() {
    let items = actions(&[
        ("Kai", "Jo, can you walk us through the numbers?"),
        ("Jo", "Sure. Sales were up four percent."),
        ("Kai", "お願いします。"),
        ("Kai", "では、よろしくお願いします。"),
        ("Kai", "山口さん、まず状況を説明してもらえますか。"),
    ]);
    assert!(items.is_empty(), "{items:?}");
}

#[test]
fn without_speaker_labels_owners_come_from_the_names_used() {
    let items = actions(&[
        ("", "Dev, can you collect the RSVPs?"),
        ("", "Yep, I'll have the RSVPs by Tuesday."),
        ("", "I can call the caterer. I'll do it this week."),
        ("", "Thanks, Mina."),
    ]);
    assert_eq!(
        owners_and_dues(&items),
        [
            (Some("Dev"), Some("Tuesday")),
            (Some("Mina"), Some("this week"))
        ]
    );
    assert!(
        items[1].text.contains("caterer"),
        "a vague commitment keeps what it refers to"
    );
}

#[test]
fn due_dates_resolve_from_the_meeting_date() {
    let segments = said(&[
        ("Al", "I'll send the deck by next Wednesday."),
        ("Bo", "私が今月末までに提出します。"),
    ]);
    let found = find(&split(&segments), &segments, Some(date!(2024 - 10 - 03)));
    let dates: Vec<Option<&str>> = found
        .actions
        .iter()
        .map(|a| a.due_date.as_deref())
        .collect();
    assert_eq!(dates, [Some("2024-10-09"), Some("2024-10-31")]);
}
