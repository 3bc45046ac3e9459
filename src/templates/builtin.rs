//! The built-in templates: data, with stable ids, headed in both languages
//! of the minutes. They are listed before a caller's own and never change
//! through the API.

use crate::summary::template::{Localized, SectionKind, Template, TemplateSection};

/// `(kind, English heading, Japanese heading)`.
type Heading = (SectionKind, &'static str, &'static str);

struct Builtin {
    id: &'static str,
    name: (&'static str, &'static str),
    sections: &'static [Heading],
    instructions: &'static str,
}

use SectionKind::{ActionItems, Decisions, Summary, Transcript};

const BUILTINS: &[Builtin] = &[
    Builtin {
        id: "general",
        name: ("General meeting", "一般の会議"),
        sections: &[
            (Summary, "Summary", "概要"),
            (Decisions, "Decisions", "決定事項"),
            (ActionItems, "Action items", "アクションアイテム"),
            (Transcript, "Transcript", "文字起こし"),
        ],
        instructions: "Minutes of a meeting: its key points, what was decided, and who does what by when.",
    },
    Builtin {
        id: "one_on_one",
        name: ("1:1", "1on1"),
        sections: &[
            (Summary, "Topics discussed", "話したこと"),
            (Decisions, "Agreements", "合意したこと"),
            (ActionItems, "Follow-ups", "フォローアップ"),
            (Transcript, "Transcript", "文字起こし"),
        ],
        instructions: "A one-to-one conversation between two people: the topics, what they agreed, and each one's follow-ups.",
    },
    Builtin {
        id: "standup",
        name: ("Stand-up", "朝会"),
        sections: &[
            (Summary, "Updates", "進捗"),
            (ActionItems, "Next steps", "次にやること"),
            (Decisions, "Decisions", "決定事項"),
        ],
        instructions: "A short daily stand-up: each person's progress and blockers, then what each does next.",
    },
    Builtin {
        id: "customer_call",
        name: ("Customer call", "顧客との打ち合わせ"),
        sections: &[
            (Summary, "Overview", "概要"),
            (Decisions, "Agreed with the customer", "顧客との合意事項"),
            (ActionItems, "Follow-ups", "対応事項"),
            (Transcript, "Transcript", "文字起こし"),
        ],
        instructions: "A call with a customer: their needs and concerns, what was agreed with them, and the follow-ups promised.",
    },
    Builtin {
        id: "interview",
        name: ("Interview", "面接"),
        sections: &[
            (Summary, "Highlights", "要点"),
            (ActionItems, "Next steps", "次のステップ"),
            (Transcript, "Transcript", "文字起こし"),
        ],
        instructions: "An interview: the candidate's answers worth remembering and the next steps of the process. No judgement of the person.",
    },
];

fn template(b: &Builtin) -> Template {
    Template {
        id: b.id.to_owned(),
        name: Localized {
            en: b.name.0.to_owned(),
            ja: b.name.1.to_owned(),
        },
        sections: b
            .sections
            .iter()
            .map(|&(kind, en, ja)| TemplateSection {
                kind,
                heading: Localized {
                    en: en.to_owned(),
                    ja: ja.to_owned(),
                },
            })
            .collect(),
        instructions: Some(b.instructions.to_owned()),
    }
}

/// Every built-in, in the order the list shows them.
pub(super) fn all() -> Vec<Template> {
    BUILTINS.iter().map(template).collect()
}

pub(super) fn find(id: &str) -> Option<Template> {
    BUILTINS.iter().find(|b| b.id == id).map(template)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn built_in_ids_are_unique_and_every_template_has_distinct_sections() {
        let ids: HashSet<_> = BUILTINS.iter().map(|b| b.id).collect();
        assert_eq!(ids.len(), BUILTINS.len());
        for b in BUILTINS {
            let kinds: HashSet<_> = b.sections.iter().map(|s| s.0).collect();
            assert_eq!(kinds.len(), b.sections.len(), "{}", b.id);
            assert!(
                b.sections
                    .iter()
                    .all(|s| !s.1.is_empty() && !s.2.is_empty()),
                "{}: both languages",
                b.id
            );
        }
        assert!(find("standup").is_some() && find("nope").is_none());
    }
}
