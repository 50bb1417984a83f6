//! `aliases`: do the OFAC SDN spellings of the Iraqi militias resolve to our actors, and do
//! armed-group names turn up where there are none?
//!
//! Caveat printed with the result: `data/actors.toml` was written with the OFAC aliases in
//! view, so the alias share checks transcription and matching, not independent coverage.

use crate::metrics::share;
use crate::report::{fmt_share, round4};
use crate::{title_case, EvalError, Options, Report, Table};
use serde::Deserialize;
use sitrep_gazetteer::{EntryRef, Gazetteer};
use sitrep_model::{ActorType, MentionKind, Span};
use sitrep_pipeline::Analyzer;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const FILES: &[&str] = &["actors_ofac_sdn/iraqi_militias_extract.json", "actors_ofac_sdn/alt.csv"];

/// OFAC SDN entity numbers and the actor ids they are in our dictionary.
pub const ENTITIES: &[(u32, &str)] = &[
    (11462, "kataib-hezbollah"),
    (26446, "nujaba"),
    (28283, "asaib-ahl-al-haq"),
    (46348, "kataib-sayyid-al-shuhada"),
    (54314, "kataib-imam-ali"),
    (49580, "harakat-ansar-allah-al-awfiya"),
];

/// Ordinary prose with no actors in it (the gazetteer's own test file; not shared data).
const PROSE: &str = include_str!("../../gazetteer/tests/data/ordinary_prose.txt");

/// How many possible false matches are listed for a person to check.
const LISTED: usize = 20;

#[derive(Debug, Deserialize)]
struct Extract {
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
struct Group {
    ent_num: u32,
    sdn_name: Option<String>,
    label: String,
    #[serde(default)]
    aliases: Vec<AliasEntry>,
    remarks_2021: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AliasEntry {
    name: String,
}

/// One OFAC spelling to test.
#[derive(Debug, Clone)]
struct Alias {
    ent_num: u32,
    /// `sdn name`, `alias` (extract or alt.csv) or `remarks a.k.a.`.
    source: &'static str,
    written: String,
}

/// The `a.k.a. '...'` names in an SDN remarks field.
pub fn remarks_akas(remarks: &str) -> Vec<String> {
    remarks
        .split("; ")
        .filter_map(|part| {
            let p = part.trim().trim_end_matches('.');
            let inner = p.strip_prefix("a.k.a. '")?.strip_suffix('\'')?;
            (!inner.trim().is_empty()).then(|| inner.trim().to_string())
        })
        .collect()
}

/// Armed groups: named (not generic) actors that are militias or rebel groups.
pub fn is_armed_group(actor_type: ActorType, generic: bool) -> bool {
    !generic && matches!(actor_type, ActorType::PoliticalMilitia | ActorType::RebelGroup | ActorType::IdentityMilitia)
}

/// Every actor id the gazetteer's names resolve to inside `span` of `text`.
fn actor_ids_in(gazetteer: &Gazetteer, text: &str, span: Span) -> BTreeSet<String> {
    gazetteer
        .find(text)
        .into_iter()
        .filter(|nm| nm.span.overlaps(span))
        .flat_map(|nm| nm.entries)
        .filter_map(|e| match e {
            EntryRef::Actor(i) => gazetteer.actors().get(i as usize).map(|a| a.id.clone()),
            EntryRef::Place(_) => None,
        })
        .collect()
}

/// Up to `width` bytes of context each side of `span`, on one line.
pub(crate) fn context(text: &str, span: Span, width: usize) -> String {
    let mut s = span.start.saturating_sub(width);
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (span.end + width).min(text.len());
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    let (before, name, after) = (
        text.get(s..span.start).unwrap_or(""),
        text.get(span.start..span.end).unwrap_or(""),
        text.get(span.end..e).unwrap_or(""),
    );
    let one_line = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("…{} [{}] {}…", one_line(before), one_line(name), one_line(after))
}

/// One armed-group actor mention found by the full pipeline.
#[derive(Debug, Clone)]
struct Hit {
    source: String,
    id: String,
    context: String,
}

fn armed_hits(analyzer: &Analyzer, path: &Path, doc: &str, text: &str) -> (usize, Vec<Hit>) {
    let Some((prepared, analysis)) = crate::analyze_text(analyzer, path, doc, text) else {
        return (0, Vec::new());
    };
    let mut any = 0;
    let mut hits = Vec::new();
    for m in &analysis.mentions {
        if let MentionKind::Actor(a) = &m.kind {
            any += 1;
            if is_armed_group(a.actor_type, a.generic) {
                hits.push(Hit {
                    source: doc.to_string(),
                    id: a.id.clone(),
                    context: context(&prepared.article.text, m.span, 50),
                });
            }
        }
    }
    (any, hits)
}

pub fn run(data: &Path, analyzer: &Analyzer, options: &Options) -> Result<Report, EvalError> {
    let gazetteer = analyzer.gazetteer();
    let extract_path = data.join(FILES[0]);
    let extract: Extract = serde_json::from_str(&crate::read_text(&extract_path)?)
        .map_err(|source| EvalError::Json { path: extract_path.clone(), source })?;

    let mut aliases: Vec<Alias> = Vec::new();
    let mut push = |ent_num: u32, source: &'static str, written: &str| {
        let written = written.trim().to_string();
        if !written.is_empty() && !aliases.iter().any(|a| a.ent_num == ent_num && a.written == written) {
            aliases.push(Alias { ent_num, source, written });
        }
    };
    let mut labels = BTreeMap::new();
    for g in &extract.groups {
        // "(KATA'IB AL-IMAM ALI; primary name not in 2021 sdn.csv)" -> "KATA'IB AL-IMAM ALI".
        let label = g.label.trim_start_matches('(').split(';').next().unwrap_or("").trim_end_matches(')').to_string();
        labels.insert(g.ent_num, g.sdn_name.clone().unwrap_or(label));
        if let Some(n) = &g.sdn_name {
            push(g.ent_num, "sdn name", n);
        }
        for a in &g.aliases {
            push(g.ent_num, "alias", &a.name);
        }
        for a in remarks_akas(g.remarks_2021.as_deref().unwrap_or("")) {
            push(g.ent_num, "remarks a.k.a.", &a);
        }
    }
    let alt_path = data.join(FILES[1]);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&alt_path)
        .map_err(|source| EvalError::Csv { path: alt_path.clone(), source })?;
    for record in reader.records() {
        let record = record.map_err(|source| EvalError::Csv { path: alt_path.clone(), source })?;
        let Some(ent) = record.get(0).and_then(|s| s.trim().parse::<u32>().ok()) else { continue };
        if ENTITIES.iter().any(|(e, _)| *e == ent) {
            push(ent, "alias", record.get(3).unwrap_or(""));
        }
    }
    let aliases: Vec<Alias> = aliases.into_iter().filter(|a| ENTITIES.iter().any(|(e, _)| *e == a.ent_num)).collect();

    // --- alias resolution ------------------------------------------------------------------
    let lead = "A statement by ";
    let mut per_group: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    let mut per_source: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures =
        Table::new("alias spellings that did not resolve to the expected actor", &["as given", "expected", "found"]);
    let mut failures_json = Vec::new();
    let mut resolved_total = 0;
    for a in &aliases {
        let expected = ENTITIES.iter().find(|(e, _)| *e == a.ent_num).map(|(_, id)| *id).unwrap_or("");
        let given = title_case(&a.written);
        let text = format!("{lead}{given} said");
        let span = Span::new(lead.len(), lead.len() + given.len());
        let ids = actor_ids_in(gazetteer, &text, span);
        let ok = ids.contains(expected);
        resolved_total += usize::from(ok);
        let g = per_group.entry(a.ent_num).or_default();
        g.0 += 1;
        g.1 += usize::from(ok);
        let s = per_source.entry(a.source).or_default();
        s.0 += 1;
        s.1 += usize::from(ok);
        if !ok {
            let found =
                if ids.is_empty() { "nothing".to_string() } else { ids.iter().cloned().collect::<Vec<_>>().join(", ") };
            failures.row(vec![given.clone(), expected.to_string(), found.clone()]);
            failures_json.push(serde_json::json!({"given": given, "ofac": a.written, "source": a.source, "expected": expected, "found": found}));
        }
    }

    // --- false matches -----------------------------------------------------------------------
    let prose: String = PROSE.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect::<String>();
    let prose_path = Path::new("crates/gazetteer/tests/data/ordinary_prose.txt");
    let (prose_actors, prose_hits) = armed_hits(analyzer, prose_path, "ordinary_prose.txt", &prose);

    let wiki_available = crate::wikievents::FILES.iter().all(|f| data.join(f).is_file());
    let mut wiki_docs = 0;
    let mut wiki_actors = 0;
    let mut wiki_hits: Vec<Hit> = Vec::new();
    if wiki_available {
        let docs = crate::wikievents::load_docs(data, options)?;
        let bar = options.bar(docs.len(), "aliases: WikiEvents documents");
        for d in &docs {
            let (any, hits) = armed_hits(analyzer, &d.path, &d.id, &d.text);
            wiki_docs += 1;
            wiki_actors += any;
            wiki_hits.extend(hits);
            bar.inc(1);
        }
        bar.finish_and_clear();
    }
    let mut wiki_by_id: BTreeMap<String, usize> = BTreeMap::new();
    for h in &wiki_hits {
        *wiki_by_id.entry(h.id.clone()).or_default() += 1;
    }

    let mut report =
        Report::new("aliases", "OFAC SDN alias spellings of Iraqi militias; armed-group names where there are none");
    report.inputs = FILES.iter().map(|s| s.to_string()).collect();
    report.inputs.push("crates/gazetteer/tests/data/ordinary_prose.txt (ours)".into());
    if wiki_available {
        report.inputs.extend(crate::wikievents::FILES.iter().map(|s| s.to_string()));
    }
    report.method = vec![
        format!(
            "aliases = the SDN name, every alias in the extract and in alt.csv, and the remarks' a.k.a. names of SDN \
             entities {:?}; each is title-cased as news prints it (\"KATA'IB HIZBALLAH\" -> \"Kata'ib Hizballah\"; \
             a lone all-capital token of up to 4 letters stays) and given as \"{lead}<alias> said\"",
            ENTITIES.iter().map(|(e, _)| *e).collect::<Vec<_>>()
        ),
        "resolved = Gazetteer::find returns a name overlapping the alias whose entries include the expected actor id \
         (ent_num -> id: 11462 kataib-hezbollah, 26446 nujaba, 28283 asaib-ahl-al-haq, 46348 kataib-sayyid-al-shuhada, \
         54314 kataib-imam-ali, 49580 harakat-ansar-allah-al-awfiya)"
            .into(),
        "CAVEAT: data/actors.toml lists OFAC's spellings on purpose, so this checks transcription and matching, \
         not coverage of unseen spellings"
            .into(),
        "false matches = actor mentions from the full pipeline (clean, recognise) whose actor is an armed group \
         (not generic; Political militia, Rebel group or Identity militia) in prose that names none (every one is \
         false) and in WikiEvents documents (gold sentences joined by blank lines; real attack news, so a match \
         there may be right: listed for a person to check)"
            .into(),
    ];
    if options.limit.is_some() && wiki_available {
        report.sample = Some(format!("first {wiki_docs} WikiEvents documents for false matches; all aliases"));
    }

    let mut t = Table::new(
        "alias spellings resolved to the expected actor",
        &["SDN entity", "actor id", "aliases", "resolved", "share"],
    );
    for (ent, (n, ok)) in &per_group {
        let id = ENTITIES.iter().find(|(e, _)| e == ent).map(|(_, id)| *id).unwrap_or("");
        t.row(vec![
            format!("{ent} {}", labels.get(ent).cloned().unwrap_or_default()),
            id.to_string(),
            n.to_string(),
            ok.to_string(),
            fmt_share(share(*ok, *n)),
        ]);
    }
    for (source, (n, ok)) in &per_source {
        t.row(vec![
            format!("(by source) {source}"),
            String::new(),
            n.to_string(),
            ok.to_string(),
            fmt_share(share(*ok, *n)),
        ]);
    }
    t.row(vec![
        "all".into(),
        String::new(),
        aliases.len().to_string(),
        resolved_total.to_string(),
        fmt_share(share(resolved_total, aliases.len())),
    ]);
    report.tables.push(t);
    if !failures.rows.is_empty() {
        report.tables.push(failures);
    }

    let mut t = Table::new(
        "armed-group actor matches (false matches in prose; to check in WikiEvents)",
        &["text", "documents", "any actor", "armed group"],
    );
    t.row(vec![
        "ordinary prose (no actors)".into(),
        "1".into(),
        prose_actors.to_string(),
        prose_hits.len().to_string(),
    ]);
    if wiki_available {
        t.row(vec![
            "WikiEvents dev+test".into(),
            wiki_docs.to_string(),
            wiki_actors.to_string(),
            wiki_hits.len().to_string(),
        ]);
    }
    report.tables.push(t);
    if !wiki_by_id.is_empty() {
        let mut t = Table::new("WikiEvents armed-group matches by actor", &["actor id", "matches"]);
        for (id, n) in &wiki_by_id {
            t.row(vec![id.clone(), n.to_string()]);
        }
        report.tables.push(t);
    }
    let listed: Vec<&Hit> = prose_hits.iter().chain(&wiki_hits).take(LISTED).collect();
    let mut t = Table::new(
        &format!("first {} armed-group matches for a person to check (prose first: all false)", listed.len()),
        &["document", "actor id", "context"],
    );
    for h in &listed {
        t.row(vec![h.source.clone(), h.id.clone(), h.context.clone()]);
    }
    if listed.is_empty() {
        t.row(vec!["(none)".into(), String::new(), String::new()]);
    }
    report.tables.push(t);

    report.score("alias_resolved", share(resolved_total, aliases.len()));
    report.numbers = serde_json::json!({
        "aliases": aliases.len(),
        "resolved": resolved_total,
        "resolved_share": share(resolved_total, aliases.len()).map(round4),
        "by_entity": per_group.iter().map(|(e, (n, ok))| (e.to_string(), serde_json::json!({"n": n, "resolved": ok}))).collect::<serde_json::Map<_, _>>(),
        "by_source": per_source.iter().map(|(s, (n, ok))| (s.to_string(), serde_json::json!({"n": n, "resolved": ok}))).collect::<serde_json::Map<_, _>>(),
        "unresolved": failures_json,
        "prose": {"actor_mentions": prose_actors, "armed_group_mentions": prose_hits.len()},
        "wikievents": if wiki_available {
            serde_json::json!({"documents": wiki_docs, "actor_mentions": wiki_actors, "armed_group_mentions": wiki_hits.len(), "by_actor": wiki_by_id})
        } else {
            serde_json::Value::Null
        },
        "listed_for_review": listed.iter().map(|h| serde_json::json!({"document": h.source, "actor": h.id, "context": h.context})).collect::<Vec<_>>(),
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remarks_give_their_aka_names() {
        let r = "www.aleseb.com; a.k.a. 'KATA'IB HIZBALLAH FI AL-IRAQ'; a.k.a. 'ISLAMIC RESISTANCE IN IRAQ'; a.k.a. 'KATIBUT KARBALAH'.";
        assert_eq!(
            remarks_akas(r),
            vec!["KATA'IB HIZBALLAH FI AL-IRAQ", "ISLAMIC RESISTANCE IN IRAQ", "KATIBUT KARBALAH"]
        );
        assert!(remarks_akas("-0- ").is_empty());
    }

    #[test]
    fn context_marks_the_match() {
        let t = "one two three four";
        assert_eq!(context(t, Span::new(4, 7), 4), "…one [two] thr…");
    }

    #[test]
    fn armed_groups_are_named_militias_and_rebels() {
        assert!(is_armed_group(ActorType::PoliticalMilitia, false));
        assert!(is_armed_group(ActorType::RebelGroup, false));
        assert!(!is_armed_group(ActorType::PoliticalMilitia, true));
        assert!(!is_armed_group(ActorType::StateForces, false));
    }
}
