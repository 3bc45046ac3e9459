//! What a proposal puts forward and what a postponement says, short enough
//! for a decision or a summary point: "What about a shorter demo?" → "A
//! shorter demo"; 「GPUを買うのはどうですか？」 → 「GPUを買う」.

use crate::summary::extract::acts::Acts;
use crate::summary::extract::cues::{capitalised, without_openers};

/// `core: outcome` (`core：outcome` in Japanese).
pub(super) fn joined(core: &str, outcome: &str) -> String {
    let colon = if core.is_ascii() { ": " } else { "：" };
    format!("{core}{colon}{outcome}")
}

/// A sentence without its opening fillers, capitalised.
pub(super) fn clean(text: &str) -> String {
    capitalised(without_openers(text))
}

/// What a proposal or question puts forward: "What about a shorter demo?" →
/// "A shorter demo"; 「GPUを買うのはどうですか？」 → 「GPUを買う」.
pub(super) fn core(text: &str) -> String {
    let mut core = without_openers(text)
        .trim_end_matches(['?', '？', '.', '。', '!'])
        .to_owned();
    let lower = core.to_lowercase();
    const LEADS: &[&str] = &[
        "i think we should ",
        "we should ",
        "what about ",
        "how about ",
        "what if we ",
        "what if ",
        "could we just ",
        "could we ",
        "can we at least ",
        "can we ",
        "should we ",
        "maybe we could ",
        "why don't we ",
        "i'd suggest ",
        "i suggest ",
        "i propose ",
        "do we want to ",
        "do we need ",
        "are we still ",
        "i'd like to ",
    ];
    if let Some(lead) = LEADS
        .iter()
        .find_map(|l| lower.find(l).map(|at| at + l.len()))
    {
        core = core[lead..].to_owned();
    }
    const ENDS: &[&str] = &[
        "のはどうでしょうか",
        "はどうでしょうか",
        "のはどうですか",
        "はどうですか",
        "どうでしょう",
        "したほうがいいと思います",
        "ほうがいいと思います",
        "たいと思っているんですが",
        "についてはどうしますか",
        "はどうしますか",
        "どうしますか",
        "と思います",
        "ましょうか",
        "んですが",
    ];
    for end in ENDS {
        if let Some(head) = core.strip_suffix(end) {
            core = head.to_owned();
            break;
        }
    }
    // 「参加を認めるかどうか、決めておきたいです」 → 「参加を認めるかどうか」.
    if let Some(at) = core.find("かどうか") {
        core.truncate(at + "かどうか".len());
    }
    // 「広告代理店ですが、今の代理店は遅いので、変更も検討」 → its topic and
    // what it proposes: 「広告代理店、変更も検討」.
    if let Some((topic, rest)) = core.split_once("ですが、") {
        let last = rest.rsplit('、').next().unwrap_or(rest);
        core = format!("{}、{last}", without_openers(topic));
    }
    capitalised(&core)
}

/// The clause of a sentence that defers: "…so let's revisit it in May" →
/// "let's revisit it in May"; 「…ので、次回改めて議論しましょう」 → its last part.
pub(super) fn clause(text: &str) -> String {
    let text = without_openers(text);
    let parts: Vec<&str> = text
        .split([',', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let deferring = parts.iter().rev().find(|p| {
        let acts = Acts::read(p);
        acts.postpone
    });
    capitalised(deferring.copied().unwrap_or(text))
}
