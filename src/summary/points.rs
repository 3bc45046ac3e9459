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
        let lower = text.to_lowercase();
        let lead = [
            "can you ",
            "could you ",
            "would you ",
            "will you ",
            "please ",
            "i'll ",
            "i will ",
        ]
        .iter()
        .find(|l| lower.starts_with(*l))
        .map_or(0, |l| l.len());
        text[lead..].trim_end_matches(['?', '.', '!']).to_owned()
    } else {
        let body = text
            .trim_end_matches(['。', '？', '?', '！'])
            .trim_end_matches(['ね', 'よ']);
        const ASKS: &[(&str, &str)] = &[
            ("をお願いできますか", ""),
            ("をお願いします", ""),
            ("お願いします", ""),
            ("してもらえますか", "する"),
            ("してください", "する"),
        ];
        match ASKS
            .iter()
            .find_map(|(end, to)| body.strip_suffix(end).map(|h| format!("{h}{to}")))
        {
            Some(asked) => asked.trim_end_matches('、').to_owned(),
            None => plain(body),
        }
    };
    match owner {
        Some(owner) if what.is_ascii() => format!("{owner}: {what}"),
        Some(owner) => format!("{owner}：{what}"),
        None => capitalised(&what),
    }
}

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
                "足場の解体は11月15日からで決定です。",
                "足場の解体は11月15日から",
            ),
        ];
        for (sentence, expected) in cases {
            assert_eq!(point(sentence), expected, "{sentence}");
        }
    }
}
