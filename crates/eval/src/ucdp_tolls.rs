//! `ucdp_tolls`: the killed figure we read in UCDP's source headlines against UCDP's deaths.
//!
//! UCDP GED codes each event's deaths (low / best / high) from its sources; many events share
//! one headline (a daily round-up), so only single-source headlines that belong to exactly one
//! event are used. Even then a headline may report a larger total than the one event UCDP coded from
//! it, so "within range" is a lower bound on figure accuracy, not a precision.

use crate::metrics::share;
use crate::report::{fmt_share, round4};
use crate::{EvalError, Options, Report, Table};
use regex::Regex;
use serde::Deserialize;
use sitrep_pipeline::Analyzer;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

pub const FILES: &[&str] = &["ucdp_ged_syria/ged_syria_2016_2019.csv"];

const NUMBER: &str = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|dozens?|tens|scores|hundreds";
const DEATH_WORDS: &str =
    r"killed|dead|deaths?|died|dies|die|martyred|martyrs|lives|fatalities|bodies|corpses|executed|slain";

/// "States a number of dead": a number followed within four words by a word of death ("16
/// fighters killed", "47 were killed"), or a word of killing followed within two words by a
/// number ("kills 5", "killing at least 12", "death toll rises to 9", "the death of one").
pub fn states_dead_count(headline: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)\b(?:{NUMBER})\b(?:[^\w.;]+\w+){{0,4}}?[^\w.;]+(?:{DEATH_WORDS})\b|\b(?:kill(?:s|ed|ing)|deaths? of|death toll \w+ to)\b(?:[^\w.;]+\w+){{0,2}}?[^\w.;]+(?:{NUMBER})\b"
        ))
        .ok()
    });
    re.as_ref().is_some_and(|re| re.is_match(headline))
}

#[derive(Debug, Deserialize)]
struct Row {
    source_headline: String,
    low: Option<u32>,
    best: Option<u32>,
    high: Option<u32>,
}

/// One headline and UCDP's deaths for its event.
struct Item {
    headline: String,
    low: u32,
    best: u32,
    high: u32,
}

/// The killed figure of the first event mention (text order) that has one: (low, high).
fn our_figure(analyzer: &Analyzer, path: &Path, text: &str) -> Option<(u32, Option<u32>)> {
    let (_, analysis) = crate::analyze_text(analyzer, path, "headline", text)?;
    let mut events: Vec<_> = analysis.events.iter().filter(|e| e.killed.is_some()).collect();
    events.sort_by_key(|e| (e.trigger.start, e.trigger.end));
    events.first().and_then(|e| e.killed.as_ref()).map(|k| (k.value.low, k.value.high))
}

pub fn run(data: &Path, analyzer: &Analyzer, options: &Options) -> Result<Report, EvalError> {
    let path = data.join(FILES[0]);
    let rows: Vec<Row> = crate::read_csv(&path)?;
    let mut events_per_headline: HashMap<&str, usize> = HashMap::new();
    for r in &rows {
        *events_per_headline.entry(r.source_headline.trim()).or_default() += 1;
    }
    let distinct = events_per_headline.len();
    let items: Vec<Item> = rows
        .iter()
        .filter(|r| {
            let h = r.source_headline.trim();
            events_per_headline.get(h) == Some(&1) && !h.is_empty() && !h.contains(';')
        })
        .filter_map(|r| {
            Some(Item { headline: r.source_headline.trim().to_string(), low: r.low?, best: r.best?, high: r.high? })
        })
        .collect();
    let single = items.len();
    let items = options.take(items);

    // Two workers: the machine this runs on in CI has two cores.
    let bar = options.bar(items.len(), "ucdp_tolls: headlines");
    let figures: Vec<Option<(u32, Option<u32>)>> = sitrep_pipeline::par_map(2, items.iter().collect(), |it| {
        bar.inc(1);
        our_figure(analyzer, &path, &it.headline)
    });
    bar.finish_and_clear();

    let mut stated = 0;
    let mut stated_found = 0;
    let mut unstated = 0;
    let mut unstated_found = 0;
    let mut with_figure = 0;
    let mut within = 0;
    let mut best_equal = 0;
    let mut below = 0;
    let mut above = 0;
    let mut examples_outside = Vec::new();
    for (it, fig) in items.iter().zip(&figures) {
        let says = states_dead_count(&it.headline);
        if says {
            stated += 1;
            stated_found += usize::from(fig.is_some());
        } else {
            unstated += 1;
            unstated_found += usize::from(fig.is_some());
        }
        if let Some((low, _)) = fig {
            with_figure += 1;
            if it.low <= *low && *low <= it.high {
                within += 1;
            } else if *low < it.low {
                below += 1;
            } else {
                above += 1;
                if examples_outside.len() < 8 {
                    examples_outside.push((it.headline.clone(), *low, it.low, it.best, it.high));
                }
            }
            best_equal += usize::from(*low == it.best);
        }
    }

    let mut report = Report::new("ucdp_tolls", "Killed figures in UCDP GED source headlines against UCDP's deaths");
    report.inputs = FILES.iter().map(|s| s.to_string()).collect();
    report.method = vec![
        format!(
            "headlines = source_headline of events whose headline belongs to no other event and is one source's \
             (no ';' joining several): {single} of {} events ({distinct} distinct headlines); each is one article \
             (the headline is the text; no date)",
            rows.len()
        ),
        "our figure = the killed figure (its stated number, the low end of \"at least N\") of the first event \
         mention in text order that has one"
            .into(),
        "within = UCDP low <= our figure <= UCDP high; best equal = our figure = UCDP best (a headline may give a \
         total for more than the one event UCDP coded from it)"
            .into(),
        "states a number of dead = regex: a number (digits, one..fifty, dozens, scores, hundreds) followed within \
         four words by killed/dead/death(s)/died/martyred/martyrs/lives/fatalities/bodies/executed/slain, or \
         kills/killed/killing/death(s) of/death toll .. to followed within two words by a number"
            .into(),
        "coverage = among headlines that state a number of dead, the share where we extracted a killed figure".into(),
    ];
    if options.limit.is_some() {
        report.sample = Some(format!("first {} of {single} single-event headlines", items.len()));
    }
    let mut t = Table::new("", &["score", "n", "value"]);
    t.row(vec!["single-event headlines read".into(), items.len().to_string(), String::new()]);
    t.row(vec![
        "headlines that state a number of dead (regex)".into(),
        stated.to_string(),
        fmt_share(share(stated, items.len())),
    ]);
    t.row(vec![
        "  with a killed figure from us (coverage)".into(),
        stated_found.to_string(),
        fmt_share(share(stated_found, stated)),
    ]);
    t.row(vec!["headlines that do not (regex)".into(), unstated.to_string(), String::new()]);
    t.row(vec![
        "  with a killed figure from us anyway".into(),
        unstated_found.to_string(),
        fmt_share(share(unstated_found, unstated)),
    ]);
    t.row(vec!["headlines with a killed figure from us".into(), with_figure.to_string(), String::new()]);
    t.row(vec!["  figure within UCDP low..high".into(), within.to_string(), fmt_share(share(within, with_figure))]);
    t.row(vec![
        "  figure equal to UCDP best".into(),
        best_equal.to_string(),
        fmt_share(share(best_equal, with_figure)),
    ]);
    t.row(vec!["  figure below UCDP low".into(), below.to_string(), fmt_share(share(below, with_figure))]);
    t.row(vec!["  figure above UCDP high".into(), above.to_string(), fmt_share(share(above, with_figure))]);
    report.tables.push(t);
    let mut t = Table::new(
        "examples above UCDP high (headline totals vs one coded event)",
        &["headline", "ours", "UCDP low/best/high"],
    );
    for (h, ours, l, b, hi) in &examples_outside {
        let short: String = h.chars().take(90).collect();
        t.row(vec![short, ours.to_string(), format!("{l}/{b}/{hi}")]);
    }
    report.tables.push(t);

    report.score("within_range", share(within, with_figure));
    report.score("best_equal", share(best_equal, with_figure));
    report.score("coverage", share(stated_found, stated));
    report.numbers = serde_json::json!({
        "events": rows.len(),
        "distinct_headlines": distinct,
        "single_event_headlines": single,
        "headlines_read": items.len(),
        "stating_dead": stated,
        "stating_dead_with_figure": stated_found,
        "coverage": share(stated_found, stated).map(round4),
        "not_stating_dead": unstated,
        "not_stating_dead_with_figure": unstated_found,
        "with_figure": with_figure,
        "within_range": within,
        "within_range_share": share(within, with_figure).map(round4),
        "best_equal": best_equal,
        "best_equal_share": share(best_equal, with_figure).map(round4),
        "below_low": below,
        "above_high": above,
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dead_count_regex_reads_headlines() {
        for yes in [
            "47 were killed yesterday, including 11 members of the regime forces",
            "At least 16 fighters killed in regime-controlled battles",
            "Explosion in Harem kills 5 persons",
            "The first 24 hours of the new ceasefire witness the death of one civilian",
            "Death toll rises to 9 in Idlib",
            "About 30 people killed and injured in targeting by the Turkish warplanes",
        ] {
            assert!(states_dead_count(yes), "{yes}");
        }
        for no in [
            "Syria Daily Report 18/02/2016",
            "14 shells hit Dahya al-Assad an clashes continue around Ter Ma'la",
            "Clashes in the western countryside of Daraa and a woman killed in the outskirts of Deir Ezzor",
            "Explosion in Harem kills several persons",
        ] {
            assert!(!states_dead_count(no), "{no}");
        }
    }
}
