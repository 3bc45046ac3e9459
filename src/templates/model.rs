//! A template as stored (`Stored`), as clients send one (`TemplateInput`,
//! checked by `validate`) and as they see one (`TemplateView`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::ApiError,
    summary::template::{Localized, SectionKind, Template, TemplateSection},
};

const MAX_NAME_CHARS: usize = 100;
const MAX_HEADING_CHARS: usize = 100;
const MAX_INSTRUCTIONS_CHARS: usize = 4_000;
/// As many sections as there are kinds; a kind may be listed twice.
const MAX_SECTIONS: usize = 4;

/// A section of a user's template: one heading, used whatever the
/// meeting's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SectionInput {
    pub kind: SectionKind,
    /// 1–100 characters, not all blank.
    #[schema(
        example = "Blockers",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub heading: String,
}

/// `POST /api/templates` and `PUT /api/templates/{id}`'s body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TemplateInput {
    /// 1–100 characters, not all blank.
    #[schema(
        example = "Sprint review",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub name: String,
    /// 1–4 sections, in the order the minutes show them.
    #[schema(min_items = 1, max_items = 4)]
    pub sections: Vec<SectionInput>,
    /// Up to 4000 characters, told to an LLM summarizer; the built-in
    /// summarizer does not read them.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub instructions: Option<String>,
}

/// 422 `validation_failed` naming each bad field, as the other JSON bodies do.
pub(super) fn validate(input: &TemplateInput) -> Result<(), ApiError> {
    let mut bad: Vec<(String, &str)> = Vec::new();
    let mut text = |field: String, value: &str, max: usize| {
        if value.trim().is_empty() {
            bad.push((field, "empty"));
        } else if value.chars().count() > max {
            bad.push((field, "too_long"));
        }
    };
    text("name".into(), &input.name, MAX_NAME_CHARS);
    for (i, s) in input.sections.iter().enumerate() {
        text(
            format!("sections[{i}].heading"),
            &s.heading,
            MAX_HEADING_CHARS,
        );
    }
    let instructions = input.instructions.as_deref().unwrap_or_default();
    if instructions.chars().count() > MAX_INSTRUCTIONS_CHARS {
        bad.push(("instructions".into(), "too_long"));
    }
    if input.sections.is_empty() {
        bad.push(("sections".into(), "empty"));
    } else if input.sections.len() > MAX_SECTIONS {
        bad.push(("sections".into(), "too_many"));
    }
    if bad.is_empty() {
        return Ok(());
    }
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (field, code) in bad {
        fields.entry(field).or_default().push(code.to_owned());
    }
    Err(ApiError::Validation(fields))
}

/// A user's template row.
#[derive(Debug)]
pub(super) struct Stored {
    pub id: Uuid,
    pub name: String,
    pub sections: sqlx::types::Json<Vec<SectionInput>>,
    pub instructions: Option<String>,
    pub updated_at: OffsetDateTime,
}

impl Stored {
    pub(super) fn into_template(self) -> Template {
        Template {
            id: self.id.to_string(),
            name: Localized::same(&self.name),
            sections: self
                .sections
                .0
                .into_iter()
                .map(|s| TemplateSection {
                    kind: s.kind,
                    heading: Localized::same(&s.heading),
                })
                .collect(),
            instructions: self.instructions,
        }
    }
}

/// A template as listed and read. A built-in's `name` and headings differ
/// by language; a user's own are the same words in both.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct TemplateView {
    /// A built-in's stable id (`general`, `one_on_one`, `standup`,
    /// `customer_call`, `interview`) or a user template's UUID.
    #[schema(example = "standup")]
    id: String,
    /// Built-ins are read-only.
    builtin: bool,
    name: Localized,
    sections: Vec<TemplateSection>,
    #[schema(required = true)]
    instructions: Option<String>,
    /// Null for a built-in.
    #[schema(required = true)]
    #[serde(with = "crate::rfc3339::option")]
    updated_at: Option<OffsetDateTime>,
}

impl TemplateView {
    pub(super) fn builtin(template: Template) -> Self {
        Self::new(template, true, None)
    }

    pub(super) fn own(stored: Stored) -> Self {
        let updated_at = Some(stored.updated_at);
        Self::new(stored.into_template(), false, updated_at)
    }

    fn new(t: Template, builtin: bool, updated_at: Option<OffsetDateTime>) -> Self {
        Self {
            id: t.id,
            builtin,
            name: t.name,
            sections: t.sections,
            instructions: t.instructions,
            updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(sections: Vec<(SectionKind, &str)>) -> TemplateInput {
        TemplateInput {
            name: "Retro".into(),
            sections: sections
                .into_iter()
                .map(|(kind, heading)| SectionInput {
                    kind,
                    heading: heading.into(),
                })
                .collect(),
            instructions: None,
        }
    }

    fn fields(result: Result<(), ApiError>) -> BTreeMap<String, Vec<String>> {
        match result {
            Err(ApiError::Validation(fields)) => fields,
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn a_template_needs_one_to_four_sections_and_headings() {
        assert!(validate(&input(vec![(SectionKind::Summary, "Went well")])).is_ok());
        assert_eq!(fields(validate(&input(vec![])))["sections"], ["empty"]);
        let five = input(vec![(SectionKind::Summary, "A"); 5]);
        assert_eq!(fields(validate(&five))["sections"], ["too_many"]);
        let blank = input(vec![(SectionKind::Decisions, " ")]);
        assert_eq!(fields(validate(&blank))["sections[0].heading"], ["empty"]);
        let mut long = input(vec![(SectionKind::Decisions, "D")]);
        long.name = "n".repeat(MAX_NAME_CHARS + 1);
        long.instructions = Some("i".repeat(MAX_INSTRUCTIONS_CHARS + 1));
        let found = fields(validate(&long));
        assert_eq!(found["name"], ["too_long"]);
        assert_eq!(found["instructions"], ["too_long"]);
    }
}
