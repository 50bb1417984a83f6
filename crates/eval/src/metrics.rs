//! Metric arithmetic: shares, precision/recall/F1, accuracy, macro-F1, confusion, distances.
//!
//! Conventions: a share of nothing is undefined (`None`), never 0 or 1. Precision, recall and
//! F1 with a zero denominator are 0 (scikit-learn's `zero_division=0`), so that a label the
//! system never predicts lowers macro-F1 instead of vanishing from it.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// `num / den`, or `None` when `den` is 0.
pub fn share(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// True positives, false positives and false negatives of one decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Counts {
    /// Counts from a predicted and a gold set of items.
    pub fn of_sets<T: Ord>(predicted: &BTreeSet<T>, gold: &BTreeSet<T>) -> Counts {
        let tp = predicted.intersection(gold).count();
        Counts { tp, fp: predicted.len() - tp, fn_: gold.len() - tp }
    }

    /// Adds one binary decision (predicted yes/no against gold yes/no).
    pub fn add(&mut self, predicted: bool, gold: bool) {
        match (predicted, gold) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    pub fn merge(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    pub fn precision(&self) -> f64 {
        share(self.tp, self.tp + self.fp).unwrap_or(0.0)
    }

    pub fn recall(&self) -> f64 {
        share(self.tp, self.tp + self.fn_).unwrap_or(0.0)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// `{"tp","fp","fn","precision","recall","f1"}`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "tp": self.tp, "fp": self.fp, "fn": self.fn_,
            "precision": crate::report::round4(self.precision()),
            "recall": crate::report::round4(self.recall()),
            "f1": crate::report::round4(self.f1()),
        })
    }
}

/// A confusion matrix over string labels: gold → predicted → count.
#[derive(Debug, Clone, Default)]
pub struct Confusion {
    cells: BTreeMap<(String, String), usize>,
    total: usize,
}

impl Confusion {
    pub fn add(&mut self, gold: &str, predicted: &str) {
        *self.cells.entry((gold.to_string(), predicted.to_string())).or_default() += 1;
        self.total += 1;
    }

    pub fn total(&self) -> usize {
        self.total
    }

    pub fn count(&self, gold: &str, predicted: &str) -> usize {
        self.cells.get(&(gold.to_string(), predicted.to_string())).copied().unwrap_or(0)
    }

    /// Share of items whose prediction equals the gold label.
    pub fn accuracy(&self) -> Option<f64> {
        let right: usize = self.cells.iter().filter(|((g, p), _)| g == p).map(|(_, n)| n).sum();
        share(right, self.total)
    }

    /// One label's counts: tp = gold and predicted; fp = predicted, gold other; fn = gold,
    /// predicted other (including "none").
    pub fn label(&self, label: &str) -> Counts {
        let mut c = Counts::default();
        for ((g, p), n) in &self.cells {
            match (g == label, p == label) {
                (true, true) => c.tp += n,
                (false, true) => c.fp += n,
                (true, false) => c.fn_ += n,
                (false, false) => {}
            }
        }
        c
    }

    /// The unweighted mean of the F1 of `labels` (every listed label counts, even one that is
    /// never predicted or never gold).
    pub fn macro_f1(&self, labels: &[&str]) -> Option<f64> {
        if labels.is_empty() {
            return None;
        }
        Some(labels.iter().map(|l| self.label(l).f1()).sum::<f64>() / labels.len() as f64)
    }

    /// Off-diagonal cells, largest first (ties by gold then predicted label).
    pub fn top_confusions(&self, n: usize) -> Vec<(String, String, usize)> {
        let mut off: Vec<(String, String, usize)> =
            self.cells.iter().filter(|((g, p), _)| g != p).map(|((g, p), c)| (g.clone(), p.clone(), *c)).collect();
        off.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)).then_with(|| a.1.cmp(&b.1)));
        off.truncate(n);
        off
    }

    /// Every non-zero cell as `[gold, predicted, count]`, in label order.
    pub fn cells_json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.cells.iter().map(|((g, p), n)| serde_json::json!([g, p, n])).collect::<Vec<serde_json::Value>>(),
        )
    }
}

pub use sitrep_model::distance_km;

/// The median of some values (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]) / 2.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn shares_of_nothing_are_undefined() {
        assert_eq!(share(1, 4), Some(0.25));
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn precision_recall_f1_by_hand() {
        // predicted {1,2,3}, gold {2,3,4,5}: tp 2, fp 1, fn 2.
        let c = Counts::of_sets(&BTreeSet::from([1, 2, 3]), &BTreeSet::from([2, 3, 4, 5]));
        assert_eq!(c, Counts { tp: 2, fp: 1, fn_: 2 });
        assert!(close(c.precision(), 2.0 / 3.0));
        assert!(close(c.recall(), 0.5));
        assert!(close(c.f1(), 2.0 * (2.0 / 3.0) * 0.5 / (2.0 / 3.0 + 0.5)));
        let nothing = Counts::default();
        assert_eq!((nothing.precision(), nothing.recall(), nothing.f1()), (0.0, 0.0, 0.0));
        let mut b = Counts::default();
        for (p, g) in [(true, true), (true, false), (false, true), (false, false), (true, true)] {
            b.add(p, g);
        }
        assert_eq!(b, Counts { tp: 2, fp: 1, fn_: 1 });
        let json = b.json();
        assert_eq!(json["fn"], 1);
        assert_eq!(json["precision"], 0.6667);
    }

    #[test]
    fn accuracy_confusion_and_macro_f1_by_hand() {
        let mut m = Confusion::default();
        // gold A: predicted A, A, B; gold B: predicted B, none; gold C: predicted A.
        for (g, p) in [("A", "A"), ("A", "A"), ("A", "B"), ("B", "B"), ("B", "none"), ("C", "A")] {
            m.add(g, p);
        }
        assert_eq!(m.total(), 6);
        assert!(close(m.accuracy().unwrap(), 3.0 / 6.0));
        assert_eq!(m.label("A"), Counts { tp: 2, fp: 1, fn_: 1 });
        assert_eq!(m.label("B"), Counts { tp: 1, fp: 1, fn_: 1 });
        assert_eq!(m.label("C"), Counts { tp: 0, fp: 0, fn_: 1 });
        // F1: A 2/3, B 1/2, C 0 → macro (2/3 + 1/2 + 0) / 3.
        assert!(close(m.macro_f1(&["A", "B", "C"]).unwrap(), (2.0 / 3.0 + 0.5) / 3.0));
        // A label that is neither gold nor predicted still counts (as 0).
        assert!(close(m.macro_f1(&["A", "B", "C", "D"]).unwrap(), (2.0 / 3.0 + 0.5) / 4.0));
        assert_eq!(m.macro_f1(&[]), None);
        let top = m.top_confusions(10);
        assert_eq!(top.len(), 3);
        assert!(top.iter().all(|(_, _, n)| *n == 1));
        assert_eq!(top[0], ("A".to_string(), "B".to_string(), 1));
        assert_eq!(m.count("A", "A"), 2);
        assert_eq!(m.cells_json().as_array().unwrap().len(), 5);
        assert_eq!(Confusion::default().accuracy(), None);
    }

    #[test]
    fn distances_and_medians() {
        // Baghdad to Kirkuk is about 238 km.
        let d = distance_km(33.3406, 44.4009, 35.4681, 44.3922);
        assert!((d - 236.6).abs() < 2.0, "{d}");
        assert!(close(distance_km(35.0, 38.0, 35.0, 38.0), 0.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
