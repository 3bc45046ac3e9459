//! A sentence said in a meeting, rewritten as a point of its minutes:
//! without its opening fillers or final stop, and in Japanese in plain
//! form, without the words that only say it was decided
//! (「展示会は来期も継続で決定します。」 → 「展示会は来期も継続」,
//! 「見送りましょう」 → 「見送る」).

use super::extract::{capitalised, without_openers};
use super::script::is_han;

/// Endings that only say a decision was made, and what is left of them.
const DECIDED: &[(&str, &str)] = &[
    ("ということで決めましょう", ""),
    ("ということにしましょう", ""),
    ("ということで決定します", ""),
    ("ことに決定します", ""),
    ("ことで決定とします", ""),
    ("ことに決めました", ""),
    ("ことにしましょう", ""),
    ("ことにします", ""),
    ("ことにしました", ""),
    ("で決定とします", ""),
    ("で決定します", ""),
    ("で決定です", ""),
    ("に決定します", "に決定"),
    ("で合意とします", "で合意"),
];
/// Kanji of verbs in す, whose ます stem ends in し (話します → 話す), unlike
/// the nouns of する verbs (変更します → 変更する).
const GODAN_SU: &str = "話出返渡回残探直試消押貸指示表移写足戻通落起外隠下干刺申離越流済増減";

/// Particles after which します is the verb する (「半分にします」).
const PARTICLES: &[char] = &['に', 'を', 'で', 'と', 'が', 'は', 'も', 'へ'];

pub(super) fn point(sentence: &str) -> String {
    let text = without_openers(sentence.trim());
    if text.is_ascii() {
        return capitalised(text.trim_end_matches(['.', '!']));
    }
    plain(text.trim_end_matches(['。', '！', '!', '.']))
}

/// An action item as a point, its owner first: "Raj: send the offer by
/// Thursday", 「田中：10月10日までに見積もりを取る」.
pub(super) fn task(text: &str, owner: Option<&str>) -> String {
    let mut text = without_openers(text.trim()).to_owned();
    if let Some(owner) = owner {
        for vocative in [
            format!("{owner}, "),
            format!("{owner} will "),
            format!("{owner}さん、"),
        ] {
            if let Some(rest) = text.strip_prefix(&vocative) {
                text = rest.to_owned();
            }
        }
    }
    let what = if text.is_ascii() {
        // The first sentence says the task; the rest is the reply to it.
        let first = text
            .split_inclusive(['?', '.', '!'])
            .next()
            .unwrap_or(&text);
        let lower = first.to_lowercase();
        let lead = ENGLISH_ASKS
            .iter()
            .find_map(|l| lower.find(l).map(|at| at + l.len()))
            .unwrap_or(0);
        first[lead..]
            .trim()
            .trim_end_matches(['?', '.', '!'])
            .to_owned()
    } else {
        let parts: Vec<String> = text
            .split('。')
            .map(|s| s.trim().trim_end_matches(['？', '?', '！', 'ね', 'よ']))
            .filter(|s| !s.is_empty())
            .map(|s| {
                match JAPANESE_ASKS
                    .iter()
                    .find_map(|(end, to)| s.strip_suffix(end).map(|h| format!("{h}{to}")))
                {
                    Some(asked) => asked.trim_end_matches('、').to_owned(),
                    None => plain(s),
                }
            })
            .filter(|s| !s.is_empty())
            .collect();
        parts.join("、")
    };
    match owner {
        Some(owner) if what.is_ascii() => format!("{owner}: {what}"),
        Some(owner) => format!("{owner}：{what}"),
        None => capitalised(&what),
    }
}

/// What comes before the task in a request or commitment.
const ENGLISH_ASKS: &[&str] = &[
    "need someone to ",
    "if someone could ",
    "if you could ",
    "can you ",
    "could you ",
    "would you mind ",
    "would you ",
    "will you ",
    "please ",
    "i'll ",
    "i will ",
];
/// Request endings and what is left of them.
const JAPANESE_ASKS: &[(&str, &str)] = &[
    ("をお願いできますか", ""),
    ("をお願いします", ""),
    ("お願いします", ""),
    ("お願いできますか", ""),
    ("してもらえますか", "する"),
    ("してください", "する"),
];

/// A Japanese sentence ending in plain form.
fn plain(text: &str) -> String {
    if let Some((head, rest)) = DECIDED
        .iter()
        .find_map(|(end, rest)| text.strip_suffix(end).map(|h| (h, rest)))
    {
        return format!("{head}{rest}");
    }
    let text = text.trim_end_matches(['ね', 'よ']);
    if let Some(head) = text.strip_suffix("です") {
        return head.to_owned();
    }
    let stem = text
        .strip_suffix("ましょう")
        .or_else(|| text.strip_suffix("ます"));
    stem.map_or_else(|| text.to_owned(), dictionary_form)
}

/// The dictionary form from a ます stem: 進め → 進める, 見送り → 見送る,
/// 変更し → 変更する, 出し → 出す.
fn dictionary_form(stem: &str) -> String {
    let mut chars: Vec<char> = stem.chars().collect();
    let Some(last) = chars.pop() else {
        return String::new();
    };
    let head: String = chars.iter().collect();
    let before = chars.last().copied();
    let kanji_before = chars.iter().rev().take_while(|c| is_han(**c)).count();
    match last {
        'し' if before.is_some_and(|c| GODAN_SU.contains(c)) => format!("{head}す"),
        'し' if before.is_none_or(|c| PARTICLES.contains(&c)) || kanji_before >= 2 => {
            format!("{head}する")
        }
        'し' => format!("{head}す"),
        'い' => format!("{head}う"),
        'き' => format!("{head}く"),
        'ぎ' => format!("{head}ぐ"),
        'ち' => format!("{head}つ"),
        'に' => format!("{head}ぬ"),
        'び' => format!("{head}ぶ"),
        'み' => format!("{head}む"),
        'り' => format!("{head}る"),
        c => format!("{head}{c}る"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_lead_with_their_owner() {
        assert_eq!(
            task(
                "Okay. Raj, can you send the offer by Thursday?",
                Some("Raj")
            ),
            "Raj: send the offer by Thursday"
        );
        assert_eq!(
            task("I'll book the room.", Some("Mei")),
            "Mei: book the room"
        );
        assert_eq!(
            task("田中さん、見積もりをお願いします。", Some("田中")),
            "田中：見積もり"
        );
        assert_eq!(
            task("報告書を作成してもらえますか。", Some("加藤")),
            "加藤：報告書を作成する"
        );
        assert_eq!(task("資料を作っておきます。", None), "資料を作っておく");
        assert_eq!(
            task(
                "It would be great if someone could send the menu. I can do that.",
                Some("Ana")
            ),
            "Ana: send the menu"
        );
        assert_eq!(
            task(
                "森田さん、見積もりを依頼してもらえますか。週明けまでにお願いします。",
                Some("森田")
            ),
            "森田：見積もりを依頼する、週明けまでに"
        );
    }

    #[test]
    fn points_drop_fillers_and_decision_words() {
        let cases = [
            (
                "Okay, so we'll switch the newsletter to monthly.",
                "We'll switch the newsletter to monthly",
            ),
            (
                "では、展示会は来期も継続で決定します。",
                "展示会は来期も継続",
            ),
            (
                "では、説明会はオンラインで開催することに決定します。",
                "説明会はオンラインで開催する",
            ),
            (
                "そうですね、ラジオ広告は今回は見送りましょう。",
                "ラジオ広告は今回は見送る",
            ),
            (
                "では、Web広告は2割増で進めましょう。",
                "Web広告は2割増で進める",
            ),
            (
                "定例は来月から隔週開催に変更します。",
                "定例は来月から隔週開催に変更する",
            ),
            ("では、印刷は半分にしましょう。", "印刷は半分にする"),
            ("残りは来月に回します。", "残りは来月に回す"),
            (
                "それは来月の会議でもう一度話しましょう。",
                "それは来月の会議でもう一度話す",
            ),
            (
                "足場の解体は11月15日からで決定です。",
                "足場の解体は11月15日から",
            ),
        ];
        for (sentence, expected) in cases {
            assert_eq!(point(sentence), expected, "{sentence}");
        }
    }
}
