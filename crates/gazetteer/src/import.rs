//! Conversion of the full GeoNames dump (`allCountries.txt`, `cities500.txt`, ...) into the
//! gazetteer's place format, line by line, so users can add village-level coverage.
//!
//! Pure: the caller streams the dump's lines in and writes the returned rows out.

use std::collections::HashMap;

/// Which dump rows to keep.
#[derive(Debug, Clone, Default)]
pub struct ImportFilter {
    /// Keep places with at least this many people (0 keeps every populated place).
    pub min_population: u64,
    /// Keep only these ISO 3166-1 alpha-2 countries (empty keeps all).
    pub countries: Vec<String>,
}

/// The header that makes a converted file readable as extra places (`geonames.tsv` format).
pub const IMPORT_HEADER: &str = "# sitrep extra places converted from a GeoNames dump (geonames.org, CC BY 4.0).\n# columns: geonameid\tname\tcountry\tadmin1\tlat\tlon\tpopulation\talternates (|-separated)\n";

/// Admin1 names from GeoNames' `admin1CodesASCII.txt` ("IQ.08\tBaghdad\tBaghdad\t98180").
pub fn admin1_names(content: &str) -> HashMap<String, String> {
    content
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let code = f.next()?.trim();
            let name = f.next()?.trim();
            (!code.is_empty() && !name.is_empty()).then(|| (code.to_string(), name.to_string()))
        })
        .collect()
}

/// Alternate names worth matching in English and Arabic news: Latin or Arabic script, not codes,
/// not too short, not URLs.
fn useful_alternate(name: &str) -> bool {
    let n = name.trim();
    if n.chars().count() < 3 || n.contains("://") || n.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return false;
    }
    n.chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c) || ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Converts one line of a GeoNames dump (19 tab-separated columns) into a row of the gazetteer's
/// place format. `Ok(None)` for rows the filter or the feature class leaves out (only populated
/// places, class P, are kept); `Err` names what is wrong with a malformed line.
pub fn convert_dump_line(
    line: &str,
    admin1: &HashMap<String, String>,
    filter: &ImportFilter,
) -> Result<Option<String>, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() < 15 {
        return Err(format!("expected 19 tab-separated columns, found {}", f.len()));
    }
    let (id, name, alternates, lat, lon, class, country, admin1_code, population) =
        (f[0], f[1], f[3], f[4], f[5], f[6], f[8], f[10], f[14]);
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("geonameid {id:?} is not a number"));
    }
    if class != "P" {
        return Ok(None);
    }
    if !filter.countries.is_empty() && !filter.countries.iter().any(|c| c.eq_ignore_ascii_case(country)) {
        return Ok(None);
    }
    let population: u64 = if population.is_empty() {
        0
    } else {
        population.parse().map_err(|_| format!("population {population:?} is not a number"))?
    };
    if population < filter.min_population {
        return Ok(None);
    }
    for (what, v, limit) in [("latitude", lat, 90.0), ("longitude", lon, 180.0)] {
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x.abs() <= limit => {}
            _ => return Err(format!("{what} {v:?} is not a number within ±{limit}")),
        }
    }
    let clean = |s: &str| s.replace(['\t', '|'], " ");
    let admin1_name = admin1.get(&format!("{country}.{admin1_code}")).cloned().unwrap_or_default();
    let mut alts: Vec<String> =
        alternates.split(',').filter(|a| useful_alternate(a) && *a != name).map(clean).collect();
    alts.sort();
    alts.dedup();
    Ok(Some(format!(
        "{id}\t{}\t{country}\t{}\t{lat}\t{lon}\t{population}\t{}",
        clean(name),
        clean(&admin1_name),
        alts.join("|")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Lines in the dump's layout, made up for the test (the ids are not real GeoNames ids).
    const VILLAGE: &str = "900001\tTall Sibat\tTall Sibat\tTal Sibat,Tell Sibat,تل سبات,TS\t36.50000\t40.10000\tP\tPPL\tSY\t\t08\t\t\t\t350\t\t310\tAsia/Damascus\t2024-01-01";
    const MOUNTAIN: &str =
        "900002\tJabal Test\tJabal Test\t\t36.0\t40.0\tT\tMT\tSY\t\t08\t\t\t\t0\t\t900\tAsia/Damascus\t2024-01-01";

    #[test]
    fn populated_places_become_rows_with_admin1_names() {
        let admin1 = admin1_names("SY.08\tAl-Hasakah\tAl-Hasakah\t163841\n");
        let row = convert_dump_line(VILLAGE, &admin1, &ImportFilter::default()).unwrap().unwrap();
        assert_eq!(row, "900001\tTall Sibat\tSY\tAl-Hasakah\t36.50000\t40.10000\t350\tTal Sibat|Tell Sibat|تل سبات");
        assert_eq!(convert_dump_line(MOUNTAIN, &admin1, &ImportFilter::default()).unwrap(), None);
    }

    #[test]
    fn filters_and_bad_lines() {
        let none = HashMap::new();
        let big = ImportFilter { min_population: 1000, countries: vec![] };
        assert_eq!(convert_dump_line(VILLAGE, &none, &big).unwrap(), None);
        let iraq = ImportFilter { min_population: 0, countries: vec!["IQ".into()] };
        assert_eq!(convert_dump_line(VILLAGE, &none, &iraq).unwrap(), None);
        assert!(convert_dump_line("1\tx\tx", &none, &ImportFilter::default()).is_err());
        assert!(convert_dump_line(&VILLAGE.replace("36.50000", "north"), &none, &ImportFilter::default()).is_err());
        assert_eq!(convert_dump_line("", &none, &ImportFilter::default()).unwrap(), None);
    }

    #[test]
    fn converted_rows_load_as_extra_places() {
        let mut g = crate::Gazetteer::from_sources(&crate::Sources::builtin()).unwrap();
        let row = convert_dump_line(VILLAGE, &HashMap::new(), &ImportFilter::default()).unwrap().unwrap();
        let added = g.load_extra_geonames(&format!("{IMPORT_HEADER}{row}\n")).unwrap();
        assert_eq!(added, 1);
        let found = g.find("Shelling hit Tell Sibat on Monday.");
        assert!(found.iter().any(|m| m.span.slice("Shelling hit Tell Sibat on Monday.") == "Tell Sibat"), "{found:?}");
        // Loading the same rows again adds nothing.
        assert_eq!(g.load_extra_geonames(&format!("{IMPORT_HEADER}{row}\n")).unwrap(), 0);
    }
}
