//! Fuzzes the publication-date parser: any string gives a date in 1900..=2100 or none, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(date) = sitrep_ingest::parse_date(&String::from_utf8_lossy(data)) {
        assert!((1900..=2100).contains(&chrono_year(date)));
    }
});

fn chrono_year(date: impl std::fmt::Display) -> i32 {
    date.to_string().get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}
