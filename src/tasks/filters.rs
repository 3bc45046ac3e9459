//! The task list's filters and sort (`GET /api/tasks?status=&scope=&owner=
//! &from=&to=&sort=`), read once here. They only narrow what the list
//! statements (`list_user.sql`, `list_series.sql`) would show anyway,
//! inside their access rules: a filter can hide a task the caller may
//! open, never show one they may not.
//!
//! Every value is taken as text, so a bad one gets our 400
//! `invalid_filter` naming it rather than the extractor's answer; what the
//! document allows (the patterns and enums below) is exactly what parses.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::model::Status;
use crate::error::{ApiError, Result};

/// `?limit=&cursor=` and the filters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    /// Only tasks in these states, comma-separated (`completed,failed`).
    #[param(
        pattern = r"^(queued|processing|completed|failed)(,(queued|processing|completed|failed))*$"
    )]
    status: Option<String>,
    /// `mine`: only the caller's own tasks; `shared`: only those shared
    /// with them. Both when absent.
    #[param(value_type = Option<Scope>, inline)]
    scope: Option<String>,
    /// Only tasks shared with the caller by this user (their username);
    /// the caller's own are left out. An unknown name lists nothing.
    owner: Option<String>,
    /// Only meetings held on this day or later.
    #[param(value_type = Option<String>, format = Date, example = "2024-09-01")]
    from: Option<String>,
    /// Only meetings held on this day or earlier.
    #[param(value_type = Option<String>, format = Date, example = "2024-09-30")]
    to: Option<String>,
    /// `uploaded` (newest upload first, the default) or `meeting_date`
    /// (latest meeting first). A cursor belongs to the sort it came from.
    #[param(value_type = Option<Sort>, inline)]
    sort: Option<String>,
    /// Page size, 1–100; 50 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Whose tasks the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum Scope {
    Mine,
    Shared,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::Shared => "shared",
        }
    }
}

/// The list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum Sort {
    #[default]
    Uploaded,
    MeetingDate,
}

/// The filters, parsed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Filters {
    /// `None`: every state.
    pub statuses: Option<Vec<String>>,
    pub scope: Option<Scope>,
    pub owner: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub sort: Sort,
}

impl ListQuery {
    /// 400 `invalid_filter` naming the first value the list cannot use.
    pub fn filters(&self) -> Result<Filters> {
        let statuses = self
            .status
            .as_deref()
            .map(|list| {
                list.split(',')
                    .map(|s| {
                        parse_enum::<Status>(s)
                            .map(|s| s.as_str().to_owned())
                            .ok_or_else(|| {
                                invalid(
                                    "status",
                                    "queued, processing, completed or failed, comma-separated",
                                )
                            })
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        let scope = self
            .scope
            .as_deref()
            .map(|s| parse_enum(s).ok_or_else(|| invalid("scope", "mine or shared")))
            .transpose()?;
        let sort = self
            .sort
            .as_deref()
            .map(|s| parse_enum(s).ok_or_else(|| invalid("sort", "uploaded or meeting_date")))
            .transpose()?
            .unwrap_or_default();
        Ok(Filters {
            statuses,
            scope,
            owner: self.owner.clone(),
            from: date(self.from.as_deref(), "from")?,
            to: date(self.to.as_deref(), "to")?,
            sort,
        })
    }
}

/// A lowercase name of one of `T`'s variants, as its JSON says it.
fn parse_enum<T: for<'de> Deserialize<'de>>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

fn date(value: Option<&str>, name: &str) -> Result<Option<Date>> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    value
        .map(|v| Date::parse(v, &format).map_err(|_| invalid(name, "a date like 2024-09-30")))
        .transpose()
}

fn invalid(name: &str, expected: &str) -> ApiError {
    super::errors::invalid_filter(format!("{name} must be {expected}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &str) -> ListQuery {
        let mut q = ListQuery {
            status: None,
            scope: None,
            owner: None,
            from: None,
            to: None,
            sort: None,
            limit: None,
            cursor: None,
        };
        for (name, value) in pairs.split('&').filter_map(|p| p.split_once('=')) {
            let value = Some(value.to_owned());
            match name {
                "status" => q.status = value,
                "scope" => q.scope = value,
                "owner" => q.owner = value,
                "from" => q.from = value,
                "to" => q.to = value,
                "sort" => q.sort = value,
                _ => panic!("{name}"),
            }
        }
        q
    }

    #[test]
    fn filters_parse_as_documented() {
        let f = query("status=completed,failed&scope=shared&owner=priya&from=2024-09-01&to=2024-09-30&sort=meeting_date")
            .filters()
            .unwrap();
        assert_eq!(
            f,
            Filters {
                statuses: Some(vec!["completed".into(), "failed".into()]),
                scope: Some(Scope::Shared),
                owner: Some("priya".into()),
                from: Some(time::macros::date!(2024 - 09 - 01)),
                to: Some(time::macros::date!(2024 - 09 - 30)),
                sort: Sort::MeetingDate,
            }
        );
        assert_eq!(query("").filters().unwrap(), Filters::default());
    }

    #[test]
    fn values_outside_the_document_are_refused() {
        for bad in [
            "status=",
            "status=done",
            "status=completed,",
            "status=Completed",
            "scope=everyone",
            "sort=title",
            "from=2024-9-1",
            "to=2024-02-30",
            "from=yesterday",
        ] {
            assert!(query(bad).filters().is_err(), "{bad}");
        }
    }
}
