//! The article-extraction benchmark's metric, shared by the extraction test and the
//! `html_bench` example: multisets of 4-grams of `\w+` tokens, true/false positives and false
//! negatives normalised by their sum per page.

use std::collections::HashMap;

/// Precision and recall of one page's extracted text against its true article body.
pub fn page_score(predicted: &str, expected: &str) -> (f64, f64) {
    let (predicted, expected) = (shingles(predicted), shingles(expected));
    let tp: i64 = predicted.iter().map(|(k, n)| (*n).min(*expected.get(k).unwrap_or(&0))).sum();
    let fp = predicted.values().sum::<i64>() - tp;
    let fn_ = expected.values().sum::<i64>() - tp;
    let total = (tp + fp + fn_).max(1) as f64;
    let (tp, fp, fn_) = (tp as f64 / total, fp as f64 / total, fn_ as f64 / total);
    let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    (p, r)
}

/// 4-grams of `\w+` tokens with their counts; a text of fewer than 4 tokens is one gram.
fn shingles(text: &str) -> HashMap<Vec<&str>, i64> {
    let tokens: Vec<&str> =
        text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|t| !t.is_empty()).collect();
    let mut counts = HashMap::new();
    if tokens.len() < 4 {
        if !tokens.is_empty() {
            *counts.entry(tokens).or_insert(0) += 1;
        }
    } else {
        for window in tokens.windows(4) {
            *counts.entry(window.to_vec()).or_insert(0) += 1;
        }
    }
    counts
}
