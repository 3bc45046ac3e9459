//! The phrases a meeting keeps coming back to, for a title when nobody
//! says what the meeting is about: English runs of one or two content
//! words, Japanese runs of kanji and katakana, counted once per turn, the
//! most frequent first (longer phrases first among equals, then the
//! earliest said).

use std::collections::HashMap;

use super::centrality;
use super::script::{is_han, is_katakana};
use super::sentences::Sentence;

pub(super) fn top(sentences: &[Sentence], n: usize) -> Vec<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    let mut last_turn: HashMap<String, usize> = HashMap::new();
    for (order, sentence) in sentences.iter().enumerate() {
        for phrase in phrases(&sentence.text) {
            if last_turn.insert(phrase.clone(), sentence.segment) == Some(sentence.segment) {
                continue;
            }
            counts.entry(phrase).or_insert((0, order)).0 += 1;
        }
    }
    let mut ranked: Vec<(String, (usize, usize))> =
        counts.into_iter().filter(|(_, (c, _))| *c >= 2).collect();
    ranked.sort_by(|(a, (ca, oa)), (b, (cb, ob))| {
        cb.cmp(ca)
            .then(b.chars().count().cmp(&a.chars().count()))
            .then(oa.cmp(ob))
            .then(a.cmp(b))
    });
    let mut chosen: Vec<String> = Vec::new();
    for (phrase, _) in ranked {
        let overlaps = chosen
            .iter()
            .any(|c| c.contains(&phrase) || phrase.contains(c.as_str()));
        if !overlaps {
            chosen.push(phrase);
        }
        if chosen.len() == n {
            break;
        }
    }
    chosen
}

/// Candidate phrases of one sentence.
fn phrases(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // English: adjacent content words, singly and in pairs.
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| {
            let terms = centrality::terms(w);
            if terms.len() == 1 && w.is_ascii() {
                terms[0].clone()
            } else {
                String::new()
            }
        })
        .collect();
    for (i, word) in words.iter().enumerate() {
        if word.len() >= 4 {
            out.push(word.clone());
        }
        if let Some(next) = words
            .get(i + 1)
            .filter(|n| !n.is_empty() && !word.is_empty())
        {
            out.push(format!("{word} {next}"));
        }
    }
    // Japanese: kanji and katakana runs.
    let mut run = String::new();
    for c in text.chars().chain([' ']) {
        if is_han(c) || is_katakana(c) {
            run.push(c);
        } else if !run.is_empty() {
            if run.chars().count() >= 2 {
                out.push(std::mem::take(&mut run));
            }
            run.clear();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(texts: &[&str]) -> Vec<Sentence> {
        texts
            .iter()
            .enumerate()
            .map(|(segment, t)| Sentence {
                text: (*t).into(),
                segment,
            })
            .collect()
    }

    #[test]
    fn the_most_repeated_phrases_come_first() {
        let sentences = said(&[
            "The warehouse move is late.",
            "Which warehouse move plan?",
            "The warehouse move needs trucks and the trucks are booked.",
            "Book trucks early.",
        ]);
        assert_eq!(top(&sentences, 2), ["warehouse move", "truck"]);
        let ja = said(&[
            "倉庫移転の件です。",
            "倉庫移転は遅れています。",
            "トラックも必要です。",
        ]);
        assert_eq!(top(&ja, 2), ["倉庫移転"]);
    }
}
