//! Fuzzes the HTML reader (main content, metadata): any bytes, read as a page, must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sitrep_ingest::parse_html(&String::from_utf8_lossy(data));
});
