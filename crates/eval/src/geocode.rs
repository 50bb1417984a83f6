//! `geocode`: does the recogniser put UCDP's Syrian event locations where UCDP put them?
//!
//! Each UCDP GED event names its location (`where_coordinates`, e.g. "Teir Maaleh village") and
//! province (`adm_1`). The name, cleaned of UCDP's suffixes, is given to the real recogniser in
//! a short synthetic sentence; the place it picks is compared with UCDP's latitude/longitude.
//! A naive baseline (the first same-named candidate in the gazetteer's index order: by kind,
//! then population) and two ceilings (the name is in the gazetteer at all; some same-named
//! entry lies within the radius) show how much is disambiguation and how much is coverage.

use crate::metrics::{distance_km, median, share};
use crate::report::{fmt_share, round4};
use crate::{EvalError, Options, Report, Table};
use serde::Deserialize;
use sitrep_gazetteer::{EntryRef, Gazetteer};
use sitrep_model::{MentionKind, Span};
use sitrep_pipeline::Analyzer;
use sitrep_recognise::{Context, Recogniser};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub const FILES: &[&str] = &["ucdp_ged_syria/ged_syria_2016_2019.csv"];

/// A place counts as right when it lies within this distance of UCDP's coordinates.
pub const RADIUS_KM: f64 = 10.0;

/// Words UCDP appends to location names ("Daman village", "Homs Governorate"), removed
/// (case-insensitively, repeatedly) from the end of the name.
pub const SUFFIXES: &[&str] = &[
    "town",
    "village",
    "city",
    "governorate",
    "district",
    "sub-district",
    "subdistrict",
    "suburb",
    "locality",
    "area",
];

#[derive(Debug, Deserialize)]
struct Row {
    where_coordinates: String,
    adm_1: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    where_prec: Option<u8>,
}

/// UCDP's location name as a news report would print it: the first of "A/B" alternatives,
/// without parenthetical parts ("Al-Rai town (Choban Bey)") and without [`SUFFIXES`].
pub fn place_name(raw: &str) -> String {
    let first = raw.split('/').next().unwrap_or(raw);
    let mut s = String::with_capacity(first.len());
    let mut depth = 0usize;
    for c in first.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => s.push(c),
            _ => {}
        }
    }
    let mut name = s.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let found = SUFFIXES.iter().find(|suffix| {
            let cut = name.len().checked_sub(suffix.len() + 1);
            cut.is_some_and(|cut| {
                cut > 0
                    && name.is_char_boundary(cut)
                    && name[cut..].starts_with(' ')
                    && name[cut + 1..].eq_ignore_ascii_case(suffix)
            })
        });
        match found {
            Some(suffix) => {
                name.truncate(name.len() - suffix.len() - 1);
                name = name.trim_end().to_string();
            }
            None => break,
        }
    }
    name
}

/// The sentence the recogniser reads, and where the name is in it.
pub fn sentence(name: &str, adm_1: &str) -> (String, Span) {
    let lead = "Fighting was reported in ";
    let mut s = format!("{lead}{name}");
    let span = Span::new(lead.len(), s.len());
    if !adm_1.trim().is_empty() {
        s.push_str(", ");
        s.push_str(adm_1.trim());
    }
    if sitrep_text::fold(name) != "syria" {
        s.push_str(", Syria");
    }
    s.push('.');
    (s, span)
}

/// What the gazetteer and the recogniser make of one (name, province) pair.
#[derive(Debug, Clone, Default)]
struct Resolution {
    /// The recogniser's place: (lat, lon, id, name).
    system: Option<(f64, f64, String, String)>,
    /// The first candidate of the longest name match, in index order.
    naive: Option<(f64, f64)>,
    /// Every candidate place of every name match inside the location name.
    candidates: Vec<(f64, f64)>,
    /// The whole cleaned name is a gazetteer name.
    exact: bool,
}

fn resolve(gazetteer: &Gazetteer, recogniser: &Recogniser<'_>, name: &str, adm_1: &str) -> Resolution {
    let (text, span) = sentence(name, adm_1);
    let mentions = recogniser.recognise(&text, &[Span::new(0, text.len())], &Context::default());
    let system = mentions
        .iter()
        .filter(|m| span.contains(m.span))
        .filter_map(|m| match &m.kind {
            MentionKind::Place(p) => Some((m.span, p)),
            _ => None,
        })
        .fold(None::<(Span, &sitrep_model::PlaceRef)>, |best, (s, p)| match best {
            Some((b, _)) if b.len() >= s.len() => best,
            _ => Some((s, p)),
        })
        .map(|(_, p)| (p.lat, p.lon, p.id.clone(), p.name.clone()));
    let places = gazetteer.places();
    let inside: Vec<_> = gazetteer
        .find(&text)
        .into_iter()
        .filter(|nm| span.contains(nm.span) && nm.entries.iter().any(|e| matches!(e, EntryRef::Place(_))))
        .collect();
    let place_of = |e: &EntryRef| match e {
        EntryRef::Place(i) => places.get(*i as usize).map(|p| (p.lat, p.lon)),
        EntryRef::Actor(_) => None,
    };
    let longest = inside.iter().fold(None::<&sitrep_gazetteer::NameMatch>, |best, nm| match best {
        Some(b) if b.span.len() >= nm.span.len() => Some(b),
        _ => Some(nm),
    });
    let naive = longest.and_then(|nm| nm.entries.iter().find_map(place_of));
    let candidates = inside.iter().flat_map(|nm| nm.entries.iter().filter_map(place_of)).collect();
    let exact = !gazetteer.places_named(&sitrep_text::fold(name)).is_empty();
    Resolution { system, naive, candidates, exact }
}

/// Tallies for one group of events (all, or one UCDP precision code).
#[derive(Debug, Clone, Default)]
struct Tally {
    n: usize,
    in_gazetteer: usize,
    exact_name: usize,
    resolved: usize,
    within: usize,
    naive_within: usize,
    ceiling_within: usize,
    errors_km: Vec<f64>,
}

impl Tally {
    fn json(&self) -> serde_json::Value {
        let s = |k: usize| share(k, self.n).map(round4);
        serde_json::json!({
            "n": self.n,
            "name_in_gazetteer": self.in_gazetteer, "name_in_gazetteer_share": s(self.in_gazetteer),
            "exact_name_in_gazetteer": self.exact_name, "exact_name_share": s(self.exact_name),
            "resolved": self.resolved, "resolved_share": s(self.resolved),
            "within_10km": self.within, "within_10km_share": s(self.within),
            "naive_within_10km": self.naive_within, "naive_within_10km_share": s(self.naive_within),
            "ceiling_within_10km": self.ceiling_within, "ceiling_within_10km_share": s(self.ceiling_within),
            "system_of_ceiling": share(self.within, self.ceiling_within).map(round4),
            "median_error_km_when_resolved": median(&self.errors_km).map(|v| (v * 10.0).round() / 10.0),
        })
    }

    fn row(&self, label: &str) -> Vec<String> {
        let s = |k: usize| fmt_share(share(k, self.n));
        vec![
            label.to_string(),
            self.n.to_string(),
            s(self.in_gazetteer),
            s(self.exact_name),
            s(self.resolved),
            s(self.within),
            s(self.naive_within),
            s(self.ceiling_within),
            median(&self.errors_km).map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into()),
        ]
    }
}

fn precision_label(p: Option<u8>) -> String {
    match p {
        Some(1) => "prec 1 (exact place)".into(),
        Some(2) => "prec 2 (near / within 25 km)".into(),
        Some(3) => "prec 3 (second-order admin)".into(),
        Some(4) => "prec 4 (first-order admin)".into(),
        Some(5) => "prec 5 (part of country / region)".into(),
        Some(6) => "prec 6 (country)".into(),
        Some(n) => format!("prec {n}"),
        None => "prec unknown".into(),
    }
}

pub fn run(data: &Path, analyzer: &Analyzer, options: &Options) -> Result<Report, EvalError> {
    let path = data.join(FILES[0]);
    let rows: Vec<Row> = crate::read_csv(&path)?;
    let total_rows = rows.len();
    let rows: Vec<Row> =
        options.take(rows).into_iter().filter(|r| r.latitude.is_some() && r.longitude.is_some()).collect();

    let gazetteer = analyzer.gazetteer();
    let recogniser = Recogniser::new(gazetteer);
    let mut cache: HashMap<(String, String), Resolution> = HashMap::new();
    let keys: Vec<(String, String)> =
        rows.iter().map(|r| (place_name(&r.where_coordinates), r.adm_1.clone())).collect();
    let distinct: Vec<&(String, String)> = {
        let mut seen = std::collections::HashSet::new();
        keys.iter().filter(|k| seen.insert((*k).clone())).collect()
    };
    let bar = options.bar(distinct.len(), "geocode: distinct names");
    for k in distinct {
        let res = if k.0.is_empty() { Resolution::default() } else { resolve(gazetteer, &recogniser, &k.0, &k.1) };
        cache.insert(k.clone(), res);
        bar.inc(1);
    }
    bar.finish_and_clear();

    let mut all = Tally::default();
    let mut by_prec: BTreeMap<Option<u8>, Tally> = BTreeMap::new();
    let mut missing: HashMap<String, usize> = HashMap::new();
    let mut wrong: HashMap<(String, String), (usize, f64)> = HashMap::new();
    for (row, key) in rows.iter().zip(&keys) {
        let (Some(lat), Some(lon)) = (row.latitude, row.longitude) else { continue };
        let res = &cache[key];
        let near = |p: &(f64, f64)| distance_km(lat, lon, p.0, p.1) <= RADIUS_KM;
        let system_km = res.system.as_ref().map(|s| distance_km(lat, lon, s.0, s.1));
        for t in [&mut all, by_prec.entry(row.where_prec).or_default()] {
            t.n += 1;
            t.in_gazetteer += usize::from(!res.candidates.is_empty());
            t.exact_name += usize::from(res.exact);
            t.resolved += usize::from(res.system.is_some());
            t.within += usize::from(system_km.is_some_and(|d| d <= RADIUS_KM));
            t.naive_within += usize::from(res.naive.as_ref().is_some_and(near));
            t.ceiling_within += usize::from(res.candidates.iter().any(near));
            if let Some(d) = system_km {
                t.errors_km.push(d);
            }
        }
        if res.candidates.is_empty() {
            *missing.entry(key.0.clone()).or_default() += 1;
        } else if let (Some(d), Some(s), Some(1..=3)) = (system_km, &res.system, row.where_prec) {
            if d > RADIUS_KM && res.candidates.iter().any(near) {
                let e = wrong.entry((key.0.clone(), format!("{} ({})", s.3, s.2))).or_insert((0, d));
                e.0 += 1;
            }
        }
    }

    let mut report = Report::new("geocode", "UCDP GED Syria event locations resolved by the recogniser");
    report.inputs = FILES.iter().map(|s| s.to_string()).collect();
    let (example, _) = sentence("Teir Maaleh", "Homs Governorate");
    report.method = vec![
        format!(
            "name = where_coordinates cut at '/', without (parentheses) and the suffixes {:?}; \
             the recogniser reads the sentence \"Fighting was reported in <name>, <adm_1>, Syria.\" \
             (e.g. {example:?}; no publication date) and its longest place mention inside <name> is the answer",
            SUFFIXES
        ),
        format!("right = within {RADIUS_KM} km (haversine) of UCDP's latitude/longitude"),
        "naive = first candidate, in gazetteer index order (kind, then population), of the longest name match \
         inside <name>"
            .into(),
        "ceiling = some candidate of some name match inside <name> is within 10 km; in gazetteer = any place name \
         matches inside <name>; exact = the whole cleaned name is a gazetteer name"
            .into(),
        "results are cached per distinct (name, adm_1): the recogniser is deterministic".into(),
        "UCDP precision 4-6 rows carry province or country centroids: 10 km is not a fair test for them, and \
         removing \"Governorate\" (as asked) turns a province into its capital's name"
            .into(),
    ];
    if options.limit.is_some() {
        report.sample = Some(format!("first {} of {total_rows} events", rows.len()));
    }
    let mut table = Table::new(
        "events by UCDP where_prec (shares of n)",
        &["group", "n", "in gaz", "exact", "resolved", "≤10 km", "naive ≤10", "ceiling ≤10", "median km"],
    );
    table.row(all.row("all events"));
    for (p, t) in &by_prec {
        table.row(t.row(&precision_label(*p)));
    }
    report.tables.push(table);

    let mut missing: Vec<(String, usize)> = missing.into_iter().collect();
    missing.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut t = Table::new("most frequent names with no place match in the gazetteer (events)", &["name", "events"]);
    for (name, n) in missing.iter().take(10) {
        t.row(vec![name.clone(), n.to_string()]);
    }
    report.tables.push(t);

    let mut wrong: Vec<((String, String), (usize, f64))> = wrong.into_iter().collect();
    wrong.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
    let mut t = Table::new(
        "most frequent wrong picks where a candidate within 10 km existed (events, where_prec 1-3)",
        &["name", "picked", "km", "events"],
    );
    for ((name, picked), (n, d)) in wrong.iter().take(10) {
        t.row(vec![name.clone(), picked.clone(), format!("{d:.0}"), n.to_string()]);
    }
    report.tables.push(t);

    let prec1 = by_prec.get(&Some(1)).cloned().unwrap_or_default();
    report.score("within_10km", share(all.within, all.n));
    report.score("within_10km_prec1", share(prec1.within, prec1.n));
    report.numbers = serde_json::json!({
        "all": all.json(),
        "by_where_prec": by_prec.iter().map(|(p, t)| (p.map(|p| p.to_string()).unwrap_or_else(|| "unknown".into()), t.json())).collect::<serde_json::Map<String, serde_json::Value>>(),
        "distinct_name_province_pairs": cache.len(),
        "top_missing_names": missing.iter().take(10).map(|(n, c)| serde_json::json!([n, c])).collect::<Vec<_>>(),
        "top_wrong_picks": wrong.iter().take(10).map(|((n, p), (c, d))| serde_json::json!([n, p, (d * 10.0).round() / 10.0, c])).collect::<Vec<_>>(),
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ucdp_names_are_cleaned_like_news_names() {
        assert_eq!(place_name("Teir Maaleh village"), "Teir Maaleh");
        assert_eq!(place_name("Al-Rai town (Choban Bey)"), "Al-Rai");
        assert_eq!(place_name("Ghazal (Qizil Mazra'ah) village"), "Ghazal");
        assert_eq!(place_name("As Suwar town/Sur town"), "As Suwar");
        assert_eq!(place_name("Latakia Governorate"), "Latakia");
        assert_eq!(place_name("Afrin district"), "Afrin");
        assert_eq!(place_name("Damascus city"), "Damascus");
        assert_eq!(place_name("Eastern Ghouta"), "Eastern Ghouta");
        assert_eq!(place_name("Town"), "Town");
        assert_eq!(place_name("Syria"), "Syria");
    }

    #[test]
    fn the_sentence_says_where_the_name_is() {
        let (s, span) = sentence("Teir Maaleh", "Homs Governorate");
        assert_eq!(s, "Fighting was reported in Teir Maaleh, Homs Governorate, Syria.");
        assert_eq!(span.slice(&s), "Teir Maaleh");
        let (s, span) = sentence("Syria", "");
        assert_eq!(s, "Fighting was reported in Syria.");
        assert_eq!(span.slice(&s), "Syria");
    }
}
