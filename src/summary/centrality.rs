//! How central each sentence is to the meeting: the sum of its TF-IDF cosine
//! similarities to every other sentence. Terms are lowercase English words
//! (stopwords dropped, plural `s` folded) and, for Japanese, character bigrams
//! of kanji/kana runs (bigrams of two hiragana are mostly particles and
//! endings, so they are dropped). Computation runs in a fixed order, so equal
//! input gives bit-identical scores.

use std::collections::{BTreeMap, HashMap};

use super::script::{is_cjk, is_hiragana};
use super::sentences::Sentence;

const STOPWORDS: &[&str] = &[
    "about", "actually", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "being", "both", "but", "by", "can", "could", "did", "do", "does", "each", "for",
    "from", "get", "go", "going", "got", "had", "has", "have", "he", "her", "here", "him", "his",
    "how", "if", "in", "into", "is", "it", "its", "just", "know", "let", "let's", "like", "may",
    "me", "might", "more", "most", "must", "my", "no", "not", "of", "ok", "okay", "on", "only",
    "or", "other", "our", "out", "over", "really", "right", "shall", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "thing",
    "think", "this", "those", "to", "too", "uh", "um", "up", "us", "very", "was", "we", "well",
    "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "yeah", "yes",
    "you", "your",
];

/// Sentences with fewer distinct terms are scaled down: a one-word reply
/// otherwise matches every sentence that shares its word.
const FULL_WEIGHT_TERMS: f64 = 4.0;

pub(super) fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    for c in text.chars().chain([' ']) {
        if is_cjk(c) {
            push_word(&mut terms, &mut word);
            run.push(c);
        } else if c.is_alphanumeric() || (c == '\'' && !word.is_empty()) {
            push_run(&mut terms, &mut run);
            word.extend(c.to_lowercase());
        } else {
            push_word(&mut terms, &mut word);
            push_run(&mut terms, &mut run);
        }
    }
    terms
}

fn push_word(terms: &mut Vec<String>, word: &mut String) {
    let taken = std::mem::take(word);
    let trimmed = taken.trim_end_matches('\'');
    let trimmed = trimmed.strip_suffix("'s").unwrap_or(trimmed);
    if trimmed.chars().count() < 2
        || trimmed.chars().all(|c| c.is_ascii_digit())
        || STOPWORDS.contains(&trimmed)
    {
        return;
    }
    let plural = trimmed.len() > 3 && trimmed.ends_with('s') && !trimmed.ends_with("ss");
    terms.push(
        if plural {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        }
        .to_owned(),
    );
}

fn push_run(terms: &mut Vec<String>, run: &mut Vec<char>) {
    match run.as_slice() {
        [] => {}
        [c] if is_hiragana(*c) => {}
        [c] => terms.push(c.to_string()),
        chars => terms.extend(
            chars
                .windows(2)
                .filter(|pair| !(is_hiragana(pair[0]) && is_hiragana(pair[1])))
                .map(|pair| pair.iter().collect::<String>()),
        ),
    }
    run.clear();
}

/// One score per sentence, higher is more central.
pub(super) fn scores(sentences: &[Sentence]) -> Vec<f64> {
    let mut ids: HashMap<String, usize> = HashMap::new();
    let counts: Vec<BTreeMap<usize, f64>> = sentences
        .iter()
        .map(|s| {
            let mut counts = BTreeMap::new();
            for term in terms(&s.text) {
                let next = ids.len();
                let id = *ids.entry(term).or_insert(next);
                *counts.entry(id).or_insert(0.0) += 1.0;
            }
            counts
        })
        .collect();
    let mut document_frequency = vec![0usize; ids.len()];
    for id in counts.iter().flat_map(|c| c.keys()) {
        document_frequency[*id] += 1;
    }
    let n = sentences.len() as f64;
    let vectors: Vec<Vec<(usize, f64)>> = counts
        .iter()
        .map(|counts| {
            let weighted: Vec<(usize, f64)> = counts
                .iter()
                .map(|(&id, &tf)| {
                    let idf = ((n + 1.0) / (document_frequency[id] as f64 + 1.0)).ln() + 1.0;
                    (id, tf * idf)
                })
                .collect();
            let norm = weighted.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            weighted
                .into_iter()
                .map(|(id, w)| (id, if norm > 0.0 { w / norm } else { 0.0 }))
                .collect()
        })
        .collect();
    // Σ_j cos(i, j) = u_i · Σ_j u_j, minus the sentence's similarity to itself.
    let mut centroid = vec![0.0; ids.len()];
    for (id, w) in vectors.iter().flatten() {
        centroid[*id] += w;
    }
    vectors
        .iter()
        .map(|vector| {
            let dot: f64 = vector.iter().map(|(id, w)| w * centroid[*id]).sum();
            let own: f64 = vector.iter().map(|(_, w)| w * w).sum();
            let damping = (vector.len() as f64 / FULL_WEIGHT_TERMS).min(1.0);
            (dot - own).max(0.0) * damping
        })
        .collect()
}

/// Sentence indices, most central first; ties go to the earlier sentence.
pub(super) fn ranking(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(texts: &[&str]) -> Vec<Sentence> {
        texts
            .iter()
            .map(|text| Sentence {
                text: (*text).into(),
                segment: 0,
            })
            .collect()
    }

    #[test]
    fn english_terms_drop_stopwords_and_fold_plurals() {
        assert_eq!(
            terms("The reports and Bob's budget, 2024!"),
            ["report", "bob", "budget"]
        );
    }

    #[test]
    fn japanese_terms_are_bigrams_without_hiragana_pairs() {
        assert_eq!(
            terms("予算を確認します"),
            ["予算", "算を", "を確", "確認", "認し"]
        );
        assert_eq!(terms("会議 Zoom"), ["会議", "zoom"]);
    }

    #[test]
    fn the_sentence_sharing_most_with_others_ranks_first() {
        let input = sentences(&[
            "The weather was nice.",
            "The launch plan covers the budget and the launch date.",
            "The budget is approved.",
            "The launch date is June.",
        ]);
        let ranking = ranking(&scores(&input));
        assert_eq!(ranking[0], 1);
        assert_eq!(ranking.last(), Some(&0));
    }

    #[test]
    fn ties_keep_the_original_order() {
        assert_eq!(ranking(&[1.0, 2.0, 1.0, 2.0]), [1, 3, 0, 2]);
        assert_eq!(
            scores(&sentences(&["same words here", "same words here"])),
            scores(&sentences(&["same words here", "same words here"]))
        );
    }
}
