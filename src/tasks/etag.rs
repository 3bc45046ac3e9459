//! The minutes' validators: a strong `ETag` naming the version (`"v3"`), and
//! the `If-Match` a save must send back (RFC 9110 §13.1.1: a list of strong
//! tags, or `*`). Weak tags never match: a save needs the exact version.

use axum::http::{HeaderMap, HeaderValue, header};

/// The `ETag` of a version of the minutes.
pub(super) fn etag(version: i32) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).expect("an ETag is ASCII")
}

/// What a save's `If-Match` asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IfMatch {
    /// No `If-Match`: the save is refused (428).
    Missing,
    /// `*`: whatever version is current.
    Any,
    /// The versions the client's tags name; tags that name none (weak,
    /// malformed, another resource's) are dropped, so they match nothing.
    Versions(Vec<i32>),
}

impl IfMatch {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let mut values = headers.get_all(header::IF_MATCH).iter().peekable();
        if values.peek().is_none() {
            return Self::Missing;
        }
        let mut versions = Vec::new();
        for value in values {
            let Ok(value) = value.to_str() else { continue };
            for tag in value.split(',').map(str::trim) {
                if tag == "*" {
                    return Self::Any;
                }
                let version = tag
                    .strip_prefix("\"v")
                    .and_then(|t| t.strip_suffix('"'))
                    .and_then(|n| n.parse::<i32>().ok());
                versions.extend(version);
            }
        }
        Self::Versions(versions)
    }

    pub(super) fn matches(&self, current: i32) -> bool {
        match self {
            Self::Missing => false,
            Self::Any => true,
            Self::Versions(versions) => versions.contains(&current),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn if_match(values: &[&str]) -> IfMatch {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        IfMatch::from_headers(&headers)
    }

    #[test]
    fn the_etag_round_trips_through_if_match() {
        let tag = etag(3);
        assert_eq!(tag, "\"v3\"");
        assert!(if_match(&[tag.to_str().unwrap()]).matches(3));
        assert!(!if_match(&[tag.to_str().unwrap()]).matches(4));
    }

    #[test]
    fn lists_and_star_match_and_weak_or_bad_tags_do_not() {
        assert!(if_match(&["\"v1\", \"v2\""]).matches(2));
        assert!(if_match(&["\"v1\"", "\"v2\""]).matches(2));
        assert!(if_match(&["*"]).matches(7));
        assert!(!if_match(&["W/\"v2\""]).matches(2));
        assert!(!if_match(&["v2", "\"2\"", "\"vx\""]).matches(2));
        assert_eq!(if_match(&[]), IfMatch::Missing);
        assert!(!IfMatch::Missing.matches(1));
    }
}
