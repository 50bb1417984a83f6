//! `case`: the sub-event type of CASE 2021 task 2 news snippets (ACLED-derived labels).
//!
//! Each snippet is one article (no title, no publication date). The prediction is the
//! sub-event type of the first event mention in text order, "none" when there is none; the
//! most common type among the snippet's mentions is reported too, as a second reading.

use crate::metrics::{share, Confusion};
use crate::report::{fmt_share, round4};
use crate::{EvalError, Options, Report, Table};
use sitrep_model::{EventMention, SubEventType};
use sitrep_pipeline::Analyzer;
use std::collections::BTreeMap;
use std::path::Path;

pub const FILES: &[&str] = &["case2021_task2/test_set_final_release_with_labels.tsv"];

/// The prediction when no event mention is found.
pub const NONE: &str = "none";

/// CASE labels and the ACLED sub-event types they stand for.
pub const LABELS: &[(&str, SubEventType)] = &[
    ("ABDUCT_DISSAP", SubEventType::Abduction),
    ("AGREEMENT", SubEventType::Agreement),
    ("AIR_STRIKE", SubEventType::AirDroneStrike),
    ("ARMED_CLASH", SubEventType::ArmedClash),
    ("ARREST", SubEventType::Arrests),
    ("ART_MISS_ATTACK", SubEventType::ShellingArtilleryMissileAttack),
    ("ATTACK", SubEventType::Attack),
    ("CHANGE_TO_GROUP_ACT", SubEventType::ChangeToGroupActivity),
    ("CHEM_WEAP", SubEventType::ChemicalWeapon),
    ("DISR_WEAP", SubEventType::DisruptedWeaponsUse),
    ("FORCE_AGAINST_PROTEST", SubEventType::ExcessiveForceAgainstProtesters),
    ("GOV_REGAINS_TERIT", SubEventType::GovernmentRegainsTerritory),
    ("GRENADE", SubEventType::Grenade),
    ("HQ_ESTABLISHED", SubEventType::HeadquartersOrBaseEstablished),
    ("MOB_VIOL", SubEventType::MobViolence),
    ("NON_STATE_ACTOR_OVERTAKES_TER", SubEventType::NonStateActorOvertakesTerritory),
    ("NON_VIOL_TERRIT_TRANSFER", SubEventType::NonViolentTransferOfTerritory),
    ("OTHER", SubEventType::Other),
    ("PEACE_PROTEST", SubEventType::PeacefulProtest),
    ("PROPERTY_DISTRUCT", SubEventType::LootingPropertyDestruction),
    ("PROTEST_WITH_INTER", SubEventType::ProtestWithIntervention),
    ("REM_EXPLOS", SubEventType::RemoteExplosive),
    ("SEX_VIOL", SubEventType::SexualViolence),
    ("SUIC_BOMB", SubEventType::SuicideBomb),
    ("VIOL_DEMONSTR", SubEventType::ViolentDemonstration),
];

/// Labels outside ACLED's taxonomy: the right answer is no (violent) event.
pub const NON_ACLED: &[&str] = &["MAN_MADE_DISASTER", "NATURAL_DISASTER", "DIPLO", "ORG_CRIME", "ATTRIB"];

/// The ACLED sub-event type of a CASE label; `None` for the non-ACLED labels.
pub fn acled(label: &str) -> Option<SubEventType> {
    LABELS.iter().find(|(l, _)| *l == label.trim()).map(|(_, s)| *s)
}

/// The sub-event type of the first mention in text order.
pub fn first_type(events: &[EventMention]) -> Option<SubEventType> {
    events.iter().min_by_key(|e| (e.trigger.start, e.trigger.end)).map(|e| e.sub_event_type)
}

/// The most common sub-event type among the mentions (ties: the one mentioned first).
pub fn most_common_type(events: &[EventMention]) -> Option<SubEventType> {
    let mut counts: BTreeMap<SubEventType, (usize, usize)> = BTreeMap::new();
    for e in events {
        let c = counts.entry(e.sub_event_type).or_insert((0, usize::MAX));
        c.0 += 1;
        c.1 = c.1.min(e.trigger.start);
    }
    counts.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1))).map(|(t, _)| t)
}

fn name(t: Option<SubEventType>) -> &'static str {
    t.map(|t| t.as_str()).unwrap_or(NONE)
}

struct Snippet {
    line: usize,
    id: String,
    text: String,
    label: String,
}

fn load(path: &Path) -> Result<Vec<Snippet>, EvalError> {
    let text = crate::read_text(path)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 3 {
            return Err(EvalError::Format {
                path: path.to_path_buf(),
                message: format!("line {}: expected id, snippet and label separated by tabs", n + 1),
            });
        }
        out.push(Snippet {
            line: n + 1,
            id: fields[0].trim().to_string(),
            text: fields[1..fields.len() - 1].join("\t"),
            label: fields[fields.len() - 1].trim().to_string(),
        });
    }
    Ok(out)
}

pub fn run(data: &Path, analyzer: &Analyzer, options: &Options) -> Result<Report, EvalError> {
    let path = data.join(FILES[0]);
    let all = load(&path)?;
    let total = all.len();
    let snippets = options.take(all);
    let bar = options.bar(snippets.len(), "case: snippets");
    let mut first = Confusion::default();
    let mut common = Confusion::default();
    let mut types = Confusion::default();
    let mut covered = 0;
    let mut acled_n = 0;
    let mut other_n: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for s in &snippets {
        let raw = crate::raw_article(&path, Some(s.line), &s.id, &s.text);
        let events = analyzer.prepare(&raw).map(|p| analyzer.analyze(&p).events).unwrap_or_default();
        match acled(&s.label) {
            Some(gold) => {
                acled_n += 1;
                let f = first_type(&events);
                covered += usize::from(f.is_some());
                first.add(gold.as_str(), name(f));
                common.add(gold.as_str(), name(most_common_type(&events)));
                types.add(gold.event_type().as_str(), f.map(|t| t.event_type().as_str()).unwrap_or(NONE));
            }
            None => {
                let e = other_n.entry(s.label.clone()).or_default();
                e.0 += 1;
                e.1 += usize::from(!events.iter().any(|m| m.sub_event_type.is_violent()));
                e.2 += usize::from(events.is_empty());
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();

    let labels: Vec<&str> = SubEventType::ALL.iter().map(|s| s.as_str()).collect();
    let mut report = Report::new("case", "CASE 2021 task 2 snippets: predicted ACLED sub-event type");
    report.inputs = FILES.iter().map(|s| s.to_string()).collect();
    report.method = vec![
        "each snippet is one article: the snippet is the text; no title, no publication date".into(),
        "prediction = sub-event type of the FIRST event mention in text order (\"none\" when no mention); the most \
         common type among the mentions is shown as a second reading"
            .into(),
        "CASE labels map one-to-one to ACLED's 25 sub-event types (OTHER -> Other); MAN_MADE_DISASTER, \
         NATURAL_DISASTER, DIPLO, ORG_CRIME and ATTRIB are outside ACLED and scored apart"
            .into(),
        "accuracy and macro-F1 over the snippets with an ACLED label; macro-F1 = mean F1 of the 25 sub-event types \
         (\"none\" predictions are misses); coverage = share of those snippets with any prediction"
            .into(),
        "CASE's test set replaced some place names with fake ones (see SOURCE.txt)".into(),
    ];
    if options.limit.is_some() {
        report.sample = Some(format!("first {} of {total} snippets", snippets.len()));
    }

    let other_total = other_n.values().fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
    let mut t = Table::new("", &["score", "value"]);
    t.row(vec!["snippets with an ACLED label".into(), acled_n.to_string()]);
    t.row(vec!["accuracy (first mention)".into(), fmt_share(first.accuracy())]);
    t.row(vec!["macro-F1, 25 types (first mention)".into(), fmt_share(first.macro_f1(&labels))]);
    t.row(vec!["accuracy (most common type)".into(), fmt_share(common.accuracy())]);
    t.row(vec!["macro-F1 (most common type)".into(), fmt_share(common.macro_f1(&labels))]);
    t.row(vec!["accuracy of the event type (6 ACLED types, first mention)".into(), fmt_share(types.accuracy())]);
    t.row(vec!["coverage (any prediction)".into(), fmt_share(share(covered, acled_n))]);
    t.row(vec!["non-ACLED snippets".into(), other_total.0.to_string()]);
    t.row(vec!["non-ACLED: share with NO violent event".into(), fmt_share(share(other_total.1, other_total.0))]);
    t.row(vec!["non-ACLED: share with no event at all".into(), fmt_share(share(other_total.2, other_total.0))]);
    report.tables.push(t);

    let mut t = Table::new(
        "per sub-event type (first mention)",
        &["gold type", "CASE label", "n", "predicted", "P", "R", "F1"],
    );
    for (case_label, sub) in LABELS {
        let c = first.label(sub.as_str());
        t.row(vec![
            sub.as_str().to_string(),
            case_label.to_string(),
            (c.tp + c.fn_).to_string(),
            (c.tp + c.fp).to_string(),
            format!("{:.2}", c.precision()),
            format!("{:.2}", c.recall()),
            format!("{:.2}", c.f1()),
        ]);
    }
    report.tables.push(t);

    let mut t = Table::new("top confusions (gold -> predicted, first mention)", &["gold", "predicted", "n"]);
    for (g, p, n) in first.top_confusions(15) {
        t.row(vec![g, p, n.to_string()]);
    }
    report.tables.push(t);

    let mut t = Table::new("non-ACLED snippets", &["CASE label", "n", "no violent event", "no event"]);
    for (label, (n, nv, ne)) in &other_n {
        t.row(vec![label.clone(), n.to_string(), fmt_share(share(*nv, *n)), fmt_share(share(*ne, *n))]);
    }
    report.tables.push(t);

    report.score("accuracy", first.accuracy());
    report.score("macro_f1", first.macro_f1(&labels));
    report.score("coverage", share(covered, acled_n));
    report.score("non_acled_no_violent_event", share(other_total.1, other_total.0));
    let per_label: serde_json::Map<String, serde_json::Value> =
        labels.iter().map(|l| (l.to_string(), first.label(l).json())).collect();
    report.numbers = serde_json::json!({
        "snippets": snippets.len(),
        "acled_snippets": acled_n,
        "accuracy": first.accuracy().map(round4),
        "macro_f1": first.macro_f1(&labels).map(round4),
        "accuracy_most_common": common.accuracy().map(round4),
        "macro_f1_most_common": common.macro_f1(&labels).map(round4),
        "event_type_accuracy": types.accuracy().map(round4),
        "coverage": share(covered, acled_n).map(round4),
        "per_label": per_label,
        "confusion_nonzero_cells": first.cells_json(),
        "non_acled": {
            "n": other_total.0,
            "no_violent_event": other_total.1,
            "no_violent_event_share": share(other_total.1, other_total.0).map(round4),
            "no_event": other_total.2,
            "by_label": other_n.iter().map(|(l, (n, nv, ne))| (l.clone(), serde_json::json!({"n": n, "no_violent_event": nv, "no_event": ne}))).collect::<serde_json::Map<_, _>>(),
        },
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_acled_sub_type_has_one_case_label() {
        assert_eq!(LABELS.len(), 25);
        for s in SubEventType::ALL {
            assert_eq!(LABELS.iter().filter(|(_, t)| t == s).count(), 1, "{s}");
        }
        assert_eq!(acled("AIR_STRIKE"), Some(SubEventType::AirDroneStrike));
        for l in NON_ACLED {
            assert_eq!(acled(l), None);
        }
    }

    fn mention(t: SubEventType, start: usize) -> EventMention {
        EventMention {
            id: String::new(),
            article: String::new(),
            sub_event_type: t,
            rule: String::new(),
            trigger: sitrep_model::Span::new(start, start + 1),
            sentence: sitrep_model::Span::new(0, 1),
            actor1: None,
            actor2: None,
            assoc_actors: vec![],
            place: None,
            time: None,
            weapon: None,
            killed: None,
            wounded: None,
            attributions: vec![],
        }
    }

    #[test]
    fn first_and_most_common_types() {
        use SubEventType::*;
        let events = [mention(Attack, 30), mention(ArmedClash, 5), mention(Attack, 50)];
        assert_eq!(first_type(&events), Some(ArmedClash));
        assert_eq!(most_common_type(&events), Some(Attack));
        // A tie goes to the type mentioned first.
        let tie = [mention(Arrests, 40), mention(Attack, 10)];
        assert_eq!(most_common_type(&tie), Some(Attack));
        assert_eq!(first_type(&[]), None);
        assert_eq!(most_common_type(&[]), None);
    }
}
