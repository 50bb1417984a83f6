//! Runs every evaluation on a small slice of `../shared/data` and checks the shape of the result.
//! Skips (and passes) with a clear message when the data folder is absent.

use sitrep_eval::{check, Options, Outcome, EVALUATIONS};
use sitrep_pipeline::Analyzer;
use std::path::PathBuf;

fn data() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: {} not found (the evaluation data is not ours and not in the repository)", path.display());
        None
    }
}

#[test]
fn every_evaluation_runs_on_a_slice_and_reports_scores() {
    let Some(data) = data() else { return };
    let analyzer = Analyzer::builtin().expect("built-in analyzer");
    let options = Options { limit: Some(12), progress: false };
    let mut reports = Vec::new();
    for name in EVALUATIONS {
        let outcome = sitrep_eval::run(name, &data, &analyzer, &options).expect("evaluation runs");
        let report = match outcome {
            Outcome::Done(r) => r,
            Outcome::Skipped { missing, .. } => {
                eprintln!("skipped: {name}: {} not found", missing.display());
                continue;
            }
        };
        assert_eq!(report.evaluation, *name);
        assert!(!report.title.is_empty() && !report.method.is_empty(), "{name}: says how it matched");
        assert!(!report.inputs.is_empty(), "{name}: names its data");
        assert!(report.sample.is_some(), "{name}: says it used a slice");
        assert!(!report.headline.is_empty(), "{name}: has headline scores");
        for (k, v) in &report.headline {
            assert!((0.0..=1.0).contains(v), "{name}: headline {k} = {v} is not a share");
        }
        assert!(report.numbers.is_object(), "{name}: numbers are a JSON object");
        assert!(!report.tables.is_empty(), "{name}: has tables");

        // One JSON object per evaluation, on one line, with the headline scores in it.
        let line = serde_json::to_string(&report).unwrap();
        assert!(!line.contains('\n'));
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["evaluation"], *name);
        assert!(back["headline"].is_object());

        let mut text = Vec::new();
        report.render(&mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.starts_with(&format!("== {name}: ")));
        assert!(text.contains("headline: "));
        reports.push(*report);
    }

    // A run checked against its own output passes; against a baseline 0.1 higher it fails.
    let baseline: String = reports.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
    assert_eq!(check(&baseline, &reports).unwrap(), vec![]);
    let mut raised = reports.clone();
    for r in &mut raised {
        for v in r.headline.values_mut() {
            *v += 0.1;
        }
    }
    let higher: String = raised.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
    let regressions = check(&higher, &reports).unwrap();
    let scores: usize = reports.iter().map(|r| r.headline.len()).sum();
    assert_eq!(regressions.len(), scores);
}

#[test]
fn the_command_writes_one_json_object_per_evaluation() {
    let Some(data) = data() else { return };
    let args = sitrep_eval::Args { data, only: vec!["aliases".into(), "case".into()], json: true, check: None };
    let mut out = Vec::new();
    let verdict = sitrep_eval::command(&args, &mut out).expect("eval command");
    assert_eq!(verdict, sitrep_eval::Verdict::Passed);
    let text = String::from_utf8(out).unwrap();
    let objects: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0]["evaluation"], "aliases");
    assert_eq!(objects[1]["evaluation"], "case");
}
