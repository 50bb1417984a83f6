//! `sitrep show` (one event with its evidence) and `sitrep analyze` (what the stages see in one article).

use crate::table;
use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use sitrep_model::{Event, Evidence, Mention, MentionKind, SourcedMention, Span};
use sitrep_pipeline::Analyzer;
use sitrep_store::Store;
use std::io::{Read as _, Write};
use std::path::Path;

fn quote(s: &str, span: Span, sentence: Span) -> String {
    // Mark the evidence words inside the sentence with »…«.
    let (Some(a), Some(b), Some(c)) = (
        s.get(..span.start.saturating_sub(sentence.start)),
        s.get(span.start.saturating_sub(sentence.start)..span.end.saturating_sub(sentence.start)),
        s.get(span.end.saturating_sub(sentence.start)..),
    ) else {
        return s.to_string();
    };
    if span.is_empty() || !sentence.contains(span) {
        return s.to_string();
    }
    format!("{a}»{b}«{c}")
}

fn who(m: &SourcedMention) -> String {
    let outlet = m.source.outlets.first().map(String::as_str).unwrap_or("(no outlet)");
    let date = m.source.published.map(|d| d.to_string()).unwrap_or_else(|| "undated".into());
    format!("{outlet}, {date}")
}

/// Prints one field's per-source values with the words they came from.
fn field(
    out: &mut dyn Write,
    e: &Event,
    label: &str,
    pick: impl Fn(&SourcedMention) -> Option<(Span, Span, String)>,
) -> Result<()> {
    for m in &e.mentions {
        let Some((span, sentence, value)) = pick(m) else {
            continue;
        };
        let evidence = if span.is_empty() {
            "(from the publication date: no date in the text)".to_string()
        } else if sentence == m.mention.sentence {
            format!("\"{}\"", quote(&m.source.sentence, span, sentence))
        } else {
            format!("(from a nearby sentence) »{}«", ev_text(m, span))
        };
        writeln!(out, "    {label:<9} {value:<28} {}  {}", who(m), evidence)?;
    }
    Ok(())
}

fn at<T>(ev: &Evidence<T>, value: String) -> (Span, Span, String) {
    (ev.span, ev.sentence, value)
}

fn ev_text(m: &SourcedMention, span: Span) -> String {
    // The source keeps only the trigger sentence's text; a span elsewhere is shown by its offsets.
    format!("bytes {}..{} of article {}", span.start, span.end, &m.source.article[..m.source.article.len().min(12)])
}

pub fn event(out: &mut dyn Write, e: &Event, store: &dyn Store) -> Result<()> {
    writeln!(out, "{}  {} ({})", e.id, e.sub_event_type, e.event_type())?;
    writeln!(
        out,
        "  date      {}{}",
        table::date(e),
        e.date.map(|d| format!("  [{}..{}, precision {}]", d.start, d.end, d.precision.as_str())).unwrap_or_default()
    )?;
    match &e.place {
        Some(p) => writeln!(
            out,
            "  place     {}, {}{}  ({:.4}, {:.4})  geo_precision {}  [{}]",
            p.name,
            p.admin1.as_deref().map(|a| format!("{a}, ")).unwrap_or_default(),
            p.country,
            p.lat,
            p.lon,
            p.geo_precision,
            p.id
        )?,
        None => writeln!(out, "  place     unknown")?,
    }
    writeln!(
        out,
        "  actor1    {}",
        e.actor1.as_ref().map(|a| format!("{} ({})", a.name, a.actor_type)).unwrap_or("unidentified".into())
    )?;
    writeln!(
        out,
        "  actor2    {}",
        e.actor2.as_ref().map(|a| format!("{} ({})", a.name, a.actor_type)).unwrap_or("-".into())
    )?;
    if !e.assoc_actors.is_empty() {
        let names: Vec<&str> = e.assoc_actors.iter().map(|a| a.name.as_str()).collect();
        writeln!(out, "  assoc     {}", names.join("; "))?;
    }
    if let Some(w) = &e.weapon {
        writeln!(out, "  weapon    {}{}", w.kind, w.count.map(|c| format!(" ×{c}")).unwrap_or_default())?;
    }
    writeln!(out, "  killed    {}", table::range(&e.fatalities))?;
    writeln!(out, "  wounded   {}", table::range(&e.injured))?;
    if !e.attributions.is_empty() {
        writeln!(out, "\n  attributions")?;
        for a in &e.attributions {
            let by =
                a.by.as_ref().filter(|b| b.id != a.actor.id).map(|b| format!(" (by {})", b.name)).unwrap_or_default();
            let src = e.mentions.iter().find(|m| m.source.article == a.article).map(who).unwrap_or_default();
            writeln!(out, "    {:<8} {}{}  — {}", a.stance.as_str(), a.actor.name, by, src)?;
        }
    }
    writeln!(out, "\n  evidence per field (each source's value and the words it rests on)")?;
    field(out, e, "type", |m| {
        Some((m.mention.trigger, m.mention.sentence, format!("{} [{}]", m.mention.sub_event_type, m.mention.rule)))
    })?;
    field(out, e, "date", |m| {
        m.mention.time.as_ref().map(|t| {
            let v = if t.value.start == t.value.end {
                t.value.start.to_string()
            } else {
                format!("{}..{}", t.value.start, t.value.end)
            };
            at(t, v)
        })
    })?;
    field(out, e, "place", |m| {
        m.mention.place.as_ref().map(|p| at(p, format!("{} ({})", p.value.name, p.value.geo_precision)))
    })?;
    field(out, e, "actor1", |m| m.mention.actor1.as_ref().map(|a| at(a, a.value.name.clone())))?;
    field(out, e, "actor2", |m| m.mention.actor2.as_ref().map(|a| at(a, a.value.name.clone())))?;
    let q = |q: &sitrep_model::Quantity| match q.high {
        Some(h) if h == q.low => q.low.to_string(),
        Some(h) => format!("{}–{h}", q.low),
        None => format!("≥{}", q.low),
    };
    field(out, e, "killed", |m| m.mention.killed.as_ref().map(|k| at(k, q(&k.value))))?;
    field(out, e, "wounded", |m| m.mention.wounded.as_ref().map(|k| at(k, q(&k.value))))?;
    writeln!(out, "\n  sources ({} articles)", e.article_count())?;
    let mut seen = Vec::new();
    for m in &e.mentions {
        if seen.contains(&m.source.article) {
            continue;
        }
        seen.push(m.source.article.clone());
        let carried: Vec<String> = match store.article(&m.source.article)? {
            Some((_, sightings, _)) => sightings.iter().filter_map(|s| s.outlet.clone()).collect(),
            None => m.source.outlets.clone(),
        };
        writeln!(
            out,
            "    {}  {}  {}",
            &m.source.article[..m.source.article.len().min(12)],
            if carried.is_empty() { "(no outlet)".to_string() } else { carried.join(", ") },
            m.source.url.as_deref().unwrap_or("")
        )?;
        if let Some(t) = &m.source.title {
            writeln!(out, "      {t}")?;
        }
    }
    Ok(())
}

/// Runs the pure stages on one input and prints the mentions and event mentions found.
pub fn analyze(
    analyzer: &Analyzer,
    out: &mut dyn Write,
    file: Option<&Path>,
    published: Option<NaiveDate>,
    pretty: bool,
) -> Result<()> {
    let tmp;
    let path = match file {
        Some(p) if p != Path::new("-") => p.to_path_buf(),
        _ => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
            tmp = tempfile::Builder::new().suffix(".txt").tempfile()?;
            std::fs::write(tmp.path(), text)?;
            tmp.path().to_path_buf()
        }
    };
    let (files, missing) = sitrep_ingest::discover(&[path]);
    if let Some(m) = missing.first() {
        anyhow::bail!("{}: {}", m.origin, m.message);
    }
    for f in &files {
        for item in sitrep_ingest::read(f) {
            let mut raw = match item {
                sitrep_ingest::Item::Article(raw) => raw,
                sitrep_ingest::Item::Skipped(s) => {
                    eprintln!("skipped {}: {}: {}", s.origin, s.code, s.message);
                    continue;
                }
            };
            if published.is_some() {
                raw.published = published;
            }
            let Some(prepared) = analyzer.prepare(&raw) else {
                eprintln!("{}: nothing but boilerplate", raw.origin);
                continue;
            };
            let analysis = analyzer.analyze(&prepared);
            let text = &prepared.article.text;
            if pretty {
                pretty_print(out, &prepared.article, &analysis.mentions)?;
                for e in &analysis.events {
                    writeln!(
                        out,
                        "EVENT {} [{}] «{}» in «{}»\n      {}",
                        e.sub_event_type,
                        e.rule,
                        e.trigger.slice(text),
                        e.sentence.slice(text),
                        serde_json::to_string(&serde_json::json!({
                            "date": e.time.as_ref().map(|t| format!("{}..{} {}", t.value.start, t.value.end, t.value.precision.as_str())),
                            "place": e.place.as_ref().map(|p| &p.value.name),
                            "actor1": e.actor1.as_ref().map(|a| &a.value.name),
                            "actor2": e.actor2.as_ref().map(|a| &a.value.name),
                            "killed": e.killed.as_ref().map(|k| (k.value.low, k.value.high)),
                            "wounded": e.wounded.as_ref().map(|k| (k.value.low, k.value.high)),
                            "attributions": e.attributions.iter().map(|a| format!("{} {}", a.stance, a.actor.name)).collect::<Vec<_>>(),
                        }))?
                    )?;
                }
                for d in analysis.diagnostics.iter().filter(|d| d.code != "boilerplate") {
                    writeln!(out, "NOTE {}: {}", d.code, d.message)?;
                }
            } else {
                for m in &analysis.mentions {
                    let mut v = serde_json::to_value(&m.kind)?;
                    if let Some(obj) = v.as_object_mut() {
                        // Field names as `sitrep analyze` documents them: the span owns start/end.
                        if let MentionKind::Time(t) = &m.kind {
                            obj.remove("start");
                            obj.remove("end");
                            obj.insert("date".into(), t.start.to_string().into());
                            obj.insert("date_end".into(), t.end.to_string().into());
                        }
                        if let MentionKind::Actor(a) = &m.kind {
                            obj.remove("id");
                            obj.insert("actor_id".into(), a.id.clone().into());
                        }
                        obj.insert("article".into(), prepared.article.id.clone().into());
                        obj.insert("text".into(), m.span.slice(text).into());
                        obj.insert("start".into(), m.span.start.into());
                        obj.insert("end".into(), m.span.end.into());
                        if !m.qualifier.is_empty() {
                            obj.insert("qualifier".into(), m.qualifier.clone().into());
                        }
                    }
                    writeln!(out, "{v}")?;
                }
                for e in &analysis.events {
                    let mut v = serde_json::to_value(e)?;
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("kind".into(), "event".into());
                    }
                    writeln!(out, "{v}")?;
                }
            }
        }
    }
    Ok(())
}

fn pretty_print(out: &mut dyn Write, article: &sitrep_model::Article, mentions: &[Mention]) -> Result<()> {
    let text = &article.text;
    writeln!(
        out,
        "== {} {}",
        article.title.as_deref().unwrap_or("(untitled)"),
        article.published.map(|d| d.to_string()).unwrap_or_default()
    )?;
    let mut pos = 0;
    let mut s = String::new();
    for m in mentions {
        if m.span.start < pos {
            continue;
        }
        s.push_str(text.get(pos..m.span.start).unwrap_or(""));
        let tag = match &m.kind {
            MentionKind::Actor(a) => format!("actor:{}", a.id),
            MentionKind::Place(p) => format!("place:{}/{}", p.name, p.geo_precision),
            MentionKind::Time(t) => format!("time:{}..{}/{}", t.start, t.end, t.precision.as_str()),
            MentionKind::UnresolvedTime { .. } => "time:unresolved".to_string(),
            MentionKind::Quantity(q) => format!("qty:{}..{}", q.low, q.high.map(|h| h.to_string()).unwrap_or_default()),
            MentionKind::Weapon(w) => format!("weapon:{}", w.kind),
        };
        s.push_str(&format!("[{}|{}]", m.span.slice(text), tag));
        pos = m.span.end;
    }
    s.push_str(text.get(pos..).unwrap_or(""));
    writeln!(out, "{s}")?;
    Ok(())
}
