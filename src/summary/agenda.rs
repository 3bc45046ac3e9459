//! What the meeting says it is about, from the opening statement of its
//! agenda: "Agenda is the pipeline, the loop and the opening", "So this is
//! the review for Friday's outage", "The main thing tonight is the spring
//! fair", 「今日は来期の予算について…」, 「ミナト物流さんの件です」,
//! 「では工程会議を始めます」.

use super::extract::is_question;
use super::sentences::Sentence;

/// The agenda is said early: within this many turns.
const OPENING_TURNS: usize = 12;

const MARKERS: &[&str] = &[
    "this is the ",
    "this is our ",
    "main thing tonight is ",
    "main thing today is ",
    "main thing is ",
    "main topic is ",
    "topic today is ",
    "topic is ",
    "agenda is ",
    "agenda today is ",
    "agenda for today is ",
    "agenda: ",
    "on the agenda is ",
    "we're here to talk about ",
    "we're here to discuss ",
    "we're here to review ",
    "we're here to decide ",
    "we need to settle ",
    "we need to decide ",
    "we need to discuss ",
    "we need to get through ",
    "we're going to discuss ",
    "we're going to talk about ",
    "we'll discuss ",
    "we will discuss ",
    "today we review ",
    "we're reviewing ",
    "let's talk about ",
    "want to talk about ",
    "welcome to the ",
    "welcome to our ",
    "purpose of this meeting is to ",
    "goal today is to ",
];
/// What a meeting is called when it is opened by name: 「工程会議を始めます」.
const MEETINGS: &[&str] = &[
    "会議",
    "定例",
    "ミーティング",
    "打ち合わせ",
    "会",
    "レビュー",
];
/// Verbs that make 「〜について」 the meeting's subject, not a passing topic.
const ABOUT: &[&str] = &["話し合", "確認", "議論", "検討", "決め", "相談", "固め"];

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Agenda {
    /// The topic, as said: "the review for last Friday's checkout outage".
    pub topic: String,
    pub segment: usize,
}

pub(super) fn find(sentences: &[Sentence]) -> Option<Agenda> {
    sentences
        .iter()
        .filter(|s| s.segment < OPENING_TURNS && !is_question(&s.text))
        .find_map(|s| {
            let topic = english(&s.text).or_else(|| japanese(&s.text))?;
            Some(Agenda {
                topic,
                segment: s.segment,
            })
        })
}

fn english(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let (at, marker) = MARKERS
        .iter()
        .filter_map(|m| lower.find(m).map(|at| (at, m)))
        .min_by_key(|(at, _)| *at)?;
    let topic = text.get(at + marker.len()..)?;
    let topic = topic.trim_end_matches(['.', '!', ' ']);
    (topic.split_whitespace().count() >= 1 && topic.is_ascii()).then(|| topic.to_owned())
}

fn japanese(text: &str) -> Option<String> {
    let body = text.trim_end_matches(['。', '！']);
    let after_today = |head: &str| {
        ["今日は", "本日は", "今回は"]
            .iter()
            .find_map(|p| head.rfind(p).map(|at| head[at + p.len()..].to_owned()))
    };
    if let Some(at) = body.find("について") {
        let (head, rest) = body.split_at(at);
        let today = after_today(head);
        if today.is_some() || ABOUT.iter().any(|v| rest.contains(v)) {
            let topic = today.unwrap_or_else(|| last_phrase(head).to_owned());
            return Some(topic.replace('、', "")).filter(|t| !t.is_empty());
        }
    }
    if let Some(at) = body.find("の件") {
        let name = last_phrase(&body[..at]);
        let name = name.strip_suffix("さん").unwrap_or(name);
        return (!name.is_empty()).then(|| format!("{name}の件"));
    }
    let at = body.find("を始め")?;
    let name = last_phrase(&body[..at]);
    MEETINGS
        .iter()
        .any(|m| name.ends_with(m))
        .then(|| name.to_owned())
}

/// The phrase at the end of `head`, after its last comma or opener.
fn last_phrase(head: &str) -> &str {
    let start = head.rfind(['、', '。', ' ']).map_or(0, |at| {
        at + head[at..].chars().next().map_or(0, char::len_utf8)
    });
    let phrase = &head[start..];
    ["では", "じゃあ", "それでは", "まず"]
        .iter()
        .find_map(|o| phrase.strip_prefix(o))
        .unwrap_or(phrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(text: &str) -> Option<String> {
        find(&[Sentence {
            text: text.into(),
            segment: 2,
        }])
        .map(|a| a.topic)
    }

    #[test]
    fn the_agenda_is_read_from_its_opening_statement() {
        let cases = [
            (
                "Agenda is the budget, the hiring plan, and the offsite.",
                "the budget, the hiring plan, and the offsite",
            ),
            (
                "Okay, so this is the retro for the March release.",
                "retro for the March release",
            ),
            ("The main thing tonight is the book fair.", "the book fair"),
            (
                "Today we need to settle the venue for the summit.",
                "the venue for the summit",
            ),
            (
                "本日は新倉庫の移転計画について話し合います。",
                "新倉庫の移転計画",
            ),
            (
                "今日は採用と、研修の日程について確認します。",
                "採用と研修の日程",
            ),
            ("サクラ電機さんの件です。", "サクラ電機の件"),
            ("では安全会議を始めます。", "安全会議"),
        ];
        for (text, expected) in cases {
            assert_eq!(topic(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn passing_topics_and_questions_are_no_agenda() {
        for text in [
            "次に休日作業についてです。",
            "予算については今日決めてしまっていいですか？",
            "Is this the final list?",
            "では始めましょう。",
        ] {
            assert_eq!(topic(text), None, "{text}");
        }
    }
}
