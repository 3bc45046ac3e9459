//! One test per near-miss `read` accepts, and the answers it still refuses.

use serde_json::json;

use super::*;

fn segment(text: &str) -> Segment {
    Segment {
        start: None,
        end: None,
        speaker: None,
        text: text.into(),
    }
}

fn transcript() -> Transcript {
    Transcript {
        title: None,
        segments: vec![
            segment("Today we discuss the hiring plan."),
            segment("We agreed to hire two engineers this quarter."),
            segment("Carol will draft the job posting by Monday."),
        ],
    }
}

fn read_json(answer: serde_json::Value) -> Minutes {
    read(&answer.to_string(), &transcript()).unwrap()
}

#[test]
fn the_asked_for_shape_reads_as_is() {
    let m = read_json(json!({
        "title": "Hiring", "summary": ["Two hires."],
        "decisions": [{"text": "Hire two", "segment": 1}],
        "action_items": [{"text": "Draft posting", "segment": 2, "owner": "Carol", "due": "Monday"}]
    }));
    assert_eq!(m.title, "Hiring");
    assert_eq!(m.summary, ["Two hires."]);
    assert_eq!(m.decisions[0].segment, 1);
    assert_eq!(m.action_items[0].owner.as_deref(), Some("Carol"));
    assert_eq!(m.transcript.len(), 3);
}

#[test]
fn a_string_summary_becomes_a_list() {
    let m = read_json(json!({"title": "t", "summary": "We plan hiring."}));
    assert_eq!(m.summary, ["We plan hiring."]);
    let m = read_json(json!({"title": "t", "summary": "- Hiring plan\n- Two hires\n\n3. Posting"}));
    assert_eq!(m.summary, ["Hiring plan", "Two hires", "Posting"]);
}

#[test]
fn plain_string_items_point_at_the_line_they_came_from() {
    let m = read_json(json!({
        "title": "t",
        "decisions": ["Hire two engineers this quarter"],
        "action_items": "Carol drafts the job posting"
    }));
    assert_eq!(m.decisions[0].text, "Hire two engineers this quarter");
    assert_eq!(m.decisions[0].segment, 1);
    assert_eq!(m.action_items[0].segment, 2);
    assert_eq!(m.action_items[0].owner, None);
}

#[test]
fn numbers_and_spelled_out_nulls_are_text() {
    let m = read_json(json!({
        "title": 2026, "summary": [42, null, ""],
        "action_items": [{"text": "Draft posting", "segment": "2", "owner": "null", "due": 5}]
    }));
    assert_eq!(m.title, "2026");
    assert_eq!(m.summary, ["42"]);
    assert_eq!(m.action_items[0].owner, None);
    assert_eq!(m.action_items[0].due.as_deref(), Some("5"));
}

#[test]
fn line_references_in_other_notations_are_read() {
    for reference in [json!(2), json!(2.0), json!("2"), json!("[2]"), json!(" 2 ")] {
        let m =
            read_json(json!({"title": "t", "decisions": [{"text": "x", "segment": reference}]}));
        assert_eq!(m.decisions[0].segment, 2, "{reference}");
    }
    let m = read_json(json!({"title": "t", "decisions": [{"text": "x", "line": 1}]}));
    assert_eq!(m.decisions[0].segment, 1);
}

#[test]
fn an_out_of_range_reference_is_dropped_not_fatal() {
    for reference in [
        json!(99),
        json!(-1),
        json!(1.5),
        json!("three"),
        json!(u64::MAX),
    ] {
        let m = read_json(json!({
            "title": "t",
            "decisions": [{"text": "Hire two engineers", "segment": reference}]
        }));
        assert_eq!(
            m.decisions[0].segment, 1,
            "located by its text, {reference}"
        );
    }
}

#[test]
fn aliases_and_missing_fields_are_tolerated() {
    let m = read_json(json!({
        "summary": [],
        "decisions": [{"decision": "Hire two", "segment": 1}, {"segment": 0}],
        "action_items": [{"task": "Draft posting", "segment": 2, "assignee": "Carol", "deadline": "Monday"}]
    }));
    assert_eq!(m.title, DEFAULT_TITLE);
    assert_eq!(m.decisions.len(), 1, "an item without text is dropped");
    assert_eq!(m.action_items[0].owner.as_deref(), Some("Carol"));
    assert_eq!(m.action_items[0].due.as_deref(), Some("Monday"));
}

#[test]
fn the_object_is_found_in_fences_prose_and_wrappers() {
    let t = transcript();
    for content in [
        "```json\n{\"title\": \"t\", \"summary\": []}\n```",
        "Here are your minutes: {\"title\": \"t\", \"summary\": []} Hope this helps!",
        "{\"minutes\": {\"title\": \"t\", \"summary\": []}}",
    ] {
        assert_eq!(read(content, &t).unwrap().title, "t", "{content}");
    }
}

#[test]
fn answers_without_minutes_are_refused() {
    let t = transcript();
    for content in [
        "Sure! Here are your minutes.",
        "[1, 2]",
        "{\"answer\": 1}",
        "{",
    ] {
        assert!(read(content, &t).is_err(), "{content}");
    }
}

#[test]
fn unspaced_scripts_are_located_too() {
    let t = Transcript {
        title: None,
        segments: vec![
            segment("本日は販売計画について話し合います。"),
            segment("先行販売は四月から開始することに決定しました。"),
        ],
    };
    let m = read(
        r#"{"title": "t", "decisions": ["四月から先行販売を開始"]}"#,
        &t,
    )
    .unwrap();
    assert_eq!(m.decisions[0].segment, 1);
}

#[test]
fn the_schema_is_strict() {
    let s = schema();
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(s["required"], json!(FIELDS));
    let action = &s["properties"]["action_items"]["items"];
    assert_eq!(
        action["required"],
        json!(["text", "segment", "owner", "due"])
    );
    assert_eq!(
        action["properties"]["owner"]["type"],
        json!(["string", "null"])
    );
}

#[test]
fn nul_in_any_text_of_the_answer_is_dropped() {
    let m = read_json(json!({
        "title": "Hiring\u{0}", "summary": ["Two\u{0} hires.", "\u{0}"],
        "decisions": [{"text": "Hire\u{0} two", "segment": 1}],
        "action_items": [{"text": "Draft", "segment": 2, "owner": "Ca\u{0}rol", "due": "\u{0}Monday"}]
    }));
    assert_eq!(m.title, "Hiring");
    assert_eq!(m.summary, ["Two hires."]);
    assert_eq!(m.decisions[0].text, "Hire two");
    assert_eq!(m.action_items[0].owner.as_deref(), Some("Carol"));
    assert_eq!(m.action_items[0].due.as_deref(), Some("Monday"));
    let stored = serde_json::to_string(&m).unwrap();
    assert!(!stored.contains("\\u0000"), "{stored}");
}
