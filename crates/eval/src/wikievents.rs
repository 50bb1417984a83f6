//! `wikievents`: do we find the attacks, deaths and injuries that WikiEvents annotators marked?
//!
//! WikiEvents (KAIROS ontology) marks event triggers per sentence. A document is given to the
//! pipeline as its gold sentences joined by blank lines (so our sentences never straddle
//! theirs), without a publication date; each of our event mentions is placed in the gold
//! sentence holding its trigger, each killed / wounded figure in the one holding the number.

use crate::metrics::Counts;
use crate::report::round4;
use crate::{EvalError, Options, Report, Table};
use serde::Deserialize;
use sitrep_model::Span;
use sitrep_pipeline::Analyzer;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const FILES: &[&str] = &["wikievents/dev.jsonl", "wikievents/test.jsonl"];

/// Gold event types that count as an attack.
pub const ATTACK_PREFIX: &str = "Conflict.Attack.";
pub const DIE_PREFIX: &str = "Life.Die.";
pub const INJURE_PREFIX: &str = "Life.Injure.";

#[derive(Debug, Deserialize)]
struct RawDoc {
    doc_id: String,
    sentences: Vec<(serde::de::IgnoredAny, String)>,
    #[serde(default)]
    event_mentions: Vec<RawEvent>,
}

#[derive(Debug, Deserialize)]
struct RawEvent {
    event_type: String,
    trigger: RawTrigger,
}

#[derive(Debug, Deserialize)]
struct RawTrigger {
    sent_idx: usize,
}

/// One WikiEvents document as the pipeline reads it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: String,
    /// The file it came from (with the line in `id`'s origin).
    pub path: PathBuf,
    /// Gold sentences joined by blank lines.
    pub text: String,
    /// Where each gold sentence is in `text`.
    pub sentences: Vec<Span>,
    /// (event type, gold sentence index) of every gold event mention.
    pub gold: Vec<(String, usize)>,
}

impl Doc {
    /// The gold sentence holding byte `offset` of `text` (a separator belongs to the sentence
    /// before it).
    pub fn sentence_of(&self, offset: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.start <= offset);
        i.checked_sub(1)
    }

    fn gold_sentences(&self, prefix: &str) -> BTreeSet<usize> {
        self.gold.iter().filter(|(t, _)| t.starts_with(prefix)).map(|(_, s)| *s).collect()
    }
}

/// Documents of dev.jsonl then test.jsonl, cut to the options' limit.
pub fn load_docs(data: &Path, options: &Options) -> Result<Vec<Doc>, EvalError> {
    let mut docs = Vec::new();
    for file in FILES {
        let path = data.join(file);
        for (n, line) in crate::read_text(&path)?.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let raw: RawDoc = serde_json::from_str(line).map_err(|source| EvalError::Json {
                path: PathBuf::from(format!("{}:{}", path.display(), n + 1)),
                source,
            })?;
            let mut text = String::new();
            let mut sentences = Vec::new();
            for (_, s) in &raw.sentences {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                let start = text.len();
                text.push_str(s.trim());
                sentences.push(Span::new(start, text.len()));
            }
            let gold = raw.event_mentions.iter().map(|e| (e.event_type.clone(), e.trigger.sent_idx)).collect();
            docs.push(Doc { id: raw.doc_id, path: path.clone(), text, sentences, gold });
        }
    }
    Ok(options.take(docs))
}

pub fn run(data: &Path, analyzer: &Analyzer, options: &Options) -> Result<Report, EvalError> {
    let docs = load_docs(data, options)?;
    let bar = options.bar(docs.len(), "wikievents: documents");
    let mut doc_attack = Counts::default();
    let mut doc_killed = Counts::default();
    let mut sent_attack = Counts::default();
    let mut sent_killed = Counts::default();
    let mut sent_wounded = Counts::default();
    let mut our_types: BTreeMap<String, usize> = BTreeMap::new();
    let mut gold_counts = (0usize, 0usize, 0usize);
    let mut sentences_total = 0;
    for doc in &docs {
        sentences_total += doc.sentences.len();
        let gold_attack = doc.gold_sentences(ATTACK_PREFIX);
        let gold_die = doc.gold_sentences(DIE_PREFIX);
        let gold_injure = doc.gold_sentences(INJURE_PREFIX);
        gold_counts.0 += gold_attack.len();
        gold_counts.1 += gold_die.len();
        gold_counts.2 += gold_injure.len();
        let mut violent = BTreeSet::new();
        let mut killed = BTreeSet::new();
        let mut wounded = BTreeSet::new();
        if let Some((_, analysis)) = crate::analyze_text(analyzer, &doc.path, &doc.id, &doc.text) {
            for em in &analysis.events {
                if em.sub_event_type.is_violent() {
                    violent.extend(doc.sentence_of(em.trigger.start));
                    *our_types.entry(em.sub_event_type.as_str().to_string()).or_default() += 1;
                }
                if let Some(k) = &em.killed {
                    killed.extend(doc.sentence_of(k.span.start));
                }
                if let Some(w) = &em.wounded {
                    wounded.extend(doc.sentence_of(w.span.start));
                }
            }
        }
        doc_attack.add(!violent.is_empty(), !gold_attack.is_empty());
        doc_killed.add(!killed.is_empty(), !gold_die.is_empty());
        sent_attack.merge(Counts::of_sets(&violent, &gold_attack));
        sent_killed.merge(Counts::of_sets(&killed, &gold_die));
        sent_wounded.merge(Counts::of_sets(&wounded, &gold_injure));
        bar.inc(1);
    }
    bar.finish_and_clear();

    let mut report = Report::new("wikievents", "WikiEvents attack / die / injure sentences against our event mentions");
    report.inputs = FILES.iter().map(|s| s.to_string()).collect();
    report.method = vec![
        "each document = its gold sentence strings (tokens with their original spacing) joined by blank lines; \
         no title, no publication date"
            .into(),
        format!(
            "attack: gold = sentences holding a trigger of type {ATTACK_PREFIX}* (Unspecified, DetonateExplode); \
             ours = sentences holding the trigger of one of our violent event mentions (Battles, Explosions/Remote \
             violence, Violence against civilians, Riots, Excessive force against protesters)"
        ),
        format!(
            "killed / wounded: gold = sentences holding a {DIE_PREFIX}* / {INJURE_PREFIX}* trigger; ours = sentences \
             holding the number of a killed / wounded figure of any of our event mentions; a gold sentence is found \
             when we have a figure in that same sentence"
        ),
        "document level: a document is positive when it has at least one such sentence (gold) or mention (ours)".into(),
        "precision / recall / F1 over (document, sentence) pairs; zero denominators give 0".into(),
    ];
    if options.limit.is_some() {
        report.sample = Some(format!("first {} documents (dev first)", docs.len()));
    }
    let mut t = Table::new("", &["decision", "gold", "ours", "tp", "precision", "recall", "F1"]);
    let row = |label: &str, c: &Counts| {
        vec![
            label.to_string(),
            (c.tp + c.fn_).to_string(),
            (c.tp + c.fp).to_string(),
            c.tp.to_string(),
            format!("{:.3}", c.precision()),
            format!("{:.3}", c.recall()),
            format!("{:.3}", c.f1()),
        ]
    };
    t.row(row("documents with an attack", &doc_attack));
    t.row(row("sentences with an attack", &sent_attack));
    t.row(row("documents with deaths (killed figure)", &doc_killed));
    t.row(row("sentences with a death (killed figure)", &sent_killed));
    t.row(row("sentences with an injury (wounded figure)", &sent_wounded));
    report.tables.push(t);
    let mut t = Table::new("our violent event mentions by sub-event type", &["sub-event type", "mentions"]);
    for (k, v) in &our_types {
        t.row(vec![k.clone(), v.to_string()]);
    }
    report.tables.push(t);

    report.score("attack_doc_f1", Some(doc_attack.f1()));
    report.score("attack_sentence_f1", Some(sent_attack.f1()));
    report.score("killed_sentence_f1", Some(sent_killed.f1()));
    report.score("wounded_sentence_f1", Some(sent_wounded.f1()));
    report.numbers = serde_json::json!({
        "documents": docs.len(),
        "sentences": sentences_total,
        "gold_sentences": {"attack": gold_counts.0, "die": gold_counts.1, "injure": gold_counts.2},
        "attack_documents": doc_attack.json(),
        "attack_sentences": sent_attack.json(),
        "killed_documents": doc_killed.json(),
        "killed_sentences": sent_killed.json(),
        "wounded_sentences": sent_wounded.json(),
        "our_violent_mentions_by_type": our_types,
        "positives_share_of_documents": crate::metrics::share(doc_attack.tp + doc_attack.fn_, docs.len()).map(round4),
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_gold_sentences() {
        let doc = Doc {
            id: "d".into(),
            path: PathBuf::new(),
            text: "Aa.\n\nBb bb.\n\nCc.".into(),
            sentences: vec![Span::new(0, 3), Span::new(5, 11), Span::new(13, 16)],
            gold: vec![("Conflict.Attack.Unspecified".into(), 1), ("Life.Die.Unspecified".into(), 2)],
        };
        assert_eq!(doc.sentence_of(0), Some(0));
        assert_eq!(doc.sentence_of(4), Some(0));
        assert_eq!(doc.sentence_of(7), Some(1));
        assert_eq!(doc.sentence_of(15), Some(2));
        assert_eq!(doc.gold_sentences(ATTACK_PREFIX), BTreeSet::from([1]));
        assert_eq!(doc.gold_sentences(DIE_PREFIX), BTreeSet::from([2]));
    }
}
