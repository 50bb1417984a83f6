//! `muc4`: do our agents and attributions name the perpetrator organisation of MUC-4's answer
//! keys, and with the stance the key gives (claimed vs suspected / accused)?
//!
//! MUC-4 is Latin American terrorism news of 1988–1990; our dictionary is built for Iraq and
//! Syria, so the ceiling (key organisations our dictionary knows at all) is reported with it.

use crate::metrics::share;
use crate::report::{fmt_share, round4};
use crate::{title_case, EvalError, Options, Report, Table};
use sitrep_gazetteer::{EntryRef, Gazetteer};
use sitrep_model::Stance;
use sitrep_pipeline::Analyzer;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Answer keys, then texts (TST3 all capitals as distributed, TST4 in its original mixed case).
pub const FILES: &[&str] = &["muc4/key-tst3.v2", "muc4/key-tst4.v2", "muc4/tst3-muc4", "muc4/tst4-muc4.mixed-case"];

/// Names with fewer letters and digits than this never match by substring.
const MIN_MATCH_CHARS: usize = 3;

/// One answer-key template's perpetrator slots.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    pub doc: String,
    /// PERP: ORGANIZATION ID: one entry per filler, each with its alternative strings.
    pub orgs: Vec<Vec<String>>,
    /// PERP: ORGANIZATION CONFIDENCE: (confidence values, alternative organisation strings).
    pub confidence: Vec<(Vec<String>, Vec<String>)>,
}

/// The "quoted" strings in a slot value.
fn quoted(value: &str) -> Vec<String> {
    value.split('"').skip(1).step_by(2).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// Parses a MUC-4 answer-key file (numbered slot lines; continuation lines hold further fillers).
pub fn parse_key(text: &str) -> Vec<Template> {
    let mut out: Vec<Template> = Vec::new();
    let mut slot: Option<u32> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let numbered = if line.starts_with(|c: char| c.is_ascii_digit()) {
            line.split_once('.').and_then(|(n, rest)| n.parse::<u32>().ok().map(|n| (n, rest)))
        } else {
            None
        };
        let value = match numbered {
            Some((n, rest)) => {
                slot = Some(n);
                let rest = rest.trim_start();
                rest.split_once("  ").map(|(_, v)| v.trim()).unwrap_or("").to_string()
            }
            _ => line.trim().to_string(),
        };
        match slot {
            Some(0) if numbered.is_some() => out.push(Template { doc: value, ..Template::default() }),
            Some(10) => {
                let q = quoted(&value);
                if let (false, Some(t)) = (q.is_empty(), out.last_mut()) {
                    t.orgs.push(q);
                }
            }
            Some(11) => {
                let (conf, orgs) = value.split_once(':').unwrap_or((value.as_str(), ""));
                let conf: Vec<String> = conf
                    .split('/')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty() && c != "-" && c != "*")
                    .collect();
                let q = quoted(orgs);
                if let (false, false, Some(t)) = (conf.is_empty(), q.is_empty(), out.last_mut()) {
                    t.confidence.push((conf, q));
                }
            }
            _ => {}
        }
    }
    out
}

/// Splits a MUC text file into (document id, body).
pub fn split_texts(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        let is_id = t.starts_with("TST") && t.contains("-MUC4-") && !t.contains(' ');
        if is_id {
            out.push((t.to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// The stance a key confidence stands for: claimed, blamed (suspected or accused), or none
/// (reported as fact, possible, acquitted). Alternatives: claimed wins, then blamed.
pub fn stance_of(confidence: &[String]) -> Option<Stance> {
    if confidence.iter().any(|c| c.starts_with("CLAIMED")) {
        Some(Stance::Claimed)
    } else if confidence.iter().any(|c| c.starts_with("SUSPECTED OR ACCUSED")) {
        Some(Stance::Blamed)
    } else {
        None
    }
}

/// Folded substring match in either direction (names of fewer than 3 letters or digits never match).
pub fn names_match(a: &str, b: &str) -> bool {
    let (a, b) = (sitrep_text::fold(a), sitrep_text::fold(b));
    let long = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_MATCH_CHARS;
    long(&a) && long(&b) && (a.contains(&b) || b.contains(&a))
}

/// The actors one of whose names covers the whole of `name` (as written, or title-cased).
fn dictionary_ids(gazetteer: &Gazetteer, name: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for n in [name.trim().to_string(), title_case(name)] {
        for m in gazetteer.find(&n) {
            if m.span.start == 0 && m.span.end >= n.len() {
                for e in &m.entries {
                    if let EntryRef::Actor(i) = e {
                        ids.extend(gazetteer.actors().get(*i as usize).map(|a| a.id.clone()));
                    }
                }
            }
        }
    }
    ids
}

/// One of our agents or attributions: actor id and the names it goes by here.
struct Named {
    id: String,
    names: Vec<String>,
}

/// Whether a key organisation (its alternative strings, with the actor ids they are in our
/// dictionary) and one of ours are the same: same actor id, or folded substring of a name.
fn same_org(alternatives: &[String], key_ids: &BTreeSet<String>, ours: &Named) -> bool {
    key_ids.contains(&ours.id) || alternatives.iter().any(|o| ours.names.iter().any(|n| names_match(o, n)))
}

/// A document with a perpetrator organisation in its key.
struct KeyDoc {
    set: &'static str,
    orgs: Vec<Vec<String>>,
    stances: Vec<(Stance, Vec<String>)>,
}

/// What we said about one document.
#[derive(Default)]
struct Ours {
    /// Agents: the actor's name and the text it was found as.
    agents: Vec<Named>,
    /// Attributions: the actor's name, and the stance.
    attributions: Vec<(Named, Stance)>,
}

pub fn run(data: &Path, analyzer: &Analyzer, options: &Options) -> Result<Report, EvalError> {
    let gazetteer = analyzer.gazetteer();
    let mut keys: BTreeMap<String, KeyDoc> = BTreeMap::new();
    let mut templates = 0;
    for (file, set) in [(FILES[0], "TST3"), (FILES[1], "TST4")] {
        for t in parse_key(&crate::read_text(&data.join(file))?) {
            templates += 1;
            let entry =
                keys.entry(t.doc.clone()).or_insert_with(|| KeyDoc { set, orgs: Vec::new(), stances: Vec::new() });
            entry.orgs.extend(t.orgs);
            for (conf, orgs) in t.confidence {
                if let Some(s) = stance_of(&conf) {
                    entry.stances.push((s, orgs));
                }
            }
        }
    }
    let mut texts: Vec<(PathBuf, String, String)> = Vec::new();
    for file in [FILES[2], FILES[3]] {
        let path = data.join(file);
        for (id, body) in split_texts(&crate::read_text(&path)?) {
            texts.push((path.clone(), id, body));
        }
    }
    let docs_total = texts.len();
    let texts = options.take(texts);

    let bar = options.bar(texts.len(), "muc4: documents");
    // Per set: docs with a key perpetrator, matched, ceiling.
    let mut per_set: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut org_total = 0;
    let mut org_known = 0;
    let mut stance_pairs = 0;
    let mut stance_compared = 0;
    let mut stance_agree = 0;
    let mut stance_docs = 0;
    let mut stance_docs_same = 0;
    let mut examples: Vec<serde_json::Value> = Vec::new();
    let mut all_agents: BTreeMap<String, usize> = BTreeMap::new();
    let mut key_ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut docs_with_events = 0;
    let mut docs_with_agent = 0;
    for (path, id, body) in &texts {
        bar.inc(1);
        let Some(key) = keys.get(id) else { continue };
        if key.orgs.is_empty() {
            continue;
        }
        let mut ours = Ours::default();
        if let Some((prepared, analysis)) = crate::analyze_text(analyzer, path, id, body) {
            docs_with_events += usize::from(!analysis.events.is_empty());
            docs_with_agent +=
                usize::from(analysis.events.iter().any(|e| e.actor1.is_some() || !e.attributions.is_empty()));
            for em in &analysis.events {
                if let Some(a) = &em.actor1 {
                    ours.agents.push(Named {
                        id: a.value.id.clone(),
                        names: vec![a.value.name.clone(), a.span.slice(&prepared.article.text).to_string()],
                    });
                    *all_agents.entry(a.value.id.clone()).or_default() += 1;
                }
                for at in &em.attributions {
                    ours.attributions
                        .push((Named { id: at.actor.id.clone(), names: vec![at.actor.name.clone()] }, at.stance));
                }
            }
        }
        let mut ids_of = |alternatives: &[String]| -> BTreeSet<String> {
            alternatives
                .iter()
                .flat_map(|o| key_ids.entry(o.clone()).or_insert_with(|| dictionary_ids(gazetteer, o)).clone())
                .collect()
        };
        let ours_all: Vec<&Named> = ours.agents.iter().chain(ours.attributions.iter().map(|(n, _)| n)).collect();
        let matched = key.orgs.iter().any(|alts| {
            let ids = ids_of(alts);
            ours_all.iter().any(|n| same_org(alts, &ids, n))
        });
        let mut known_here = false;
        let distinct: BTreeSet<&Vec<String>> = key.orgs.iter().collect();
        for alternatives in distinct {
            org_total += 1;
            if !ids_of(alternatives).is_empty() {
                org_known += 1;
                known_here = true;
            }
        }
        let s = per_set.entry(key.set).or_default();
        s.0 += 1;
        s.1 += usize::from(matched);
        s.2 += usize::from(known_here);
        if matched && examples.len() < 10 {
            let ours: Vec<&Vec<String>> = ours_all.iter().map(|n| &n.names).collect();
            examples.push(serde_json::json!({"doc": id, "key": key.orgs, "ours": ours}));
        }
        if !key.stances.is_empty() {
            stance_docs += 1;
            let wanted: BTreeSet<Stance> = key.stances.iter().map(|(s, _)| *s).collect();
            stance_docs_same += usize::from(ours.attributions.iter().any(|(_, s)| wanted.contains(s)));
        }
        for (stance, orgs) in &key.stances {
            stance_pairs += 1;
            let ids = ids_of(orgs);
            let on_org: Vec<Stance> =
                ours.attributions.iter().filter(|(n, _)| same_org(orgs, &ids, n)).map(|(_, s)| *s).collect();
            if !on_org.is_empty() {
                stance_compared += 1;
                stance_agree += usize::from(on_org.contains(stance));
            }
        }
    }
    bar.finish_and_clear();

    let total = per_set.values().fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
    let mut report = Report::new("muc4", "MUC-4 perpetrator organisations and claim / accusation stance");
    report.inputs = FILES.iter().map(|s| s.to_string()).collect();
    report.method = vec![
        "texts: the original MUC files (TST3 is all capitals as distributed; TST4 mixed case), one article per \
         document without the id line, no publication date; grit_processed_test.json is not used because its text \
         is lower-cased and our place and exact-alias matching reads case"
            .into(),
        "documents = those whose key (any template, optional ones included) fills PERP: ORGANIZATION ID; a \
         document is matched when an organisation of its key and one of our agents or attributions are the same: \
         the key string resolves whole, in our dictionary, to that actor id, or the key string and one of our names \
         (the actor's name, or the text the agent was found as) contain one another after folding (3+ letters)"
            .into(),
        "ceiling = key organisations (distinct per document; alternatives count once) that one of our actor names \
         covers whole (as written or title-cased)"
            .into(),
        "stance: CLAIMED OR ADMITTED -> claimed; SUSPECTED OR ACCUSED [BY AUTHORITIES] -> blamed; REPORTED AS FACT, \
         POSSIBLE, ACQUITTED -> no stance (not compared). Agreement = among key (stance, organisation) pairs where \
         we attribute the event to a matching actor, the share with the same stance; loose = documents whose key \
         has a stance where we state that stance about anyone"
            .into(),
        "all-capital TST3 text lets exact aliases (\"IS\", \"UN\") match ordinary words: expect spurious agents there"
            .into(),
    ];
    if options.limit.is_some() {
        report.sample = Some(format!("first {} of {docs_total} documents", texts.len()));
    }
    let mut t = Table::new(
        "documents with a key perpetrator organisation",
        &["set", "docs", "matched", "share", "ceiling docs", "ceiling share"],
    );
    for (set, (n, m, c)) in per_set.iter().chain(std::iter::once((&"all", &total))) {
        t.row(vec![
            set.to_string(),
            n.to_string(),
            m.to_string(),
            fmt_share(share(*m, *n)),
            c.to_string(),
            fmt_share(share(*c, *n)),
        ]);
    }
    report.tables.push(t);
    let mut t = Table::new("", &["score", "value"]);
    t.row(vec!["documents with a key perpetrator where we find an event".into(), docs_with_events.to_string()]);
    t.row(vec!["  ... and name an agent or attribution".into(), docs_with_agent.to_string()]);
    t.row(vec!["key organisations (distinct per document)".into(), org_total.to_string()]);
    t.row(vec![
        "  of which in our dictionary (ceiling)".into(),
        format!("{org_known} ({})", fmt_share(share(org_known, org_total))),
    ]);
    t.row(vec!["key (stance, organisation) pairs with claimed / blamed".into(), stance_pairs.to_string()]);
    t.row(vec!["  where we attribute to a matching actor".into(), stance_compared.to_string()]);
    t.row(vec!["  stance agreement among those".into(), fmt_share(share(stance_agree, stance_compared))]);
    t.row(vec!["documents whose key has a stance".into(), stance_docs.to_string()]);
    t.row(vec![
        "  where we state that stance about anyone (loose)".into(),
        fmt_share(share(stance_docs_same, stance_docs)),
    ]);
    report.tables.push(t);
    let mut agents: Vec<(String, usize)> = all_agents.into_iter().collect();
    agents.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut t =
        Table::new("our most frequent agents in these documents (actor id, mentions)", &["actor id", "mentions"]);
    for (id, n) in agents.iter().take(10) {
        t.row(vec![id.clone(), n.to_string()]);
    }
    report.tables.push(t);

    report.score("perp_matched", share(total.1, total.0));
    report.score("stance_loose", share(stance_docs_same, stance_docs));
    report.numbers = serde_json::json!({
        "documents": texts.len(),
        "templates": templates,
        "docs_with_key_perpetrator_and_our_event": docs_with_events,
        "docs_with_key_perpetrator_and_our_agent": docs_with_agent,
        "docs_with_key_perpetrator": total.0,
        "matched": total.1,
        "matched_share": share(total.1, total.0).map(round4),
        "ceiling_docs": total.2,
        "ceiling_docs_share": share(total.2, total.0).map(round4),
        "by_set": per_set.iter().map(|(s, (n, m, c))| (s.to_string(), serde_json::json!({"docs": n, "matched": m, "ceiling_docs": c}))).collect::<serde_json::Map<_, _>>(),
        "key_organisations": org_total,
        "key_organisations_in_dictionary": org_known,
        "stance_pairs": stance_pairs,
        "stance_compared": stance_compared,
        "stance_agree": stance_agree,
        "stance_agreement": share(stance_agree, stance_compared).map(round4),
        "stance_docs": stance_docs,
        "stance_docs_same_stance": stance_docs_same,
        "matched_examples": examples,
        "top_agents": agents.iter().take(10).map(|(id, n)| serde_json::json!([id, n])).collect::<Vec<_>>(),
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = r#"0.  MESSAGE: ID                    TST3-MUC4-0002
1.  MESSAGE: TEMPLATE              1
9.  PERP: INDIVIDUAL ID            "MILITARY" / "SOME MILITARY"
10. PERP: ORGANIZATION ID          "ARMED FORCES"
                                   "FMLN" / "FARABUNDO MARTI NATIONAL LIBERATION FRONT"
11. PERP: ORGANIZATION CONFIDENCE  SUSPECTED OR ACCUSED BY AUTHORITIES: "ARMED FORCES"
                                   CLAIMED OR ADMITTED: "FMLN"
12. PHYS TGT: ID                   -

0.  MESSAGE: ID                    TST3-MUC4-0003
10. PERP: ORGANIZATION ID          -
11. PERP: ORGANIZATION CONFIDENCE  -
"#;

    #[test]
    fn keys_give_organisations_and_confidences() {
        let t = parse_key(KEY);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].doc, "TST3-MUC4-0002");
        assert_eq!(
            t[0].orgs,
            vec![
                vec!["ARMED FORCES".to_string()],
                vec!["FMLN".into(), "FARABUNDO MARTI NATIONAL LIBERATION FRONT".into()]
            ]
        );
        assert_eq!(t[0].confidence.len(), 2);
        assert_eq!(stance_of(&t[0].confidence[0].0), Some(Stance::Blamed));
        assert_eq!(stance_of(&t[0].confidence[1].0), Some(Stance::Claimed));
        assert_eq!(stance_of(&["REPORTED AS FACT".to_string()]), None);
        assert!(t[1].orgs.is_empty() && t[1].confidence.is_empty());
    }

    #[test]
    fn texts_split_on_document_ids() {
        let docs = split_texts("TST4-MUC4-0001\n\n   Lima, 20 Aug 88 -- text\n\n\nTST4-MUC4-0002\n\n   more\n");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].0, "TST4-MUC4-0001");
        assert!(docs[0].1.contains("Lima"));
        assert!(docs[1].1.contains("more"));
    }

    #[test]
    fn names_match_by_folded_substring_either_way() {
        assert!(names_match("SHINING PATH", "Shining Path"));
        assert!(names_match("THE SHINING PATH GUERRILLAS", "shining path"));
        assert!(names_match("Shining Path", "MAOIST SHINING PATH"));
        assert!(!names_match("FMLN", "Islamic State"));
        assert!(!names_match("IS", "ISLAMIC STATE"));
    }
}
