//! Query strings into store filters, with every value checked and every unknown name refused, so
//! a typo in a URL is an error rather than a silently unfiltered answer.

use crate::error::ServerError;
use chrono::NaiveDate;
use sitrep_model::{EventType, SubEventType};
use sitrep_store::{BBox, Bucket, EventFilter, EventSort, GroupBy};

/// The filter parameters every event listing accepts.
pub const FILTER_NAMES: &[&str] = &["since", "until", "country", "admin1", "type", "actor", "text", "bbox"];

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

/// Query pairs as the URL gave them.
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Refuses names outside `allowed` and repeated names.
    pub fn check(&self, allowed: &[&str]) -> Result<(), ServerError> {
        for (i, (name, _)) in self.0.iter().enumerate() {
            if !allowed.contains(&name.as_str()) {
                return Err(ServerError::UnknownParameter(name.clone()));
            }
            if self.0[..i].iter().any(|(n, _)| n == name) {
                return Err(ServerError::invalid(name, "given more than once"));
            }
        }
        Ok(())
    }

    /// The value of `name`, trimmed; an empty value counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }
}

fn date(params: &Params, name: &str) -> Result<Option<NaiveDate>, ServerError> {
    params
        .get(name)
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| ServerError::invalid(name, format!("`{v}` is not a date (YYYY-MM-DD)")))
        })
        .transpose()
}

fn bbox(value: &str) -> Result<BBox, ServerError> {
    let bad = |why: &str| ServerError::invalid("bbox", format!("`{value}`: {why} (west,south,east,north in degrees)"));
    let parts: Vec<f64> = value
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|_| bad("not four numbers")))
        .collect::<Result<_, _>>()?;
    let [west, south, east, north] = parts[..] else { return Err(bad("not four numbers")) };
    if ![west, south, east, north].iter().all(|v| v.is_finite()) {
        return Err(bad("not finite"));
    }
    if !(-180.0..=180.0).contains(&west) || !(-180.0..=180.0).contains(&east) {
        return Err(bad("longitudes must be within -180..180"));
    }
    if !(-90.0..=90.0).contains(&south) || !(-90.0..=90.0).contains(&north) || south > north {
        return Err(bad("latitudes must be within -90..90 with south <= north"));
    }
    Ok(BBox { west, south, east, north })
}

/// The filter of an event listing (without paging).
pub fn filter(params: &Params) -> Result<EventFilter, ServerError> {
    let since = date(params, "since")?;
    let until = date(params, "until")?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(ServerError::invalid("until", format!("{u} is before since {s}")));
        }
    }
    let country = params.get("country").map(str::to_string);
    if let Some(c) = &country {
        if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
            return Err(ServerError::invalid("country", format!("`{c}` is not an ISO 3166-1 alpha-2 code")));
        }
    }
    let event_type = params.get("type").map(str::to_string);
    if let Some(t) = &event_type {
        if EventType::parse(t).is_none() && SubEventType::parse(t).is_none() {
            return Err(ServerError::invalid("type", format!("`{t}` is not an ACLED event type or sub-event type")));
        }
    }
    Ok(EventFilter {
        since,
        until,
        country,
        admin1: params.get("admin1").map(str::to_string),
        event_type,
        actor: params.get("actor").map(str::to_string),
        text: params.get("text").map(str::to_string),
        bbox: params.get("bbox").map(bbox).transpose()?,
        ..EventFilter::default()
    })
}

/// The filter of `/api/events`: filters, order, page size and cursor.
pub fn event_page(params: &Params) -> Result<EventFilter, ServerError> {
    let mut names = FILTER_NAMES.to_vec();
    names.extend(["sort", "limit", "cursor"]);
    params.check(&names)?;
    let mut f = filter(params)?;
    if let Some(sort) = params.get("sort") {
        f.sort = EventSort::parse(sort).ok_or_else(|| {
            ServerError::invalid("sort", format!("`{sort}`: use one of date, -date, fatalities, -fatalities"))
        })?;
    }
    let limit = match params.get("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => v.parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
            ServerError::invalid("limit", format!("`{v}`: give a whole number from 1 to {MAX_LIMIT}"))
        })?,
    };
    f.limit = Some(limit);
    f.cursor = params.get("cursor").map(str::to_string);
    Ok(f)
}

/// The parameters of `/api/timeline`: filters, bucket and grouping.
pub fn timeline(params: &Params) -> Result<(EventFilter, Bucket, GroupBy), ServerError> {
    let mut names = FILTER_NAMES.to_vec();
    names.extend(["bucket", "by"]);
    params.check(&names)?;
    let bucket = match params.get("bucket") {
        None | Some("week") => Bucket::Week,
        Some("day") => Bucket::Day,
        Some(other) => return Err(ServerError::invalid("bucket", format!("`{other}`: use day or week"))),
    };
    let by = match params.get("by") {
        None | Some("type") => GroupBy::Type,
        Some("sub_type") => GroupBy::SubType,
        Some("actor") => GroupBy::Actor,
        Some(other) => return Err(ServerError::invalid("by", format!("`{other}`: use type, sub_type or actor"))),
    };
    Ok((filter(params)?, bucket, by))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Params {
        Params(pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect())
    }

    #[test]
    fn good_values_become_a_filter() {
        let f = event_page(&p(&[
            ("since", "2019-12-01"),
            ("country", "iq"),
            ("type", "air/drone strike"),
            ("bbox", "44,33,44.6,33.5"),
            ("sort", "-date"),
            ("limit", "10"),
            ("text", "  "),
        ]))
        .unwrap();
        assert_eq!(f.since, NaiveDate::from_ymd_opt(2019, 12, 1));
        assert_eq!(f.limit, Some(10));
        assert_eq!(f.sort, EventSort::DateDesc);
        assert_eq!(f.bbox.map(|b| b.east), Some(44.6));
        assert_eq!(f.text, None, "blank means absent");
    }

    #[test]
    fn bad_values_and_unknown_names_are_refused_by_name() {
        for (pairs, name) in [
            (vec![("since", "yesterday")], "since"),
            (vec![("since", "2020-01-02"), ("until", "2020-01-01")], "until"),
            (vec![("country", "Iraq")], "country"),
            (vec![("type", "Picnic")], "type"),
            (vec![("bbox", "1,2,3")], "bbox"),
            (vec![("bbox", "0,50,10,40")], "bbox"),
            (vec![("bbox", "NaN,0,1,1")], "bbox"),
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "100000")], "limit"),
            (vec![("sort", "location")], "sort"),
            (vec![("limit", "5"), ("limit", "6")], "limit"),
        ] {
            match event_page(&p(&pairs)) {
                Err(ServerError::InvalidParameter { name: n, .. }) => assert_eq!(n, name, "{pairs:?}"),
                other => panic!("{pairs:?}: {other:?}"),
            }
        }
        assert!(matches!(event_page(&p(&[("contry", "IQ")])), Err(ServerError::UnknownParameter(n)) if n == "contry"));
        assert!(matches!(timeline(&p(&[("bucket", "year")])), Err(ServerError::InvalidParameter { .. })));
    }
}
