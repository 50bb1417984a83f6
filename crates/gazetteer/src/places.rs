//! Place records and the TSV files they come from: countries, provinces, GeoNames places and
//! curated sites (bases, airports, embassies, zones, districts, border crossings, fields).

use crate::GazetteerError;

/// A place the gazetteer knows, with everything needed to locate an event there.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceEntry {
    /// `gn:<geonameid>`, `cur:<slug>`, `cc:<ISO2>` or `adm1:<ISO2>:<slug>`.
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Province name, when known (for a province: its own name).
    pub admin1: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// 0 when unknown (curated sites).
    pub population: u64,
    /// `city`, `admin1`, `country`, or a curated kind: `base`, `airport`, `embassy`, `zone`,
    /// `district`, `crossing`, `field`, `site`.
    pub kind: String,
    /// For curated sites: the name of the place they belong to or lie next to ("Baghdad").
    pub parent: Option<String>,
}

/// Kinds a curated row may have.
pub const CURATED_KINDS: &[&str] = &["base", "airport", "embassy", "zone", "district", "crossing", "field", "site"];

/// A parsed place with the names it is matched by and, for curated rows, its example sentence.
#[derive(Debug, Clone)]
pub(crate) struct PlaceRecord {
    pub entry: PlaceEntry,
    /// Every name to index, the display name first.
    pub names: Vec<String>,
    pub example: Option<String>,
}

/// Data lines of a TSV file with their 1-based line numbers (comments and blank lines skipped).
fn data_lines(content: &str) -> impl Iterator<Item = (usize, &str)> {
    content
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

fn fields<'a>(source: &str, line_no: usize, line: &'a str, want: usize) -> Result<Vec<&'a str>, GazetteerError> {
    let f: Vec<&str> = line.split('\t').map(str::trim).collect();
    if f.len() != want {
        return Err(GazetteerError::line(
            source,
            line_no,
            format!("expected {want} tab-separated columns, found {}", f.len()),
        ));
    }
    Ok(f)
}

fn coord(source: &str, line_no: usize, s: &str, what: &str, limit: f64) -> Result<f64, GazetteerError> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Ok(v),
        _ => Err(GazetteerError::line(source, line_no, format!("{what} {s:?} is not a number within ±{limit}"))),
    }
}

fn population(source: &str, line_no: usize, s: &str) -> Result<u64, GazetteerError> {
    if s.is_empty() {
        return Ok(0);
    }
    s.parse::<u64>()
        .map_err(|_| GazetteerError::line(source, line_no, format!("population {s:?} is not a whole number")))
}

fn country_code(source: &str, line_no: usize, s: &str) -> Result<String, GazetteerError> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(s.to_string())
    } else {
        Err(GazetteerError::line(source, line_no, format!("country {s:?} is not an ISO 3166-1 alpha-2 code")))
    }
}

fn split_names(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split('|').map(str::trim).filter(|a| !a.is_empty()).map(str::to_string)
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// `countries.tsv`: iso2, name, aliases, lat, lon, population, capital.
pub(crate) fn parse_countries(source: &str, content: &str) -> Result<Vec<PlaceRecord>, GazetteerError> {
    let mut out = Vec::new();
    for (n, line) in data_lines(content) {
        let f = fields(source, n, line, 7)?;
        let iso = country_code(source, n, f[0])?;
        let mut names = vec![f[1].to_string()];
        names.extend(split_names(f[2]));
        out.push(PlaceRecord {
            entry: PlaceEntry {
                id: format!("cc:{iso}"),
                name: f[1].to_string(),
                country: iso,
                admin1: None,
                lat: coord(source, n, f[3], "latitude", 90.0)?,
                lon: coord(source, n, f[4], "longitude", 180.0)?,
                population: population(source, n, f[5])?,
                kind: "country".to_string(),
                parent: None,
            },
            names,
            example: None,
        });
    }
    Ok(out)
}

/// `admin1.tsv`: id, name, country, lat, lon, population, aliases.
pub(crate) fn parse_admin1(source: &str, content: &str) -> Result<Vec<PlaceRecord>, GazetteerError> {
    let mut out = Vec::new();
    for (n, line) in data_lines(content) {
        let f = fields(source, n, line, 7)?;
        let country = country_code(source, n, f[2])?;
        if !f[0].starts_with("adm1:") {
            return Err(GazetteerError::line(source, n, format!("id {:?} does not start with adm1:", f[0])));
        }
        let mut names = vec![f[1].to_string()];
        names.extend(split_names(f[6]));
        out.push(PlaceRecord {
            entry: PlaceEntry {
                id: f[0].to_string(),
                name: f[1].to_string(),
                country,
                admin1: Some(f[1].to_string()),
                lat: coord(source, n, f[3], "latitude", 90.0)?,
                lon: coord(source, n, f[4], "longitude", 180.0)?,
                population: population(source, n, f[5])?,
                kind: "admin1".to_string(),
                parent: None,
            },
            names,
            example: None,
        });
    }
    Ok(out)
}

/// `geonames.tsv`: geonameid, name, country, admin1, lat, lon, population, alternates.
pub(crate) fn parse_geonames(source: &str, content: &str) -> Result<Vec<PlaceRecord>, GazetteerError> {
    let mut out = Vec::new();
    for (n, line) in data_lines(content) {
        let f = fields(source, n, line, 8)?;
        if f[0].is_empty() || !f[0].bytes().all(|b| b.is_ascii_digit()) {
            return Err(GazetteerError::line(source, n, format!("geonameid {:?} is not a number", f[0])));
        }
        let mut names = vec![f[1].to_string()];
        names.extend(split_names(f[7]));
        out.push(PlaceRecord {
            entry: PlaceEntry {
                id: format!("gn:{}", f[0]),
                name: f[1].to_string(),
                country: country_code(source, n, f[2])?,
                admin1: non_empty(f[3]),
                lat: coord(source, n, f[4], "latitude", 90.0)?,
                lon: coord(source, n, f[5], "longitude", 180.0)?,
                population: population(source, n, f[6])?,
                kind: "city".to_string(),
                parent: None,
            },
            names,
            example: None,
        });
    }
    Ok(out)
}

/// `curated.tsv`: id, name, aliases, kind, country, admin1, lat, lon, parent, example.
pub(crate) fn parse_curated(source: &str, content: &str) -> Result<Vec<PlaceRecord>, GazetteerError> {
    let mut out = Vec::new();
    for (n, line) in data_lines(content) {
        let f = fields(source, n, line, 10)?;
        let slug = f[0];
        if slug.is_empty() || !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(GazetteerError::line(source, n, format!("id {slug:?} must be a slug of a-z, 0-9 and '-'")));
        }
        if f[1].is_empty() {
            return Err(GazetteerError::line(source, n, "name is empty"));
        }
        if !CURATED_KINDS.contains(&f[3]) {
            return Err(GazetteerError::line(
                source,
                n,
                format!("kind {:?} is not one of {}", f[3], CURATED_KINDS.join(", ")),
            ));
        }
        let mut names = vec![f[1].to_string()];
        names.extend(split_names(f[2]));
        out.push(PlaceRecord {
            entry: PlaceEntry {
                id: format!("cur:{slug}"),
                name: f[1].to_string(),
                country: country_code(source, n, f[4])?,
                admin1: non_empty(f[5]),
                lat: coord(source, n, f[6], "latitude", 90.0)?,
                lon: coord(source, n, f[7], "longitude", 180.0)?,
                population: 0,
                kind: f[3].to_string(),
                parent: non_empty(f[8]),
            },
            names,
            example: non_empty(f[9]),
        });
    }
    Ok(out)
}

/// Rank of a place among same-named candidates: countries, then curated sites, then towns by
/// population, then provinces.
pub(crate) fn kind_rank(p: &PlaceEntry) -> u8 {
    match p.kind.as_str() {
        "country" => 0,
        "city" => 2,
        "admin1" => 3,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let err = parse_geonames("g.tsv", "# c\n1\tA\tIQ\t\t1\t2\t3\t\n2\tB\tIQ\n").unwrap_err();
        assert_eq!(err, GazetteerError::line("g.tsv", 3, "expected 8 tab-separated columns, found 3"));
        assert!(parse_geonames("g", "x\tA\tIQ\t\t1\t2\t3\t").is_err());
        assert!(parse_geonames("g", "1\tA\tiq\t\t1\t2\t3\t").is_err());
        assert!(parse_geonames("g", "1\tA\tIQ\t\t91\t2\t3\t").is_err());
        assert!(parse_geonames("g", "1\tA\tIQ\t\tNaN\t2\t3\t").is_err());
        assert!(parse_geonames("g", "1\tA\tIQ\t\t1\t2\t-3\t").is_err());
        assert!(parse_curated("c", "x\tX\t\tpalace\tIQ\t\t1\t2\t\t").is_err());
        assert!(parse_curated("c", "X\tX\t\tbase\tIQ\t\t1\t2\t\t").is_err());
        assert!(parse_countries("c", "IQ\tIraq\t\t1\t2\t3\tBaghdad\r\n").is_ok());
    }

    #[test]
    fn names_and_optional_fields() {
        let rows =
            parse_curated("c", "tanf\tal-Tanf garrison\tTanf | at-Tanf base|\tbase\tSY\t\t33.5\t38.6\t\tA sentence.\n")
                .unwrap();
        let r = &rows[0];
        assert_eq!(r.names, ["al-Tanf garrison", "Tanf", "at-Tanf base"]);
        assert_eq!(r.entry.id, "cur:tanf");
        assert_eq!(r.entry.admin1, None);
        assert_eq!(r.entry.parent, None);
        assert_eq!(r.example.as_deref(), Some("A sentence."));
    }
}
