//! JSONL dumps: one article per line, streamed so that a large dump is never held in memory.
//!
//! Each line is an object with `id`, `url`, `title`, `published`, `outlet`, and `text` or `html`.
//! Blank lines are ignored. A bad line becomes one `Skipped` item naming its line number, and the
//! lines after it still come through.

use crate::decode::check_binary;
use crate::error::json_type;
use crate::html::parse_html;
use crate::{finish, Fields, IngestError, Item, Origin, Skipped, MAX_ITEM_BYTES};
use serde_json::{Map, Value};
use sitrep_model::Diagnostic;
use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind};
use std::path::{Path, PathBuf};

/// Streams the items of a JSONL file.
pub(crate) fn read(path: &Path) -> Box<dyn Iterator<Item = Item> + Send> {
    match File::open(path) {
        Ok(file) if crate::is_gzip(path) => {
            let decoder = flate2::read::MultiGzDecoder::new(file);
            Box::new(Lines::new(BufReader::with_capacity(64 * 1024, decoder), path.to_path_buf()))
        }
        Ok(file) => Box::new(Lines::new(BufReader::with_capacity(64 * 1024, file), path.to_path_buf())),
        Err(e) => Box::new(std::iter::once(Item::Skipped(Skipped::new(Origin::file(path), IngestError::Io(e))))),
    }
}

/// The items of a run of JSONL lines cut from `path`, the first of them line `first_line` (from 1):
/// how a work queue carries part of a dump while every item still names its file and line.
pub fn read_chunk(path: &Path, first_line: usize, text: &str) -> Vec<Item> {
    let mut lines = Lines::new(std::io::Cursor::new(text.as_bytes()), path.to_path_buf());
    lines.line = first_line.saturating_sub(1);
    lines.collect()
}

/// The iterator over one JSONL stream.
pub(crate) struct Lines<R> {
    reader: R,
    path: PathBuf,
    line: usize,
    limit: u64,
    started: bool,
    seen_content: bool,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R, path: PathBuf) -> Lines<R> {
        Lines { reader, path, line: 0, limit: MAX_ITEM_BYTES, started: false, seen_content: false, done: false }
    }

    #[cfg(test)]
    pub(crate) fn with_limit(mut self, limit: u64) -> Lines<R> {
        self.limit = limit;
        self
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            // Binary content is judged on the first buffer, as for other files.
            let head = match self.reader.fill_buf() {
                Ok(head) => check_binary(head),
                Err(e) => Err(IngestError::Io(e)),
            };
            if let Err(error) = head {
                self.done = true;
                return Some(skip(Origin::file(&self.path), error));
            }
        }
        loop {
            self.line += 1;
            let origin = Origin { path: self.path.clone(), line: Some(self.line) };
            let mut buf = Vec::new();
            match read_line(&mut self.reader, &mut buf, self.limit) {
                Err(e) => {
                    self.done = true;
                    return Some(skip(origin, IngestError::Io(e)));
                }
                Ok(Line::End) => {
                    self.done = true;
                    return (!self.seen_content).then(|| skip(Origin::file(&self.path), IngestError::Empty("file")));
                }
                Ok(Line::TooLong) => {
                    self.seen_content = true;
                    return Some(skip(origin, IngestError::LineTooLarge { line: self.line }));
                }
                Ok(Line::Read) => {
                    if buf.trim_ascii().is_empty() {
                        continue;
                    }
                    self.seen_content = true;
                    return Some(parse_line(&buf, origin));
                }
            }
        }
    }
}

fn skip(origin: Origin, error: IngestError) -> Item {
    Item::Skipped(Skipped::new(origin, error))
}

enum Line {
    Read,
    TooLong,
    End,
}

/// Reads one line (without its `\n`) into `buf`, holding at most `limit` bytes: the rest of a
/// longer line is read and dropped.
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, limit: u64) -> std::io::Result<Line> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (read_any, too_long) {
                (false, _) => Line::End,
                (true, true) => Line::TooLong,
                (true, false) => Line::Read,
            });
        }
        read_any = true;
        let newline = available.iter().position(|&b| b == b'\n');
        let chunk = &available[..newline.unwrap_or(available.len())];
        if !too_long {
            if buf.len() + chunk.len() > limit {
                too_long = true;
                buf.clear();
                buf.shrink_to_fit();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = newline.map_or(available.len(), |i| i + 1);
        reader.consume(used);
        if newline.is_some() {
            return Ok(if too_long { Line::TooLong } else { Line::Read });
        }
    }
}

/// One line to an article or a skip.
fn parse_line(bytes: &[u8], origin: Origin) -> Item {
    let line = origin.line.unwrap_or(0);
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            warnings.push(Diagnostic::warning("non_utf8", "not valid UTF-8: invalid bytes replaced with U+FFFD"));
            String::from_utf8_lossy(bytes)
        }
    };
    let text = text.trim_end_matches('\r');
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(source) => return Item::Skipped(Skipped::new(origin, IngestError::BadJson { line, source })),
    };
    let Value::Object(object) = value else {
        return Item::Skipped(Skipped::new(origin, IngestError::NotAnObject { line, found: json_type(&value) }));
    };
    match article_fields(&object, line) {
        Ok((id, mut fields, body)) => {
            warnings.append(&mut fields.warnings);
            fields.warnings = warnings;
            finish(origin, id, fields, body)
        }
        Err(error) => Item::Skipped(Skipped::new(origin, error)),
    }
}

fn article_fields(object: &Map<String, Value>, line: usize) -> Result<(Option<String>, Fields, String), IngestError> {
    let get = |field: &'static str| -> Result<Option<String>, IngestError> {
        match object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            // Dumps often number their items; a number is as good an id as a string.
            Some(Value::Number(n)) if field == "id" => Ok(Some(n.to_string())),
            Some(other) => Err(IngestError::BadField { line, field, found: json_type(other) }),
        }
    };
    let id = get("id")?;
    let mut fields = Fields {
        url: get("url")?,
        title: get("title")?,
        outlet: get("outlet")?,
        published: get("published")?,
        lang: get("lang")?,
        ..Fields::default()
    };
    let text = get("text")?;
    let html = get("html")?;
    let body = match (text, html) {
        (Some(text), _) if !text.trim().is_empty() => text,
        (_, Some(html)) => {
            let doc = parse_html(&html);
            fields.title = fields.title.or(doc.title);
            fields.url = fields.url.or(doc.url);
            fields.outlet = fields.outlet.or(doc.outlet);
            fields.published = fields.published.or(doc.published);
            fields.lang = fields.lang.or(doc.lang);
            doc.text
        }
        (Some(text), None) => text,
        (None, None) => return Err(IngestError::MissingText { line }),
    };
    Ok((id, fields, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(item: Item) -> String {
        match item {
            Item::Article(a) => format!("{}: {}", a.origin.line.unwrap_or(0), a.text),
            Item::Skipped(s) => format!("{}: {}", s.origin.line.unwrap_or(0), s.code),
        }
    }

    /// (input, line limit in bytes, items)
    const CASES: &[(&str, u64, &[&str])] = &[
        ("{\"text\":\"a\"}\n{\"text\":\"b\"}\n", 100, &["1: a", "2: b"]),
        (
            "{\"text\":\"a\"}\n{\"text\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbb\"}\n{\"text\":\"c\"}",
            20,
            &["1: a", "2: too_large", "3: c"],
        ),
        ("{\"text\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbb\"}", 20, &["1: too_large"]),
        ("{\"text\":\"exactly20\"}\n", 20, &["1: exactly20"]),
        ("{\"text\":\"exactly21!\"}\n", 20, &["1: too_large"]),
        ("\n\n{\"text\":\"a\"}\n\n", 100, &["3: a"]),
        ("", 100, &["0: empty"]),
    ];

    #[test]
    fn reads_lines_within_the_limit() {
        for (input, limit, expected) in CASES {
            // A tiny buffer makes lines span many reads.
            let reader = std::io::BufReader::with_capacity(4, input.as_bytes());
            let got: Vec<String> =
                Lines::new(reader, PathBuf::from("t.jsonl")).with_limit(*limit).map(describe).collect();
            assert_eq!(got, *expected, "{input:?}");
        }
    }
}
