//! An edit of the minutes, checked against the version it replaces. People
//! edit the title, the meeting's date, summary, decisions, action items (text, owner, due,
//! done) and
//! the transcript's words and speaker names; the transcript keeps its
//! segments — their number and times are what was recorded, and decisions
//! and action items point into them. Every problem is reported at once,
//! named by its path (`decisions[2].text`), as a 422.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{
    error::ApiError,
    summary::{Minutes, Segment},
};

const MAX_TITLE_CHARS: usize = 200;
const MAX_SUMMARY_ITEMS: usize = 50;
const MAX_ITEMS: usize = 200;
const MAX_ITEM_CHARS: usize = 2_000;
const MAX_NAME_CHARS: usize = 100;
const MAX_SEGMENT_CHARS: usize = 20_000;

type Fields = BTreeMap<String, Vec<String>>;

/// The new version `body` describes, or 422 `validation_failed` naming every
/// bad field. A body without `language`, `layout` or `meeting_date` keeps
/// the current one.
pub(super) fn parse(current: &Minutes, mut body: Value) -> Result<Minutes, ApiError> {
    if let Some(object) = body.as_object_mut() {
        if !object.contains_key("language") {
            let language = serde_json::to_value(current.language).expect("a language serializes");
            object.insert("language".into(), language);
        }
        if !object.contains_key("layout") {
            let layout = serde_json::to_value(&current.layout).expect("a layout serializes");
            object.insert("layout".into(), layout);
        }
        if !object.contains_key("meeting_date") {
            object.insert("meeting_date".into(), current.meeting_date.clone().into());
        }
    }
    integral_floats_as_integers(&mut body);
    let mut edited: Minutes = serde_path_to_error::deserialize(body).map_err(shape_error)?;
    let mut fields = Fields::new();
    check(&mut fields, current, &edited);
    if !fields.is_empty() {
        return Err(ApiError::Validation(fields));
    }
    // Times are not editable: keep the recorded ones exactly, whatever
    // rounding the client's JSON did.
    for (new, old) in edited.transcript.iter_mut().zip(&current.transcript) {
        (new.start, new.end) = (old.start, old.end);
    }
    Ok(edited)
}

/// JSON does not tell `3` from `3.0` (JSON Schema's `integer` admits both),
/// but serde reads only the first into an integer: each float that is a
/// whole number in the range where floats are exact becomes that integer.
fn integral_floats_as_integers(value: &mut Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT) {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// A body that is not the minutes' shape: the field serde stopped at.
fn shape_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let message = e.inner().to_string();
    // serde names a missing field in its message, at its parent's path.
    let (field, code) = match message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        Some(name) if path == "." => (name.to_owned(), "missing"),
        Some(name) => (format!("{path}.{name}"), "missing"),
        None if path == "." => ("body".to_owned(), "invalid"),
        None => (path, "invalid"),
    };
    ApiError::Validation(Fields::from([(field, vec![code.to_owned()])]))
}

fn check(fields: &mut Fields, current: &Minutes, edited: &Minutes) {
    let mut bad = |field: String, code: &str| {
        fields.entry(field).or_default().push(code.to_owned());
    };
    text(
        &mut bad,
        "title".into(),
        &edited.title,
        Some(&current.title),
        MAX_TITLE_CHARS,
    );

    if let Some(date) = &edited.meeting_date {
        if current.meeting_date.as_ref() != Some(date) && !is_date(date) {
            bad("meeting_date".into(), "invalid");
        }
    }

    count(&mut bad, "summary", edited.summary.len(), MAX_SUMMARY_ITEMS);
    for (i, line) in edited.summary.iter().enumerate() {
        let old = current.summary.get(i).map(String::as_str);
        text(&mut bad, format!("summary[{i}]"), line, old, MAX_ITEM_CHARS);
    }

    let segments = current.transcript.len();
    count(&mut bad, "decisions", edited.decisions.len(), MAX_ITEMS);
    for (i, d) in edited.decisions.iter().enumerate() {
        let old = current.decisions.get(i).map(|d| d.text.as_str());
        text(
            &mut bad,
            format!("decisions[{i}].text"),
            &d.text,
            old,
            MAX_ITEM_CHARS,
        );
        if d.segment >= segments {
            bad(format!("decisions[{i}].segment"), "no_such_segment");
        }
    }

    count(
        &mut bad,
        "action_items",
        edited.action_items.len(),
        MAX_ITEMS,
    );
    for (i, a) in edited.action_items.iter().enumerate() {
        let old = current.action_items.get(i);
        let at = |name: &str| format!("action_items[{i}].{name}");
        text(
            &mut bad,
            at("text"),
            &a.text,
            old.map(|o| o.text.as_str()),
            MAX_ITEM_CHARS,
        );
        for (name, value) in [("owner", &a.owner), ("due", &a.due)] {
            if let Some(value) = value {
                text(&mut bad, at(name), value, None, MAX_NAME_CHARS);
            }
        }
        if let Some(date) = &a.due_date {
            if old.and_then(|o| o.due_date.as_ref()) != Some(date) && !is_date(date) {
                bad(at("due_date"), "invalid");
            }
        }
        if a.segment >= segments {
            bad(at("segment"), "no_such_segment");
        }
    }

    if edited.transcript.len() != segments {
        bad("transcript".into(), "segment_count_changed");
        return;
    }
    for (i, (new, old)) in edited
        .transcript
        .iter()
        .zip(&current.transcript)
        .enumerate()
    {
        check_segment(&mut bad, i, new, old);
    }
}

fn check_segment(bad: &mut impl FnMut(String, &str), i: usize, new: &Segment, old: &Segment) {
    let at = |name: &str| format!("transcript[{i}].{name}");
    if !same_time(new.start, old.start) {
        bad(at("start"), "changed");
    }
    if !same_time(new.end, old.end) {
        bad(at("end"), "changed");
    }
    text(
        bad,
        at("text"),
        &new.text,
        Some(&old.text),
        MAX_SEGMENT_CHARS,
    );
    if let Some(speaker) = &new.speaker {
        text(
            bad,
            at("speaker"),
            speaker,
            old.speaker.as_deref(),
            MAX_NAME_CHARS,
        );
    }
}

/// Non-blank and at most `max` characters — unless unchanged: what
/// processing produced stays saveable even past a limit.
fn text(
    bad: &mut impl FnMut(String, &str),
    field: String,
    value: &str,
    old: Option<&str>,
    max: usize,
) {
    if value.trim().is_empty() {
        bad(field, "empty");
    } else if old != Some(value) && value.chars().count() > max {
        bad(field, "too_long");
    }
}

fn count(bad: &mut impl FnMut(String, &str), field: &str, len: usize, max: usize) {
    if len > max {
        bad(field.into(), "too_many");
    }
}

/// A calendar date written `2024-09-30`.
fn is_date(value: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &format).is_ok()
}

/// Equal up to a client's rounding on the way through JSON (a microsecond).
fn same_time(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= 1e-6,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::summary::Language;

    fn current() -> Minutes {
        serde_json::from_value(json!({
            "title": "週次定例",
            "summary": ["リリース日を決めました。"],
            "decisions": [{"text": "六月十日にリリースします。", "segment": 0}],
            "action_items": [{"text": "資料を準備します。", "segment": 1, "owner": "鈴木", "due": null}],
            "transcript": [
                {"start": 1.1, "end": 4.0, "speaker": "田中", "text": "六月十日にリリースします。"},
                {"start": 4.0, "end": null, "speaker": null, "text": "資料は鈴木さんが準備します。"}
            ],
            "language": "ja"
        }))
        .unwrap()
    }

    fn body() -> Value {
        serde_json::to_value(current()).unwrap()
    }

    fn fields(result: Result<Minutes, ApiError>) -> Fields {
        match result {
            Err(ApiError::Validation(fields)) => fields,
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn an_edit_of_words_and_speakers_is_accepted_with_the_recorded_times() {
        let mut edit = body();
        edit["title"] = json!("週次定例（改訂）");
        edit["transcript"][0]["speaker"] = json!("田中部長");
        edit["transcript"][0]["start"] = json!(1.100_000_001);
        edit["action_items"][0]["due"] = json!("金曜日");
        edit["meeting_date"] = json!("2026-09-30");
        edit.as_object_mut().unwrap().remove("language");
        let edited = parse(&current(), edit).unwrap();
        assert_eq!(edited.title, "週次定例（改訂）");
        assert_eq!(edited.transcript[0].speaker.as_deref(), Some("田中部長"));
        assert_eq!(edited.transcript[0].start, Some(1.1));
        assert_eq!(edited.action_items[0].due.as_deref(), Some("金曜日"));
        assert_eq!(edited.language, Language::Ja, "kept when not sent");
        assert_eq!(edited.meeting_date.as_deref(), Some("2026-09-30"));
    }

    #[test]
    fn a_meeting_date_is_a_calendar_date_and_kept_when_not_sent() {
        let mut dated = current();
        dated.meeting_date = Some("2024-09-30".into());
        let mut edit = body();
        edit.as_object_mut().unwrap().remove("meeting_date");
        let kept = parse(&dated, edit).unwrap();
        assert_eq!(kept.meeting_date.as_deref(), Some("2024-09-30"));
        for bad in ["2024-02-30", "30/09/2024", "2024-9-30", "soon"] {
            let mut edit = body();
            edit["meeting_date"] = json!(bad);
            assert_eq!(
                fields(parse(&dated, edit))["meeting_date"],
                ["invalid"],
                "{bad}"
            );
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut edit = body();
        edit["title"] = json!("  ");
        edit["decisions"][0]["text"] = json!("");
        edit["decisions"][0]["segment"] = json!(9);
        edit["action_items"][0]["owner"] = json!("x".repeat(MAX_NAME_CHARS + 1));
        edit["transcript"][1]["start"] = json!(5.0);
        edit["transcript"][1]["speaker"] = json!("");
        let fields = fields(parse(&current(), edit));
        let named: Vec<(&str, &str)> = fields
            .iter()
            .flat_map(|(f, codes)| codes.iter().map(move |c| (f.as_str(), c.as_str())))
            .collect();
        assert_eq!(
            named,
            [
                ("action_items[0].owner", "too_long"),
                ("decisions[0].segment", "no_such_segment"),
                ("decisions[0].text", "empty"),
                ("title", "empty"),
                ("transcript[1].speaker", "empty"),
                ("transcript[1].start", "changed"),
            ]
        );
    }

    #[test]
    fn an_action_items_due_date_is_a_calendar_date_and_done_is_kept() {
        let mut edit = body();
        edit["action_items"][0]["due_date"] = json!("2026-02-30");
        let fields = fields(parse(&current(), edit));
        assert_eq!(fields["action_items[0].due_date"], ["invalid"]);
        let mut edit = body();
        edit["action_items"][0]["due_date"] = json!("2026-10-09");
        edit["action_items"][0]["done"] = json!(true);
        let edited = parse(&current(), edit).unwrap();
        assert_eq!(
            edited.action_items[0].due_date.as_deref(),
            Some("2026-10-09")
        );
        assert!(edited.action_items[0].done);
    }

    #[test]
    fn the_transcript_keeps_its_segments() {
        let mut edit = body();
        edit["transcript"].as_array_mut().unwrap().pop();
        let fields = fields(parse(&current(), edit));
        assert_eq!(fields["transcript"], ["segment_count_changed"]);
    }

    #[test]
    fn limits_bound_new_text_but_not_what_processing_produced() {
        let mut long = current();
        long.title = "x".repeat(MAX_TITLE_CHARS + 1);
        let unchanged = serde_json::to_value(&long).unwrap();
        assert!(parse(&long, unchanged).is_ok());
        let mut edit = body();
        edit["title"] = json!("y".repeat(MAX_TITLE_CHARS + 1));
        edit["summary"] = json!(vec!["s"; MAX_SUMMARY_ITEMS + 1]);
        let fields = fields(parse(&current(), edit));
        assert_eq!(fields["title"], ["too_long"]);
        assert_eq!(fields["summary"], ["too_many"]);
    }

    #[test]
    fn a_body_of_the_wrong_shape_names_where_it_went_wrong() {
        let mut edit = body();
        edit.as_object_mut().unwrap().remove("title");
        assert_eq!(fields(parse(&current(), edit))["title"], ["missing"]);
        let mut edit = body();
        edit["decisions"][0]["text"] = json!(3);
        assert_eq!(
            fields(parse(&current(), edit))["decisions[0].text"],
            ["invalid"]
        );
        let mut edit = body();
        edit["language"] = json!("fr");
        assert_eq!(fields(parse(&current(), edit))["language"], ["invalid"]);
        assert_eq!(
            fields(parse(&current(), json!("minutes")))["body"],
            ["invalid"]
        );
    }

    #[test]
    fn a_whole_float_is_read_as_the_integer_it_is() {
        let mut value = serde_json::json!({"a": [179.0, 1.5, -2.0], "b": {"c": 3}});
        integral_floats_as_integers(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"a": [179, 1.5, -2], "b": {"c": 3}})
        );
        assert!(value["a"][0].is_i64());
    }
}
