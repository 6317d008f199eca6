//! The article-extraction benchmark's own metric (scrapinghub/article-extraction-benchmark,
//! `evaluate.py`): per page, 4-gram token shingles of the true and predicted bodies are matched
//! as multisets; tokens are `\w+` runs. Precision is averaged over pages with any predicted or
//! matched shingle (`tp + fp > 0`), recall over pages with any true shingle (`tp + fn > 0`), and
//! F1 is taken from those two averages. A text with fewer than four tokens is one shingle of all
//! its tokens, as in the reference code.
use std::collections::BTreeMap;

/// Shingle size of the benchmark.
pub const SHINGLE_TOKENS: usize = 4;

/// True positives, false positives and false negatives of one page, normalised to sum to 1
/// (all zero when both texts are empty).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PageCounts {
    /// Matched shingles.
    pub tp: f64,
    /// Predicted shingles not in the truth.
    pub fp: f64,
    /// True shingles not predicted.
    pub fn_: f64,
}

impl PageCounts {
    /// Precision of the page (1 when both texts are empty, 0 when nothing matched).
    pub fn precision(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fp == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fp)
        }
    }

    /// Recall of the page (1 when both texts are empty, 0 when nothing matched).
    pub fn recall(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fn_ == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fn_)
        }
    }
}

/// The benchmark's figures over a set of pages.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    /// F1 of the averaged precision and recall.
    pub f1: f64,
    /// Mean precision over pages that predicted something.
    pub precision: f64,
    /// Mean recall over pages whose truth has text.
    pub recall: f64,
    /// Share of pages whose token sequences match exactly.
    pub accuracy: f64,
    /// Pages scored.
    pub pages: usize,
}

/// `\w+` tokens, as Python's `re` finds them (letters, digits, underscore).
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric() || c == '_';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn shingles<'t, 'a>(tokens: &'t [&'a str]) -> BTreeMap<&'t [&'a str], usize> {
    let mut counts = BTreeMap::new();
    if tokens.is_empty() {
        return counts;
    }
    if tokens.len() < SHINGLE_TOKENS {
        counts.insert(tokens, 1);
        return counts;
    }
    for window in tokens.windows(SHINGLE_TOKENS) {
        *counts.entry(window).or_insert(0) += 1;
    }
    counts
}

/// Matches the shingles of one page.
pub fn page_counts(truth: &str, prediction: &str) -> PageCounts {
    let true_tokens = tokens(truth);
    let pred_tokens = tokens(prediction);
    let true_shingles = shingles(&true_tokens);
    let pred_shingles = shingles(&pred_tokens);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (key, &t) in &true_shingles {
        let p = pred_shingles.get(key).copied().unwrap_or(0);
        tp += t.min(p);
        fn_ += t.saturating_sub(p);
    }
    for (key, &p) in &pred_shingles {
        let t = true_shingles.get(key).copied().unwrap_or(0);
        fp += p.saturating_sub(t);
    }
    let sum = (tp + fp + fn_) as f64;
    if sum == 0.0 {
        return PageCounts::default();
    }
    PageCounts {
        tp: tp as f64 / sum,
        fp: fp as f64 / sum,
        fn_: fn_ as f64 / sum,
    }
}

/// Scores (truth, prediction) pairs, one per page.
pub fn score<'a>(pages: impl IntoIterator<Item = (&'a str, &'a str)>) -> Summary {
    let (mut p_sum, mut p_n, mut r_sum, mut r_n, mut exact, mut pages_n) =
        (0.0, 0usize, 0.0, 0usize, 0usize, 0usize);
    for (truth, prediction) in pages {
        pages_n += 1;
        let counts = page_counts(truth, prediction);
        if counts.tp + counts.fp > 0.0 {
            p_sum += counts.precision();
            p_n += 1;
        }
        if counts.tp + counts.fn_ > 0.0 {
            r_sum += counts.recall();
            r_n += 1;
        }
        if tokens(truth) == tokens(prediction) {
            exact += 1;
        }
    }
    let mean = |sum: f64, n: usize| if n == 0 { 0.0 } else { sum / n as f64 };
    let precision = mean(p_sum, p_n);
    let recall = mean(r_sum, r_n);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Summary {
        f1,
        precision,
        recall,
        accuracy: mean(exact as f64, pages_n),
        pages: pages_n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_word_runs() {
        assert_eq!(
            tokens("It's 3:15, señor_x!"),
            ["It", "s", "3", "15", "señor_x"]
        );
    }

    #[test]
    fn identical_texts_score_one() {
        let s = score([("one two three four five", "one two three four five")]);
        assert_eq!(
            (s.precision, s.recall, s.f1, s.accuracy),
            (1.0, 1.0, 1.0, 1.0)
        );
    }

    #[test]
    fn extra_text_lowers_precision_only() {
        let c = page_counts("a b c d e", "a b c d e f g");
        // truth shingles: abcd bcde; prediction adds cdef defg.
        assert!((c.precision() - 0.5).abs() < 1e-9);
        assert!((c.recall() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn empty_prediction_counts_for_recall_not_precision() {
        let s = score([("a b c d e", ""), ("a b c d", "a b c d")]);
        assert!((s.precision - 1.0).abs() < 1e-9);
        assert!((s.recall - 0.5).abs() < 1e-9);
    }

    #[test]
    fn short_texts_are_one_shingle() {
        let c = page_counts("a b", "a b");
        assert_eq!(c.precision(), 1.0);
        let c = page_counts("a b", "a c");
        assert_eq!(c.precision(), 0.0);
    }
}
