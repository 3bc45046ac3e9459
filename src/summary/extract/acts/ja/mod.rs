//! Japanese cues of `Acts`. Sentence endings carry most of the meaning:
//! 〜ますか asks, 〜ましょう proposes or settles, 〜ます states or commits,
//! 〜てください requests.

mod words;

use self::words::*;
use super::{Acts, Request, Strength};
use crate::summary::extract::cues::{has_any, without_openers};
use crate::summary::extract::due::due;
use crate::summary::script::is_hiragana;

pub(super) fn read(text: &str, acts: &mut Acts) {
    let body = text.trim_end_matches(['。', '！', '!', '…', ' ', '．']);
    acts.question |= asks(text, body);
    acts.proposal |= has_any(text, PROPOSALS) || body.ends_with("ましょうか");
    acts.postpone |=
        has_any(text, POSTPONEMENTS) || (text.contains("次回") && !text.contains("次回から"));
    acts.recap |= has_any(text, RECAPS);
    // 「今日は予算について確認します」 opens the meeting; it commits to nothing.
    let agenda = ["今日は", "本日は"]
        .iter()
        .any(|p| without_openers(text).starts_with(p))
        && text.contains("について");
    acts.procedural |= has_any(text, RUNNING_THE_MEETING) || agenda;
    acts.acceptance |= ACCEPTANCES.iter().any(|a| text.starts_with(a));
    let joint = has_any(text, JOINT) || joint_with(text);
    if has_any(text, EXPLICIT) && !has_any(text, NEGATED) {
        acts.decision = Some(Strength::Explicit);
    } else if has_any(text, IMPLIED)
        || body.ends_with("ということで")
        || (body.ends_with("ましょう") && !acts.procedural)
        || (joint && body.ends_with("ます"))
    {
        acts.decision = Some(Strength::Implied);
    }
    if has_any(text, REQUESTS) && !has_any(text, NOT_REQUESTS) {
        let now = has_any(text, IN_MEETING) && due(text).is_none();
        acts.request = Some(if has_any(text, ANYONE) {
            Request::Anyone
        } else if now {
            Request::InMeeting
        } else {
            Request::Task
        });
    }
    let bare = without_openers(body);
    acts.volunteer |= has_any(text, VOLUNTEERING) || bare == "やります";
    let plain = body.trim_end_matches(['ね', 'よ']);
    let marked = due(text).is_some()
        || has_any(text, FIRST_PERSON)
        || text.contains('を')
        || plain.ends_with("ておきます")
        || plain.ends_with("てきます");
    // 「二週続ければ取り戻せます」 says what could happen, not what someone will do.
    let conditional = has_any(text, &["れば", "たら", "なら"]);
    let commits = commits(body)
        && marked
        && !joint
        && !conditional
        && !acts.procedural
        && acts.decision.is_none();
    acts.commitment |= !acts.question && (commits || acts.volunteer);
}

/// 「〜ですか」「〜かどうか」「やるか、延期するか」, or a question mark (but
/// not 「どれくらい使えるか、確認します」, which only embeds one).
fn asks(text: &str, body: &str) -> bool {
    let body = body.trim_end_matches(['ね', 'よ']);
    let alternatives = text
        .match_indices("か、")
        .filter(|(at, _)| {
            text[..*at]
                .chars()
                .next_back()
                .is_some_and(|c| "るうすくつむぶぐ".contains(c))
        })
        .count();
    text.contains(['？', '?'])
        || text.contains("かどうか")
        || text.contains("か、それとも")
        || ["か", "かな", "っけ"].iter().any(|e| body.ends_with(e))
        || alternatives >= 2
}

/// 「私と木下さんで」「田中さんと私で」: two people, one plan.
fn joint_with(text: &str) -> bool {
    ["私と", "僕と"].iter().any(|p| {
        text.find(p).is_some_and(|at| {
            text[at..]
                .chars()
                .take(12)
                .collect::<String>()
                .contains("さんで")
        })
    }) || text.contains("さんと私で")
}

/// Ends in a plain ます of doing (送ります, 作成します, 確認してきます),
/// not of being or thinking (います, 思います, できます).
fn commits(body: &str) -> bool {
    let body = body.trim_end_matches(['ね', 'よ']);
    let Some(stem) = body.strip_suffix("ます") else {
        return false;
    };
    let particle_then_iru = stem.strip_suffix('い').and_then(|s| s.chars().next_back());
    if particle_then_iru.is_some_and(|c| is_hiragana(c) && "はがにもでと".contains(c)) {
        return false;
    }
    !stem.is_empty() && !NOT_COMMITTING.iter().any(|s| stem.ends_with(s))
}
