//! Fuzzes the feed reader: any bytes, parsed as RSS/Atom/JSON Feed and made into articles (without
//! fetching), must give articles or errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitrep_ingest::feed::{entry_article, looks_like_feed, parse_feed};
use sitrep_ingest::Origin;

fuzz_target!(|data: &[u8]| {
    let _ = looks_like_feed(data);
    if let Ok(feed) = parse_feed(data, Some("http://example.com/news/")) {
        for entry in &feed.entries {
            let _ = entry_article(&feed, entry, Origin::file(std::path::Path::new("fuzz.xml")), None);
        }
    }
});
