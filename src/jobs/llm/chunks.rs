//! A long transcript in parts that each fit the model: consecutive runs of
//! whole segments (a segment is never cut), each within a token budget. A
//! segment longer than the budget is a part of its own.

use std::ops::Range;

/// Roughly how many tokens a model's tokenizer makes of `text`: about four
/// characters of Latin script per token, and one per character of any
/// other (a kanji or kana is a token or more). An estimate on the safe side
/// for the tokenizers of common open models; no tokenizer ships here.
pub(super) fn tokens(text: &str) -> usize {
    let (ascii, other) = text.chars().fold((0usize, 0usize), |(a, o), c| {
        if c.is_ascii() { (a + 1, o) } else { (a, o + 1) }
    });
    ascii.div_ceil(4) + other
}

/// The parts of `lines` (one per segment, newline-joined when sent), as
/// ranges of segment indexes, each within `budget` tokens where a segment
/// allows. One part when everything fits.
pub(super) fn split(lines: &[String], budget: usize) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, line) in lines.iter().enumerate() {
        let cost = tokens(line) + 1;
        if i > start && used + cost > budget {
            parts.push(start..i);
            (start, used) = (i, 0);
        }
        used += cost;
    }
    if start < lines.len() {
        parts.push(start..lines.len());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(costs: &[usize]) -> Vec<String> {
        // Four ASCII characters are one token; the newline is the "+ 1".
        costs.iter().map(|&n| "abcd".repeat(n - 1)).collect()
    }

    #[test]
    fn japanese_counts_a_token_a_character_and_english_one_per_four() {
        assert_eq!(tokens("議事録"), 3);
        assert_eq!(tokens("minutes!"), 2);
        assert_eq!(tokens("A: 決定"), 3);
    }

    #[test]
    fn parts_are_consecutive_whole_segments_within_the_budget() {
        let lines = lines(&[4, 4, 4, 4, 4]);
        assert_eq!(split(&lines, 8), [0..2, 2..4, 4..5]);
        let whole = split(&lines, 100);
        assert_eq!(
            (whole.len(), whole[0].clone()),
            (1, 0..5),
            "all fits: one part"
        );
    }

    #[test]
    fn a_segment_over_the_budget_is_a_part_of_its_own_never_cut() {
        let lines = lines(&[2, 30, 2, 2]);
        assert_eq!(split(&lines, 8), [0..1, 1..2, 2..4]);
        assert!(split(&[], 8).is_empty());
    }
}
