//! Comparing headline scores with a committed baseline (`sitrep eval --check BASELINE.json`).
//!
//! The rule: every headline score of every evaluation in the baseline that was run again must
//! not fall by more than [`TOLERANCE`] (absolute; scores are shares in 0..1). A score that is
//! missing now counts as a drop. Rises never fail. Evaluations that were not run (`--only`, or
//! their data was missing) are not compared.

use crate::Report;
use std::collections::BTreeMap;

/// The largest allowed drop of a headline score, absolute.
pub const TOLERANCE: f64 = 0.05;

/// A headline score that fell by more than the tolerance.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    pub evaluation: String,
    pub score: String,
    pub baseline: f64,
    /// `None` when the score is no longer reported.
    pub current: Option<f64>,
}

impl std::fmt::Display for Regression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.current {
            Some(c) => write!(
                f,
                "{} {}: {:.4} -> {:.4} ({:+.4})",
                self.evaluation,
                self.score,
                self.baseline,
                c,
                c - self.baseline
            ),
            None => write!(f, "{} {}: {:.4} -> missing", self.evaluation, self.score, self.baseline),
        }
    }
}

/// Headline scores per evaluation from a baseline: JSON objects as `--format json` writes them
/// (one per line; any whitespace between objects is accepted). Objects without headline scores
/// (skipped evaluations) are ignored.
pub fn parse_baseline(text: &str) -> Result<BTreeMap<String, BTreeMap<String, f64>>, String> {
    let mut out = BTreeMap::new();
    for (i, value) in serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>().enumerate() {
        let value = value.map_err(|e| format!("object {}: {e}", i + 1))?;
        let name = value
            .get("evaluation")
            .and_then(|v| v.as_str())
            .ok_or_else(|| format!("object {} has no \"evaluation\" name", i + 1))?;
        let Some(headline) = value.get("headline").and_then(|h| h.as_object()) else {
            continue;
        };
        let mut scores = BTreeMap::new();
        for (k, v) in headline {
            let v = v.as_f64().ok_or_else(|| format!("{name}: headline score {k} is not a number"))?;
            scores.insert(k.clone(), v);
        }
        out.insert(name.to_string(), scores);
    }
    if out.is_empty() {
        return Err("no evaluation with headline scores in it".into());
    }
    Ok(out)
}

/// The headline scores of `reports` that fell by more than [`TOLERANCE`] against `baseline`.
pub fn check(baseline: &str, reports: &[Report]) -> Result<Vec<Regression>, String> {
    let base = parse_baseline(baseline)?;
    let mut out = Vec::new();
    for report in reports {
        let Some(scores) = base.get(&report.evaluation) else {
            continue;
        };
        for (score, &was) in scores {
            let now = report.headline.get(score).copied();
            // A hair of slack so that rounding to four decimals never decides.
            let dropped = match now {
                Some(n) => was - n > TOLERANCE + 1e-9,
                None => true,
            };
            if dropped {
                out.push(Regression {
                    evaluation: report.evaluation.clone(),
                    score: score.clone(),
                    baseline: was,
                    current: now,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(name: &str, scores: &[(&str, f64)]) -> Report {
        let mut r = Report::new(name, "t");
        for (k, v) in scores {
            r.score(k, Some(*v));
        }
        r
    }

    #[test]
    fn drops_beyond_the_tolerance_fail_and_others_pass() {
        let baseline = r#"{"evaluation":"a","headline":{"x":0.50,"y":0.80}}
{"evaluation":"b","headline":{"z":0.10}}
{"evaluation":"c","skipped":"not found"}"#;
        // x falls by exactly 0.05 (allowed), y rises, b is not run.
        let now = [report("a", &[("x", 0.45), ("y", 0.9)])];
        assert_eq!(check(baseline, &now).unwrap(), vec![]);
        // x falls by 0.06: a regression; z is missing from b's report: a regression.
        let now = [report("a", &[("x", 0.44), ("y", 0.8)]), report("b", &[])];
        let r = check(baseline, &now).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].score.as_str(), r[0].current), ("x", Some(0.44)));
        assert_eq!((r[1].score.as_str(), r[1].current), ("z", None));
        assert!(r[0].to_string().contains("0.5000 -> 0.4400"));
    }

    #[test]
    fn bad_baselines_are_errors() {
        assert!(check("", &[]).is_err());
        assert!(check("{not json", &[]).is_err());
        assert!(check(r#"{"headline":{"x":1}}"#, &[]).is_err());
        assert!(check(r#"{"evaluation":"a","headline":{"x":"high"}}"#, &[]).is_err());
    }
}
