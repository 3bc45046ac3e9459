//! What one sentence does in the conversation: asks, proposes, postpones,
//! decides, requests, commits. Read from cue phrases of each language
//! (`en`, `ja`); the scripts do not overlap, so both run on every sentence
//! and a Japanese meeting quoting English words still reads right. Context
//! (who answers whom) is the callers' business: this is one sentence alone.

mod en;
mod ja;

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Acts {
    /// Asks something, including whether or what to decide.
    pub question: bool,
    /// Puts an idea forward ("I think we should", 「〜はどうでしょう」).
    pub proposal: bool,
    /// Defers the matter ("let's revisit", 「次回改めて」, 「保留」).
    pub postpone: bool,
    /// Settles something, and how plainly it says so.
    pub decision: Option<Strength>,
    /// Asks someone to do something.
    pub request: Option<Request>,
    /// The speaker commits to a task ("I'll send it", 「私が送ります」).
    pub commitment: bool,
    /// Takes on a task said by someone else ("I'll take it", 「私がやります」).
    pub volunteer: bool,
    /// Opens with an acceptance ("Sure,", 「承知しました」).
    pub acceptance: bool,
    /// Goes over what was agreed ("to recap", 「確認ですが」).
    pub recap: bool,
    /// Runs the meeting rather than deciding anything ("let's get started",
    /// 「では始めましょう」, 「今日はここまでにしましょう」).
    pub procedural: bool,
}

/// How plainly a sentence decides: `Explicit` names it ("decided", 決定),
/// `Implied` states the outcome ("let's add it", 「〜で進めましょう」),
/// `Settling` only closes a discussion ("Okay, so German and Spanish").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Strength {
    Settling,
    Implied,
    Explicit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Request {
    /// A task for the person addressed ("can you…", 「〜お願いします」).
    Task,
    /// A task for whoever takes it ("can someone…", 「誰か〜」).
    Anyone,
    /// Something to do now, in the meeting ("walk us through",
    /// 「経緯を説明してもらえますか」): not an action item.
    InMeeting,
}

impl Acts {
    pub(super) fn read(text: &str) -> Self {
        let mut acts = Self::default();
        en::read(text, &mut acts);
        ja::read(text, &mut acts);
        acts
    }

    /// The decision this sentence makes, if any: a question or a
    /// postponement decides nothing, and a proposal decides only when it
    /// says so explicitly.
    pub(super) fn decides(&self) -> Option<Strength> {
        if self.question || self.postpone || self.procedural {
            return None;
        }
        match self.decision? {
            Strength::Explicit => Some(Strength::Explicit),
            strength => (!self.proposal).then_some(strength),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decides(text: &str) -> Option<Strength> {
        Acts::read(text).decides()
    }

    #[test]
    fn questions_about_deciding_are_not_decisions() {
        for text in [
            "Should we pick the vendor today, or wait for the demo?",
            "Do we decide the venue here or does it need the board?",
            "Does everyone agree that the cable was the cause?",
            "Shall we go with the blue design",
            "新しいロゴを採用するかどうか、今日決めたいと思います。",
            "会場はA社とB社のどちらにしますか。",
            "予算は今日決めてしまっていいですか？",
        ] {
            assert_eq!(decides(text), None, "{text}");
            assert!(Acts::read(text).question, "{text}");
        }
    }

    #[test]
    fn postponements_are_not_decisions() {
        for text in [
            "Let's revisit the pricing in March.",
            "Agreed, let's wait for the survey results.",
            "Let's park the logo for now and come back to it later.",
            "Maybe next quarter, not this quarter.",
            "I don't want to decide that without the numbers.",
            "ロゴの件は保留にしましょう。",
            "会場の件は次回の会議で改めて議論しましょう。",
            "見積もりが出てから判断しましょう。",
            "じゃあ人数は最後にしましょう。",
            "来年度の予算で検討しましょう。",
        ] {
            assert_eq!(decides(text), None, "{text}");
            assert!(Acts::read(text).postpone, "{text}");
        }
    }

    #[test]
    fn proposals_are_not_decisions_unless_settled_explicitly() {
        for text in [
            "I think we should move the offsite to May.",
            "What about a shorter demo?",
            "Could we just make the survey anonymous?",
            "展示会をやめてみるのはどうでしょうか。",
            "オンライン開催も検討したほうがいいと思います。",
            "週末も作業する案が出ています。",
        ] {
            assert_eq!(decides(text), None, "{text}");
            assert!(Acts::read(text).proposal, "{text}");
        }
    }

    #[test]
    fn decisions_are_read_in_both_languages() {
        let cases = [
            (
                "Okay, decided: the demo moves to Thursday.",
                Strength::Explicit,
            ),
            ("Agreed, let's use the blue logo.", Strength::Explicit),
            ("The vendor is confirmed as Acme.", Strength::Explicit),
            ("We're going with the smaller venue.", Strength::Explicit),
            ("Let's add a second reviewer.", Strength::Implied),
            ("Yeah, let's not renew the contract.", Strength::Implied),
            ("We'll switch the newsletter to monthly.", Strength::Implied),
            ("No Saturday shifts then.", Strength::Implied),
            ("Blue it is.", Strength::Implied),
            ("新しいロゴは青で決定します。", Strength::Explicit),
            ("保守契約は更新しないことにします。", Strength::Implied),
            (
                "では、説明会はオンラインで進めましょう。",
                Strength::Implied,
            ),
            ("ラジオ広告は今回は見送りましょう。", Strength::Implied),
            ("定例は来月から月一回に変更します。", Strength::Implied),
            ("明日、私と木下さんで現地を確認します。", Strength::Implied),
        ];
        for (text, strength) in cases {
            assert_eq!(decides(text), Some(strength), "{text}");
        }
    }

    #[test]
    fn running_the_meeting_decides_nothing() {
        for text in [
            "Okay, let's get started.",
            "Let's move on to the budget.",
            "では始めましょう。",
            "今日はここまでにしましょう。",
            "それでは予算に戻りましょう。",
            "訪問のときに出したいので、今日決めてしまいましょう。",
        ] {
            assert_eq!(decides(text), None, "{text}");
        }
    }
}
