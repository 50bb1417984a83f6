//! Fuzzes the WARC reader: any bytes (gzip-compressed when they start with the gzip magic) read as
//! a crawl must give articles or skipped items, never a panic, with memory bounded by the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitrep_ingest::warc::Records;
use std::io::BufReader;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let path = PathBuf::from("fuzz.warc");
    if data.starts_with(&[0x1f, 0x8b]) {
        let gz = flate2::read::MultiGzDecoder::new(data);
        Records::new(BufReader::new(gz), path).with_limit(1 << 20).for_each(drop);
    } else {
        Records::new(data, path).with_limit(1 << 20).for_each(drop);
    }
});
