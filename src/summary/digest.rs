//! The summary: at most five points, stated rather than quoted. First what
//! the meeting was about (its agenda), then what it decided and what it put
//! off to a later meeting, in the order said, two to a point when there are
//! more than fit; then, if room is left, its action items. A meeting with
//! none of these gets its most central sentences, leaving out small talk
//! and questions.

use super::agenda::Agenda;
use super::extract::{Found, is_question};
use super::points::{point, task};
use super::sentences::Sentence;

const MAX_POINTS: usize = 5;
/// Words of greetings, thanks and chat: never a point.
const SMALL_TALK: &[&str] = &[
    "morning",
    "thanks",
    "thank you",
    "hello",
    "hi ",
    "hey",
    "weekend",
    "weather",
    "bye",
    "see you",
    "coffee",
    "cookies",
    "お疲れ",
    "おはよう",
    "ありがとう",
    "よろしく",
    "天気",
    "雨",
    "失礼",
];

pub(super) fn summary(
    agenda: Option<&Agenda>,
    found: &Found,
    sentences: &[Sentence],
    ranking: &[usize],
) -> Vec<String> {
    let mut outcomes: Vec<(usize, String)> = found
        .decisions
        .iter()
        .map(|d| (d.segment, point(&d.text)))
        .chain(
            found
                .postponements
                .iter()
                .map(|p| (p.segment, point(&p.text))),
        )
        .collect();
    outcomes.sort_by_key(|(segment, _)| *segment);
    let room = MAX_POINTS - usize::from(agenda.is_some());
    let mut points: Vec<String> = pack(outcomes.into_iter().map(|(_, p)| p).collect(), room);
    for action in &found.actions {
        if points.len() >= room {
            break;
        }
        points.push(task(&action.text, action.owner.as_deref()));
    }
    if points.is_empty() {
        points = central(sentences, ranking, room.min(3));
    }
    agenda
        .map(|a| headline(&a.topic))
        .into_iter()
        .chain(points)
        .collect()
}

/// The agenda topic as a point: "the review for Friday's outage" → "Review
/// for Friday's outage".
fn headline(topic: &str) -> String {
    point(super::title::items(topic).join(", ").as_str())
}

/// Joins neighbouring points, the shortest pair first, until `room` hold them.
fn pack(mut points: Vec<String>, room: usize) -> Vec<String> {
    while points.len() > room.max(1) {
        let at = (0..points.len() - 1)
            .min_by_key(|&i| points[i].chars().count() + points[i + 1].chars().count())
            .expect("two points at least");
        let next = points.remove(at + 1);
        let separator = if next.is_ascii() { "; " } else { "、" };
        points[at] = format!("{}{separator}{next}", points[at]);
    }
    points
}

/// The most central sentences that are neither small talk nor questions.
fn central(sentences: &[Sentence], ranking: &[usize], n: usize) -> Vec<String> {
    let mut chosen: Vec<usize> = ranking
        .iter()
        .copied()
        .filter(|&i| {
            let lower = sentences[i].text.to_lowercase();
            !is_question(&sentences[i].text) && !SMALL_TALK.iter().any(|w| lower.contains(w))
        })
        .take(n)
        .collect();
    chosen.sort_unstable();
    chosen.dedup_by_key(|i| sentences[*i].text.to_lowercase());
    chosen.iter().map(|&i| point(&sentences[i].text)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_packed_in_pairs_of_the_shortest_neighbours() {
        let points = ["A long first point about budgets", "B", "C", "D", "E", "F"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            pack(points, 4),
            ["A long first point about budgets", "B; C", "D; E", "F"]
        );
    }
}
