//! The language a meeting was held in, and the words its rendered minutes
//! use for their own headings: a Japanese meeting's download says 概要 and
//! 決定事項, not Summary and Decisions. Detected once from the transcript when
//! the minutes are made, and stored with them (`"language"` in the JSON).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::script::{is_cjk, is_hiragana, is_katakana};
use super::transcript::Segment;

/// The meeting's language; minutes stored before it was recorded are `en`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Ja,
}

/// What the Markdown, text and DOCX renderings call their parts.
#[derive(Debug)]
pub(super) struct Headings {
    pub summary: &'static str,
    pub decisions: &'static str,
    pub action_items: &'static str,
    pub transcript: &'static str,
    /// An empty section's only line.
    pub none: &'static str,
    pub owner: &'static str,
    pub due: &'static str,
    /// An action item that has been done.
    pub done: &'static str,
    /// The transcript table's columns (DOCX).
    pub time: &'static str,
    pub speaker: &'static str,
    pub said: &'static str,
}

const ENGLISH: Headings = Headings {
    summary: "Summary",
    decisions: "Decisions",
    action_items: "Action items",
    transcript: "Transcript",
    none: "None.",
    owner: "Owner",
    due: "Due",
    done: "Done",
    time: "Time",
    speaker: "Speaker",
    said: "Text",
};

// The same words as the web app's Japanese minutes view (web/js/i18n.js).
const JAPANESE: Headings = Headings {
    summary: "概要",
    decisions: "決定事項",
    action_items: "アクションアイテム",
    transcript: "文字起こし",
    none: "なし。",
    owner: "担当",
    due: "期限",
    done: "完了",
    time: "時刻",
    speaker: "話者",
    said: "発言",
};

impl Language {
    /// Japanese when the transcript has kana (which Chinese lacks) and its
    /// CJK characters are not swamped by Latin letters: an English meeting
    /// that quotes a Japanese name stays English. One CJK character weighs
    /// as much as three letters, roughly a word part each.
    pub fn detect(segments: &[Segment]) -> Self {
        let (mut kana, mut cjk, mut latin) = (false, 0usize, 0usize);
        for c in segments.iter().flat_map(|s| s.text.chars()) {
            kana |= is_hiragana(c) || is_katakana(c);
            if is_cjk(c) {
                cjk += 1;
            } else if c.is_ascii_alphabetic() {
                latin += 1;
            }
        }
        if kana && cjk * 3 >= latin {
            Self::Ja
        } else {
            Self::En
        }
    }

    pub(super) fn headings(self) -> &'static Headings {
        match self {
            Self::En => &ENGLISH,
            Self::Ja => &JAPANESE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{ActionItem, Minutes, render};

    fn said(lines: &[&str]) -> Vec<Segment> {
        lines
            .iter()
            .map(|text| Segment {
                start: None,
                end: None,
                speaker: None,
                text: (*text).into(),
            })
            .collect()
    }

    #[test]
    fn a_japanese_meeting_is_japanese_even_with_english_terms() {
        let segments = said(&[
            "本日はAPIのリリース計画について話し合います。",
            "OK、決定します。",
        ]);
        assert_eq!(Language::detect(&segments), Language::Ja);
    }

    #[test]
    fn an_english_meeting_quoting_a_japanese_word_stays_english() {
        let segments = said(&[
            "We met the team from Osaka and they said よろしく at the end of the call.",
            "Tanaka will send the contract by Friday.",
        ]);
        assert_eq!(Language::detect(&segments), Language::En);
    }

    #[test]
    fn chinese_without_kana_and_empty_transcripts_are_not_japanese() {
        assert_eq!(
            Language::detect(&said(&["我们决定下周发布。"])),
            Language::En
        );
        assert_eq!(Language::detect(&[]), Language::En);
    }

    fn japanese_minutes() -> Minutes {
        Minutes {
            meeting_date: None,
            title: "週次定例".into(),
            summary: vec!["リリース日を決めました。".into()],
            decisions: vec![],
            action_items: vec![ActionItem {
                text: "資料を準備します。".into(),
                segment: 0,
                owner: Some("鈴木".into()),
                due: Some("金曜日".into()),
                due_date: None,
                done: false,
            }],
            transcript: said(&["資料は金曜日までに鈴木さんが準備します。"]),
            language: Language::Ja,
            layout: None,
        }
    }

    #[test]
    fn japanese_minutes_render_with_japanese_headings() {
        let minutes = japanese_minutes();
        let md = render::markdown(&minutes);
        for part in [
            "\n## 概要\n",
            "\n## 決定事項\n\nなし。\n",
            "\n## アクションアイテム\n",
            "— **担当:** 鈴木 — **期限:** 金曜日",
            "\n## 文字起こし\n",
        ] {
            assert!(md.contains(part), "{part} missing from\n{md}");
        }
        let txt = render::text(&minutes);
        for part in [
            "\n概要\n",
            "\n決定事項\n\nなし。\n",
            "\nアクションアイテム\n",
            "(担当: 鈴木; 期限: 金曜日)",
            "\n文字起こし\n",
        ] {
            assert!(txt.contains(part), "{part} missing from\n{txt}");
        }
        for english in [
            "Summary",
            "Decisions",
            "Action items",
            "Transcript",
            "None.",
        ] {
            assert!(!md.contains(english) && !txt.contains(english), "{english}");
        }
    }
}
