//! The events table and the timeline, for terminals.

use anyhow::Result;
use sitrep_model::{Event, Figures};
use std::io::Write;

/// "25–31" for a range, "25" when exact, "≥25" when open-ended, "?" when unknown.
pub fn range(f: &Figures) -> String {
    match (f.low, f.best, f.high) {
        (None, None, None) => "?".into(),
        (Some(l), _, Some(h)) if l == h => l.to_string(),
        (Some(l), Some(b), Some(h)) if b != l && b != h => format!("{l}–{h} (best {b})"),
        (Some(l), _, Some(h)) => format!("{l}–{h}"),
        (Some(l), _, None) => format!("≥{l}"),
        (None, Some(b), _) => b.to_string(),
        (None, None, Some(h)) => format!("≤{h}"),
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub fn date(e: &Event) -> String {
    match &e.date {
        None => "undated".into(),
        Some(d) if d.start == d.end => d.start.to_string(),
        Some(d) => format!("{}~{}", d.start, d.precision.as_str()),
    }
}

pub fn place(e: &Event) -> String {
    match &e.place {
        None => "?".into(),
        Some(p) => format!("{}, {}", p.name, p.country),
    }
}

pub fn actors(e: &Event) -> String {
    let a1 = e.actor1.as_ref().map(|a| a.name.as_str()).unwrap_or("unidentified");
    match &e.actor2 {
        Some(a2) => format!("{a1} → {}", a2.name),
        None => a1.to_string(),
    }
}

pub fn outlets(e: &Event) -> Vec<String> {
    let mut o: Vec<String> = e.mentions.iter().flat_map(|m| m.source.outlets.iter().cloned()).collect();
    o.sort();
    o.dedup();
    o
}

pub fn events(out: &mut dyn Write, events: &[Event]) -> Result<()> {
    writeln!(
        out,
        "{:<15} {:<14} {:<34} {:<34} {:<36} {:>9} {:>8} {:>7}",
        "ID", "DATE", "TYPE", "PLACE", "ACTORS", "KILLED", "WOUNDED", "SOURCES"
    )?;
    for e in events {
        writeln!(
            out,
            "{:<15} {:<14} {:<34} {:<34} {:<36} {:>9} {:>8} {:>7}",
            e.id,
            date(e),
            cut(e.sub_event_type.as_str(), 34),
            cut(&place(e), 34),
            cut(&actors(e), 36),
            range(&e.fatalities),
            range(&e.injured),
            format!("{}/{}", e.article_count(), outlets(e).len()),
        )?;
    }
    writeln!(out, "{} events (SOURCES = distinct articles / outlets)", events.len())?;
    Ok(())
}
