//! WARC crawls (`.warc`, and `.warc.gz` of one gzip member per record as Common Crawl's CC-NEWS
//! writes them): response records → archived HTTP response → HTML → article, streamed record by
//! record so memory stays bounded by one record, whatever the size of the crawl.
//!
//! Records other than `response` (warcinfo, request, metadata, …) carry no article and are passed
//! over. A response that is not a 200 HTML page is one skipped item with its reason
//! (`http_status`, `not_html`, `unsupported_encoding`, `too_large`); a record that breaks the
//! framing (no version line, bad length, truncated) ends the file with a `bad_warc` item, because
//! nothing after it can be found reliably.

use crate::decode::{charset_param, decode_html_as};
use crate::{finish, html_document, Fields, IngestError, Item, Origin, Skipped, MAX_ITEM_BYTES};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The longest header line accepted, in a WARC record header or an archived HTTP header.
const MAX_LINE: usize = 16 * 1024;
/// The most header lines in a WARC record header.
const MAX_HEADERS: usize = 256;

/// Streams the articles of a WARC file (gzip-compressed when its name ends in `.gz`).
pub(crate) fn read(path: &Path) -> Box<dyn Iterator<Item = Item> + Send> {
    match File::open(path) {
        Ok(file) if crate::is_gzip(path) => {
            let gz = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, file));
            Box::new(Records::new(BufReader::with_capacity(64 * 1024, gz), path.to_path_buf()))
        }
        Ok(file) => Box::new(Records::new(BufReader::with_capacity(64 * 1024, file), path.to_path_buf())),
        Err(e) => Box::new(std::iter::once(Item::Skipped(Skipped::new(Origin::file(path), IngestError::Io(e))))),
    }
}

/// The iterator over the records of one WARC stream. Public so that fuzzing and callers holding a
/// stream (not a file) can use it.
pub struct Records<R> {
    reader: R,
    path: PathBuf,
    record: usize,
    limit: u64,
    done: bool,
}

/// A WARC record header: its named fields, in order.
struct Header {
    fields: Vec<(String, String)>,
}

impl Header {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl<R: BufRead> Records<R> {
    /// Records of `reader`; `path` names them in origins.
    pub fn new(reader: R, path: PathBuf) -> Records<R> {
        Records { reader, path, record: 0, limit: MAX_ITEM_BYTES, done: false }
    }

    /// Records larger than `limit` bytes are skipped as `too_large` (default [`MAX_ITEM_BYTES`]).
    pub fn with_limit(mut self, limit: u64) -> Records<R> {
        self.limit = limit;
        self
    }

    fn origin(&self) -> Origin {
        Origin { path: self.path.clone(), line: Some(self.record) }
    }

    /// The next record: `None` at a clean end, `Some(None)` for a record that is not an article.
    fn next_record(&mut self) -> Result<Option<Option<Item>>, IngestError> {
        let Some(header) = self.header()? else { return Ok(None) };
        let length = header
            .get("Content-Length")
            .ok_or_else(|| IngestError::BadWarc(format!("record {}: no Content-Length", self.record)))?;
        let length: u64 = length.trim().parse().map_err(|_| {
            IngestError::BadWarc(format!("record {}: Content-Length {length:?} is not a number", self.record))
        })?;
        let is_response = header.get("WARC-Type").is_some_and(|t| t.trim().eq_ignore_ascii_case("response"));
        if !is_response || length > self.limit {
            // Passed over without being held in memory.
            let copied = std::io::copy(&mut (&mut self.reader).take(length), &mut std::io::sink()).map_err(warc_io)?;
            if copied < length {
                return Err(self.truncated(copied, length));
            }
            return Ok(Some(
                is_response
                    .then(|| Item::Skipped(Skipped::new(self.origin(), IngestError::RecordTooLarge { size: length }))),
            ));
        }
        let mut block = Vec::with_capacity(usize::try_from(length.min(1 << 20)).unwrap_or(0));
        (&mut self.reader).take(length).read_to_end(&mut block).map_err(warc_io)?;
        if (block.len() as u64) < length {
            return Err(self.truncated(block.len() as u64, length));
        }
        Ok(Some(Some(response_item(&header, &block, self.origin(), self.limit))))
    }

    fn truncated(&self, got: u64, length: u64) -> IngestError {
        IngestError::BadWarc(format!("record {}: truncated: {got} of {length} bytes", self.record))
    }

    /// Reads a record header; `None` at the end of the stream.
    fn header(&mut self) -> Result<Option<Header>, IngestError> {
        // Records are separated by blank lines; skip them (and any extra ones) first.
        let version = loop {
            let mut line = Vec::new();
            if read_line(&mut self.reader, &mut line)? == 0 {
                return Ok(None);
            }
            let trimmed = line.trim_ascii();
            if !trimmed.is_empty() {
                break trimmed.to_vec();
            }
        };
        self.record += 1;
        if !version.starts_with(b"WARC/") {
            let shown = String::from_utf8_lossy(version.get(..40).unwrap_or(&version)).into_owned();
            return Err(IngestError::BadWarc(format!(
                "record {}: expected a WARC/1.x version line, found {shown:?}",
                self.record
            )));
        }
        let mut fields = Vec::new();
        loop {
            let mut line = Vec::new();
            if read_line(&mut self.reader, &mut line)? == 0 {
                return Err(IngestError::BadWarc(format!("record {}: truncated in its header", self.record)));
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                return Ok(Some(Header { fields }));
            }
            if fields.len() >= MAX_HEADERS {
                return Err(IngestError::BadWarc(format!(
                    "record {}: more than {MAX_HEADERS} header lines",
                    self.record
                )));
            }
            if let Some((name, value)) = line.split_once(':') {
                fields.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while !self.done {
            match self.next_record() {
                Ok(None) => self.done = true,
                Ok(Some(None)) => {}
                Ok(Some(Some(item))) => return Some(item),
                Err(error) => {
                    self.done = true;
                    return Some(Item::Skipped(Skipped::new(self.origin(), error)));
                }
            }
        }
        None
    }
}

/// Reads one line (up to and including `\n`) of at most [`MAX_LINE`] bytes; returns its length.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> Result<usize, IngestError> {
    let n = reader.take(MAX_LINE as u64 + 1).read_until(b'\n', line).map_err(warc_io)?;
    if n > MAX_LINE {
        return Err(IngestError::BadWarc(format!("a header line is longer than {MAX_LINE} bytes")));
    }
    Ok(n)
}

/// A read error inside a WARC stream: corrupt or truncated gzip, mostly.
fn warc_io(e: std::io::Error) -> IngestError {
    IngestError::BadWarc(format!("cannot read on: {e}"))
}

/// An archived HTTP response.
struct HttpResponse<'a> {
    status: u16,
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl HttpResponse<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn parse_http(block: &[u8]) -> Option<HttpResponse<'_>> {
    let head_end = block.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, i + 4)).or_else(|| {
        // Some tools write bare newlines.
        block.windows(2).position(|w| w == b"\n\n").map(|i| (i, i + 2))
    });
    let (end, body_start) = head_end.unwrap_or((block.len(), block.len()));
    let head = String::from_utf8_lossy(block.get(..end)?);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    let mut parts = status_line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Some(HttpResponse { status, headers, body: block.get(body_start..)? })
}

/// The article of one response record, or why there is none.
fn response_item(header: &Header, block: &[u8], origin: Origin, limit: u64) -> Item {
    let target = header.get("WARC-Target-URI").map(|u| u.trim_matches(['<', '>']).to_string());
    let url = target.clone().unwrap_or_default();
    match response_document(block, &url, limit) {
        Ok((mut fields, text)) => {
            // The crawl date is a bound, not the publication date: only a fallback, after a date
            // written in the page's URL.
            fields.published = fields
                .published
                .or_else(|| target.as_deref().and_then(crate::date_in_url).map(|d| d.to_string()))
                .or_else(|| header.get("WARC-Date").map(str::to_string));
            fields.url = target.or(fields.url);
            finish(origin, None, fields, text)
        }
        Err(error) => Item::Skipped(Skipped::new(origin, error)),
    }
}

fn response_document(block: &[u8], url: &str, limit: u64) -> Result<(Fields, String), IngestError> {
    let http = parse_http(block)
        .ok_or_else(|| IngestError::BadWarc(format!("the response for {url} has no HTTP status line")))?;
    if http.status != 200 {
        return Err(IngestError::ArchivedStatus { url: url.to_string(), status: http.status });
    }
    let content_type = http.header("Content-Type").unwrap_or("").to_ascii_lowercase();
    let mut body = std::borrow::Cow::Borrowed(http.body);
    if http.header("Transfer-Encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        // Tools that keep the raw stream keep its chunking; a body that does not parse as chunks
        // was de-chunked already.
        if let Some(plain) = dechunk(&body) {
            body = plain.into();
        }
    }
    let encoding = http.header("Content-Encoding").unwrap_or("").trim().to_ascii_lowercase();
    match encoding.as_str() {
        "" | "identity" => {}
        // The gzip magic tells an encoded body from one the crawler stored decoded.
        "gzip" | "x-gzip" | "deflate" if body.starts_with(&[0x1f, 0x8b]) || encoding == "deflate" => {
            body = decompress(&body, &encoding, url, limit)?.into();
        }
        "gzip" | "x-gzip" => {}
        other => return Err(IngestError::UnsupportedEncoding { url: url.to_string(), encoding: other.to_string() }),
    }
    let mime = content_type.split(';').next().unwrap_or("").trim();
    let html = match mime {
        "text/html" | "application/xhtml+xml" => true,
        "" => {
            let head = body.get(..1024).unwrap_or(&body).to_ascii_lowercase();
            head.windows(5).any(|w| w == b"<html") || head.windows(9).any(|w| w == b"<!doctype")
        }
        _ => false,
    };
    if !html {
        let shown = if mime.is_empty() { "no content type" } else { mime };
        return Err(IngestError::NotHtml { url: url.to_string(), content_type: shown.to_string() });
    }
    if body.trim_ascii().is_empty() {
        return Err(IngestError::Empty("page"));
    }
    Ok(html_document(decode_html_as(&body, charset_param(&content_type))))
}

/// Decodes an HTTP chunked body; `None` when it is not well-formed chunking.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(body.get(..line_end)?).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        body = body.get(line_end + 2..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size..)?;
        body = body.strip_prefix(b"\r\n").unwrap_or(body);
    }
}

/// Decompresses a gzip or deflate body, refusing more than `limit` bytes of output.
fn decompress(body: &[u8], encoding: &str, url: &str, limit: u64) -> Result<Vec<u8>, IngestError> {
    let mut out = Vec::new();
    let read = if encoding == "deflate" {
        // "deflate" is zlib-wrapped by the standard, raw deflate by some servers.
        let zlib = flate2::read::ZlibDecoder::new(body).take(limit + 1).read_to_end(&mut out);
        if zlib.is_err() {
            out.clear();
            flate2::read::DeflateDecoder::new(body).take(limit + 1).read_to_end(&mut out)
        } else {
            zlib
        }
    } else {
        flate2::read::MultiGzDecoder::new(body).take(limit + 1).read_to_end(&mut out)
    };
    read.map_err(|e| IngestError::BadWarc(format!("the {encoding} body of {url} does not decompress: {e}")))?;
    if out.len() as u64 > limit {
        return Err(IngestError::ResponseTooLarge { url: url.to_string(), limit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(warc: &[u8], limit: u64) -> Vec<String> {
        Records::new(warc, PathBuf::from("t.warc"))
            .with_limit(limit)
            .map(|item| match item {
                Item::Article(a) => format!(
                    "{}: {} | {} | {}",
                    a.origin.line.unwrap_or(0),
                    a.url.unwrap_or_default(),
                    a.published.map(|d| d.to_string()).unwrap_or_default(),
                    a.text
                ),
                Item::Skipped(s) => format!("{}: skip {}", s.origin.line.unwrap_or(0), s.code),
            })
            .collect()
    }

    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2020-11-18T06:00:00Z\r\n\
             Content-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    const PAGE: &str = "<html><body><article><p>Seven rockets hit the Green Zone in Baghdad on Tuesday night, \
                        breaking a month-long truce.</p></article></body></html>";

    #[test]
    fn reads_responses_and_passes_over_the_rest() {
        let ok = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{PAGE}");
        let chunked = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{PAGE}\r\n0\r\n\r\n",
            PAGE.len()
        );
        let mut warc = record("warcinfo", "", b"software: test\r\n");
        warc.extend(record("request", "http://a.example/1", b"GET /1 HTTP/1.1\r\n\r\n"));
        warc.extend(record("response", "http://a.example/1", ok.as_bytes()));
        warc.extend(record("response", "http://a.example/2", b"HTTP/1.1 404 Not Found\r\n\r\ngone"));
        warc.extend(record(
            "response",
            "http://a.example/3.jpg",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\nxx",
        ));
        warc.extend(record("response", "http://a.example/4", chunked.as_bytes()));
        warc.extend(record("response", "http://a.example/5", b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\nxx"));
        let text = "Seven rockets hit the Green Zone in Baghdad on Tuesday night, breaking a month-long truce.";
        assert_eq!(
            items(&warc, MAX_ITEM_BYTES),
            [
                format!("3: http://a.example/1 | 2020-11-18 | {text}"),
                "4: skip http_status".to_string(),
                "5: skip not_html".to_string(),
                format!("6: http://a.example/4 | 2020-11-18 | {text}"),
                "7: skip unsupported_encoding".to_string(),
            ]
        );
    }

    #[test]
    fn large_records_are_skipped_and_the_rest_read() {
        let ok = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{PAGE}");
        let big = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{}", "x".repeat(5000));
        let mut warc = record("response", "http://a.example/big", big.as_bytes());
        warc.extend(record("response", "http://a.example/ok", ok.as_bytes()));
        let got = items(&warc, 1000);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], "1: skip too_large");
        assert!(got[1].starts_with("2: http://a.example/ok"), "{got:?}");
    }

    #[test]
    fn broken_framing_ends_with_one_error() {
        let ok = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{PAGE}");
        let good = record("response", "http://a.example/ok", ok.as_bytes());
        let cases: &[(&[u8], &[&str])] = &[
            (b"", &[]),
            (b"\r\n\r\n", &[]),
            (b"not a warc at all", &["1: skip bad_warc"]),
            (b"WARC/1.0\r\nWARC-Type: response\r\n", &["1: skip bad_warc"]),
            (b"WARC/1.0\r\nWARC-Type: response\r\n\r\n", &["1: skip bad_warc"]),
            (b"WARC/1.0\r\nContent-Length: -3\r\n\r\n", &["1: skip bad_warc"]),
            (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99\r\n\r\nshort", &["1: skip bad_warc"]),
        ];
        for (bytes, expected) in cases {
            assert_eq!(items(bytes, MAX_ITEM_BYTES), *expected, "{:?}", String::from_utf8_lossy(bytes));
        }
        // A good record before the break still comes through.
        let mut warc = good.clone();
        warc.extend_from_slice(b"WARC/1.0\r\nContent-Length: 500\r\n\r\ncut");
        let got = items(&warc, MAX_ITEM_BYTES);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], "2: skip bad_warc");
        let long_line = [b"WARC/1.0\r\n".as_slice(), &vec![b'a'; MAX_LINE + 10]].concat();
        assert_eq!(items(&long_line, MAX_ITEM_BYTES), ["1: skip bad_warc"]);
    }

    #[test]
    fn gzip_bodies_are_capped() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b' '; 200_000]).unwrap();
        let bomb = gz.finish().unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend_from_slice(&bomb);
        let warc = record("response", "http://a.example/bomb", &block);
        assert_eq!(items(&warc, 50_000), ["1: skip too_large"]);
    }
}
