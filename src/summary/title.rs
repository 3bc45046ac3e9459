//! The minutes' title: the document's own title when it has one, else the
//! topic the meeting opened with ("Agenda is the pipeline, the loop and the
//! opening" → "Pipeline, loop and opening"), else its key phrases. A title is
//! a topic, never a sentence: at most 60 characters, 40 in Japanese.

use super::agenda::Agenda;
use super::extract::capitalised;
use super::keyphrases;
use super::language::Language;
use super::sentences::Sentence;

pub(super) const DEFAULT: &str = "Meeting minutes";
const DOCUMENT_CHARS: usize = 120;

pub(super) fn title(
    document: Option<&str>,
    agenda: Option<&Agenda>,
    sentences: &[Sentence],
    language: Language,
) -> String {
    let limit = max_chars(language);
    if let Some(title) = document.map(str::trim).filter(|t| !t.is_empty()) {
        return truncate(title, DOCUMENT_CHARS);
    }
    if let Some(agenda) = agenda {
        return fit(&items(&agenda.topic), limit);
    }
    let phrases = keyphrases::top(sentences, 2);
    if phrases.is_empty() {
        return DEFAULT.to_owned();
    }
    let joined = match language {
        Language::Ja => phrases.join("・"),
        Language::En => phrases.join(" and "),
    };
    truncate(&capitalised(&joined), limit)
}

pub(super) fn max_chars(language: Language) -> usize {
    match language {
        Language::En => 60,
        Language::Ja => 40,
    }
}

/// The items of a spoken list, without articles: "the budget, the plan, and
/// the offsite" → ["budget", "plan", "offsite"].
pub(super) fn items(topic: &str) -> Vec<String> {
    let strip = |s: &str| {
        let s = s.trim().trim_end_matches(['.', ',']);
        let lower = s.to_lowercase();
        let article = ["the ", "a ", "an ", "our ", "to ", "and "]
            .iter()
            .find(|a| lower.starts_with(*a));
        article.map_or(s, |a| &s[a.len()..]).trim().to_owned()
    };
    if !topic.contains(',') {
        return vec![strip(topic)];
    }
    topic
        .split(',')
        .flat_map(|part| part.split(" and "))
        .map(strip)
        .filter(|s| !s.is_empty())
        .collect()
}

/// "A, B and C", dropping items from the end until it fits in `limit`.
fn fit(items: &[String], limit: usize) -> String {
    for n in (1..=items.len()).rev() {
        let list = match &items[..n] {
            [one] => one.clone(),
            [head @ .., last] => format!("{} and {last}", head.join(", ")),
            [] => String::new(),
        };
        if list.chars().count() <= limit {
            return capitalised(&list);
        }
    }
    // One long item: its first clause ("pick a caterer and sort out travel"
    // → "pick a caterer"), if that fits.
    let first = items.first().map_or("", String::as_str);
    let clause = first.split(" and ").next().unwrap_or(first);
    truncate(&capitalised(clause), limit)
}

/// At most `max` characters (not bytes), cut at a space when one is near
/// the end, with an ellipsis.
fn truncate(text: &str, max: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max.saturating_sub(1)) else {
        return text.to_owned();
    };
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head = &text[..cut];
    let head = match head.rfind(' ') {
        Some(space) if space * 3 >= head.len() * 2 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",、;:の".contains(c));
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agenda(topic: &str) -> Agenda {
        Agenda {
            topic: topic.into(),
            segment: 0,
        }
    }

    #[test]
    fn the_title_is_the_agenda_topic_not_a_sentence() {
        let title = |topic: &str, language| title(None, Some(&agenda(topic)), &[], language);
        assert_eq!(
            title(
                "the budget review, the hiring plan, and the spring offsite",
                Language::En
            ),
            "Budget review, hiring plan and spring offsite"
        );
        assert_eq!(
            title(
                "the budget review for the northern region, the hiring plan for every team, and the offsite",
                Language::En
            ),
            "Budget review for the northern region"
        );
        assert_eq!(title("新倉庫の移転計画", Language::Ja), "新倉庫の移転計画");
    }

    #[test]
    fn the_documents_own_title_wins_and_nothing_gives_the_default() {
        assert_eq!(
            title(Some(" 定例会 "), Some(&agenda("x")), &[], Language::Ja),
            "定例会"
        );
        assert_eq!(title(None, None, &[], Language::En), DEFAULT);
    }

    #[test]
    fn long_titles_are_cut_to_the_limit() {
        let long = "あ".repeat(200);
        let cut = truncate(&long, 40);
        assert_eq!(cut.chars().count(), 40);
        assert!(cut.ends_with('…'));
        assert_eq!(
            truncate("We agreed to launch the new onboarding flow", 20),
            "We agreed to launch…"
        );
        assert_eq!(truncate("short", 20), "short");
    }
}
