//! Minutes as a Word document (Office Open XML, `?format=docx`), written by
//! `docx-rs`: the title and the meeting's date, each section of the layout
//! under a heading in the meeting's language, the summary, decisions and
//! action items (with owner, due date and whether done) as bulleted lists,
//! and the transcript as a table of time, speaker and words. Text is
//! Unicode throughout; characters XML cannot hold are dropped.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, Docx, DocxError, IndentLevel, Level, LevelJc, LevelText, NumberFormat,
    Numbering, NumberingId, Paragraph, Run, RunFonts, SpecialIndentType, Start, Style, StyleType,
    Table, TableCell, TableRow, WidthType,
};

use super::language::Headings;
use super::render::{due, one_line, sections, stamp};
use super::summarize::Minutes;
use super::template::SectionKind;

/// The bulleted list's numbering: `docx-rs` defines numbering 1 (decimal)
/// in every document.
const BULLETS: usize = 2;
/// Column widths of the transcript table, in twentieths of a point: time,
/// speaker, words (an A4 page's text width in all).
const COLUMNS: [usize; 3] = [1100, 1900, 6000];

pub fn docx(minutes: &Minutes) -> Result<Vec<u8>, DocxError> {
    let words = minutes.language.headings();
    let mut doc = styled(Docx::new());
    doc = doc.add_paragraph(paragraph(&minutes.title).style("Title"));
    if let Some(date) = &minutes.meeting_date {
        doc = doc.add_paragraph(paragraph(date));
    }
    for (kind, heading) in sections(minutes) {
        doc = doc.add_paragraph(paragraph(&heading).style("Heading1"));
        let items: Vec<String> = match kind {
            SectionKind::Summary => minutes.summary.clone(),
            SectionKind::Decisions => minutes.decisions.iter().map(|d| d.text.clone()).collect(),
            SectionKind::ActionItems => minutes
                .action_items
                .iter()
                .map(|a| {
                    let mut line = a.text.clone();
                    if let Some(owner) = &a.owner {
                        line.push_str(&format!(" — {}: {owner}", words.owner));
                    }
                    if let Some(due) = due(a) {
                        line.push_str(&format!(" — {}: {due}", words.due));
                    }
                    if a.done {
                        line.push_str(&format!(" — {}", words.done));
                    }
                    line
                })
                .collect(),
            SectionKind::Transcript => {
                doc = if minutes.transcript.is_empty() {
                    doc.add_paragraph(paragraph(words.none))
                } else {
                    doc.add_table(transcript(minutes, words))
                };
                continue;
            }
        };
        if items.is_empty() {
            doc = doc.add_paragraph(paragraph(words.none));
        }
        for item in items {
            doc = doc.add_paragraph(
                paragraph(&item).numbering(NumberingId::new(BULLETS), IndentLevel::new(0)),
            );
        }
    }
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out)?;
    Ok(out.into_inner())
}

/// The document's styles (title, heading) and its bulleted list.
fn styled(doc: Docx) -> Docx {
    let bullet = Level::new(
        0,
        Start::new(1),
        NumberFormat::new("bullet"),
        LevelText::new("•"),
        LevelJc::new("left"),
    )
    .indent(Some(720), Some(SpecialIndentType::Hanging(360)), None, None);
    doc.default_fonts(RunFonts::new().east_asia("Noto Sans CJK JP"))
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(40)
                .bold(),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(30)
                .bold()
                .outline_lvl(0),
        )
        .add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(bullet))
        .add_numbering(Numbering::new(BULLETS, BULLETS))
}

/// The transcript: a heading row, then one row per segment.
fn transcript(minutes: &Minutes, words: &Headings) -> Table {
    let row = |cells: [&str; 3]| {
        TableRow::new(
            cells
                .iter()
                .zip(COLUMNS)
                .map(|(text, width)| {
                    TableCell::new()
                        .width(width, WidthType::Dxa)
                        .add_paragraph(paragraph(text))
                })
                .collect(),
        )
    };
    let mut rows = vec![row([words.time, words.speaker, words.said])];
    for segment in &minutes.transcript {
        let time = stamp(segment);
        let time = time.trim().trim_start_matches('[').trim_end_matches(']');
        rows.push(row([
            time,
            segment.speaker.as_deref().unwrap_or_default(),
            &segment.text,
        ]));
    }
    Table::new(rows).set_grid(COLUMNS.to_vec())
}

/// One line of text, without what XML 1.0 cannot hold.
fn paragraph(text: &str) -> Paragraph {
    let text: String = one_line(text)
        .chars()
        .filter(|&c| !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect();
    Paragraph::new().add_run(Run::new().add_text(text))
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;
    use crate::summary::{ActionItem, Language, Segment};

    fn document_xml(bytes: &[u8]) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn japanese_minutes_keep_their_text_headings_and_transcript_table() {
        let minutes = Minutes {
            title: "第3四半期 定例会議".into(),
            meeting_date: Some("2026-09-30".into()),
            summary: vec!["予算を確認しました。".into()],
            decisions: vec![],
            action_items: vec![ActionItem {
                text: "資料を準備します。".into(),
                segment: 0,
                owner: Some("鈴木".into()),
                due: Some("金曜日".into()),
                due_date: Some("2026-10-02".into()),
                done: true,
            }],
            transcript: vec![Segment {
                start: Some(65.0),
                end: None,
                speaker: Some("田中".into()),
                text: "資料は鈴木さんが\u{1}準備します。".into(),
            }],
            language: Language::Ja,
            layout: None,
        };
        let xml = document_xml(&docx(&minutes).unwrap());
        for text in [
            "第3四半期 定例会議",
            "概要",
            "決定事項",
            "なし。",
            "資料を準備します。 — 担当: 鈴木 — 期限: 金曜日 (2026-10-02) — 完了",
            "話者",
            "01:05",
            "資料は鈴木さんが準備します。",
        ] {
            assert!(xml.contains(text), "{text} in {xml}");
        }
        assert!(xml.contains("<w:tbl>"), "the transcript is a table");
    }
}
