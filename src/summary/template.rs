//! Templates: which sections a meeting's minutes have, in which order, and
//! how each is headed. A template is data handed in (the built-ins and the
//! users' own live in the `templates` feature); `apply` records its layout
//! in the minutes, in the meeting's language, and the renderings follow it.
//! Minutes without a layout have every section under the default headings.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::language::Language;
use super::summarize::Minutes;

/// A part of the minutes a template can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Summary,
    Decisions,
    ActionItems,
    Transcript,
}

impl SectionKind {
    /// Every section, in the default order.
    pub const ALL: [Self; 4] = [
        Self::Summary,
        Self::Decisions,
        Self::ActionItems,
        Self::Transcript,
    ];
}

/// Words in both languages of the minutes: a built-in template's are
/// translated; a user's own are the same words in both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Localized {
    pub en: String,
    pub ja: String,
}

impl Localized {
    /// The same words whatever the meeting's language.
    pub fn same(words: &str) -> Self {
        Self {
            en: words.to_owned(),
            ja: words.to_owned(),
        }
    }

    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Ja => &self.ja,
        }
    }
}

/// One section of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TemplateSection {
    pub kind: SectionKind,
    pub heading: Localized,
}

/// A template as the summarizer uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Template {
    /// A built-in's stable id (`standup`) or a user template's UUID.
    pub id: String,
    pub name: Localized,
    pub sections: Vec<TemplateSection>,
    /// What the LLM path is told beyond the sections; the built-in
    /// summarizer does not read it.
    pub instructions: Option<String>,
}

/// A section of the minutes as stored: its part and its heading, in the
/// meeting's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Section {
    pub kind: SectionKind,
    pub heading: String,
}

/// The template the minutes were made with, as they store it (`"layout"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Layout {
    pub template_id: String,
    /// The template's name in the meeting's language.
    pub template_name: String,
    pub sections: Vec<Section>,
}

impl Template {
    /// The sections and headings for a meeting held in `language`.
    pub fn layout(&self, language: Language) -> Layout {
        Layout {
            template_id: self.id.clone(),
            template_name: self.name.get(language).to_owned(),
            sections: self
                .sections
                .iter()
                .map(|s| Section {
                    kind: s.kind,
                    heading: s.heading.get(language).to_owned(),
                })
                .collect(),
        }
    }
}

/// The minutes laid out by `template`: its sections and headings, in the
/// minutes' language. What was found is kept whole; a section the template
/// leaves out is not rendered.
pub fn apply(mut minutes: Minutes, template: &Template) -> Minutes {
    minutes.layout = Some(template.layout(minutes.language));
    minutes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{Transcript, render, summarize};

    fn standup() -> Template {
        let section = |kind, en: &str, ja: &str| TemplateSection {
            kind,
            heading: Localized {
                en: en.into(),
                ja: ja.into(),
            },
        };
        Template {
            id: "standup".into(),
            name: Localized {
                en: "Stand-up".into(),
                ja: "朝会".into(),
            },
            sections: vec![
                section(SectionKind::ActionItems, "Today", "今日やること"),
                section(SectionKind::Summary, "Updates", "進捗"),
            ],
            instructions: None,
        }
    }

    fn transcript(lines: &str) -> Transcript {
        crate::summary::parse(crate::summary::Format::Plain, lines).unwrap()
    }

    #[test]
    fn a_template_orders_and_heads_the_sections_in_the_meetings_language() {
        let en = apply(
            summarize(&transcript("Bob: I'll send the report by Friday.\n")),
            &standup(),
        );
        let md = render::markdown(&en);
        let today = md.find("\n## Today\n").expect(&md);
        let updates = md.find("\n## Updates\n").expect(&md);
        assert!(today < updates, "{md}");
        assert!(!md.contains("## Decisions") && !md.contains("## Transcript"));
        assert_eq!(en.layout.as_ref().unwrap().template_name, "Stand-up");

        let ja = apply(
            summarize(&transcript("佐藤: 金曜日までに資料を送ります。\n")),
            &standup(),
        );
        let txt = render::text(&ja);
        assert!(
            txt.contains("\n今日やること\n") && txt.contains("\n進捗\n"),
            "{txt}"
        );
        assert!(!txt.contains("決定事項"), "{txt}");
        assert_eq!(ja.layout.unwrap().template_name, "朝会");
    }

    #[test]
    fn minutes_without_a_layout_have_every_section() {
        let minutes = summarize(&transcript("Bob: I'll send the report by Friday.\n"));
        assert!(minutes.layout.is_none());
        let md = render::markdown(&minutes);
        for heading in [
            "## Summary",
            "## Decisions",
            "## Action items",
            "## Transcript",
        ] {
            assert!(md.contains(heading), "{md}");
        }
        let json = serde_json::to_value(&minutes).unwrap();
        assert!(json.get("layout").is_none(), "absent, not null");
    }
}
