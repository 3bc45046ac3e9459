//! NUL (U+0000), the one character PostgreSQL cannot store: `text` refuses
//! the byte and `jsonb` the `\u0000` escape, so a request carrying it would
//! fail in the database as a 500. Every way text enters a request is checked
//! once, before any handler: path parameters and the query string by the
//! `refuse_nul` middleware (400 `bad_request`, naming the parameter), JSON
//! bodies by `JsonObject` through `in_json` (422 `validation_failed`, the
//! field named with `nul_character`). Text that does not come from a
//! request (a backend's answer quoted in a task's failure) loses it with
//! `remove`.

use std::borrow::Cow;

use axum::{
    extract::{RawPathParams, Request, rejection::RawPathParamsRejection},
    http::StatusCode,
    middleware::Next,
    response::Response,
};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::error::error_response;

/// The field code of a JSON string that holds NUL.
pub const NUL_CHARACTER: &str = "nul_character";

/// Middleware: refuses a request whose path parameters or query string hold
/// NUL (`%00`), naming the first such parameter.
pub async fn refuse_nul(
    params: Result<RawPathParams, RawPathParamsRejection>,
    req: Request,
    next: Next,
) -> Response {
    let in_path = params.ok().and_then(|params| {
        params
            .iter()
            .find(|(_, value)| value.contains('\0'))
            .map(|(name, _)| format!("the path parameter `{name}`"))
    });
    let in_query = || {
        req.uri()
            .query()
            .and_then(query_with_nul)
            .map(|name| format!("the query parameter `{name}`"))
    };
    match in_path.or_else(in_query) {
        Some(what) => error_response(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("{what} contains a NUL character, which cannot be stored"),
        ),
        None => next.run(req).await,
    }
}

/// The name of the first query parameter whose name or value decodes to
/// something holding NUL.
fn query_with_nul(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode_str(name).collect::<Vec<u8>>();
        let nul = name.contains(&0) || percent_decode_str(value).any(|b| b == 0);
        nul.then(|| shown(&String::from_utf8_lossy(&name)).into_owned())
    })
}

/// The path of the first string (or object key) in `value` holding NUL, as
/// the API names fields: `title`, `decisions[2].text`; an empty path is
/// the body itself.
pub fn in_json(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => s.contains('\0').then(String::new),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| in_json(item).map(|rest| join(&format!("[{i}]"), &rest))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let name = shown(key);
            if key.contains('\0') {
                return Some(name.into_owned());
            }
            in_json(item).map(|rest| join(&name, &rest))
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// `decisions` + `[2].text`, `decisions[2]` + `text`.
fn join(head: &str, rest: &str) -> String {
    match rest.chars().next() {
        None => head.to_owned(),
        Some('[') => format!("{head}{rest}"),
        Some(_) => format!("{head}.{rest}"),
    }
}

/// `text` without NUL.
pub fn remove(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', ""))
    } else {
        Cow::Borrowed(text)
    }
}

/// A name with its NUL written out, so the answer can show it.
fn shown(name: &str) -> Cow<'_, str> {
    if name.contains('\0') {
        Cow::Owned(name.replace('\0', "\\u0000"))
    } else {
        Cow::Borrowed(name)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_nul_anywhere_in_a_json_body_is_named_by_its_path() {
        assert_eq!(
            in_json(&json!({"title": "a\u{0}b"})).as_deref(),
            Some("title")
        );
        let minutes = json!({"title": "t", "decisions": [{"text": "ok"}, {"text": "x\u{0}"}]});
        assert_eq!(in_json(&minutes).as_deref(), Some("decisions[1].text"));
        assert_eq!(
            in_json(&json!({"summary": ["ok", "\u{0}"]})).as_deref(),
            Some("summary[1]")
        );
        assert_eq!(
            in_json(&json!({"a\u{0}b": 1})).as_deref(),
            Some("a\\u0000b")
        );
        assert_eq!(in_json(&json!({"title": "fine", "n": [1, null]})), None);
    }

    #[test]
    fn a_nul_in_a_query_string_is_named_by_its_parameter() {
        assert_eq!(
            query_with_nul("limit=2&owner=a%00b").as_deref(),
            Some("owner")
        );
        assert_eq!(query_with_nul("a%00b=1").as_deref(), Some("a\\u0000b"));
        assert_eq!(query_with_nul("cursor=%2500&kind=x"), None);
        assert_eq!(query_with_nul(""), None);
    }
}
