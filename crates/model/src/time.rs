//! Dates with a precision, as news reports give them ("on Tuesday", "last week", "in January").

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How precisely a date is known, following ACLED/UCDP practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    Day,
    Week,
    Month,
    Year,
}

impl DatePrecision {
    pub fn as_str(&self) -> &'static str {
        match self {
            DatePrecision::Day => "day",
            DatePrecision::Week => "week",
            DatePrecision::Month => "month",
            DatePrecision::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<DatePrecision> {
        match s {
            "day" => Some(DatePrecision::Day),
            "week" => Some(DatePrecision::Week),
            "month" => Some(DatePrecision::Month),
            "year" => Some(DatePrecision::Year),
            _ => None,
        }
    }
}

/// The most days a stated date spans: a whole year ("last year") is the widest a report gives.
/// Stores rely on it to read the mentions overlapping a window through an index range on their
/// start (no mention starting more than this many days before a window can reach into it), and
/// the pipeline drops a wider date (keeping the mention) before anything is stored.
pub const MAX_SPAN_DAYS: i64 = 366;

/// A date range `[start, end]` (both inclusive) with the precision it was stated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub precision: DatePrecision,
}

impl DateRange {
    pub fn day(d: NaiveDate) -> DateRange {
        DateRange { start: d, end: d, precision: DatePrecision::Day }
    }

    /// The whole calendar month containing `d`.
    pub fn month_of(d: NaiveDate) -> DateRange {
        let start = d.with_day(1).unwrap_or(d);
        let end = last_day_of_month(d.year(), d.month()).unwrap_or(d);
        DateRange { start, end, precision: DatePrecision::Month }
    }

    /// The whole calendar year.
    pub fn year(y: i32) -> Option<DateRange> {
        Some(DateRange {
            start: NaiveDate::from_ymd_opt(y, 1, 1)?,
            end: NaiveDate::from_ymd_opt(y, 12, 31)?,
            precision: DatePrecision::Year,
        })
    }

    /// Whether two ranges share at least one day, allowing `slack_days` of tolerance on each side.
    pub fn overlaps(&self, other: &DateRange, slack_days: i64) -> bool {
        let slack = chrono::Duration::days(slack_days);
        self.start - slack <= other.end && other.start - slack <= self.end
    }

    pub fn contains(&self, other: &DateRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

pub fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_range_covers_the_month() {
        let r = DateRange::month_of(d(2020, 2, 10));
        assert_eq!((r.start, r.end), (d(2020, 2, 1), d(2020, 2, 29)));
        let r = DateRange::month_of(d(2019, 12, 31));
        assert_eq!((r.start, r.end), (d(2019, 12, 1), d(2019, 12, 31)));
    }

    #[test]
    fn overlap_respects_slack() {
        let a = DateRange::day(d(2019, 12, 27));
        let b = DateRange::day(d(2019, 12, 29));
        assert!(!a.overlaps(&b, 0));
        assert!(!a.overlaps(&b, 1));
        assert!(a.overlaps(&b, 2));
    }
}
