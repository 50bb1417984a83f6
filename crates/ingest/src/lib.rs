//! Reading input files into raw articles: the only sitrep crate that reads input.
//!
//! Architecture invariants:
//! - Reading never fails and never panics: every input that cannot become an article becomes one
//!   [`Skipped`] item with a stable reason code, so nothing disappears silently.
//! - Memory is bounded by [`MAX_ITEM_BYTES`] per item: JSONL is streamed line by line, and a file
//!   or line over the limit is skipped without being held in memory.
//! - Output is deterministic: [`discover`] sorts directory entries.
//!
//! - Only [`fetch`] touches the network, only for `http`/`https` URLs, and every fetch is bounded
//!   in time, bytes (after decompression) and redirects.
//!
//! Formats: plain text with optional headers ([`Format::Text`]), JSONL dumps ([`Format::Jsonl`]),
//! HTML pages ([`Format::Html`]), RSS/Atom/JSON feeds ([`Format::Feed`]) and WARC crawls
//! ([`Format::Warc`]); [`Reader`] adds URLs and following feed items' links.

mod date;
mod decode;
mod discover;
mod error;
pub mod feed;
pub mod fetch;
mod html;
mod jsonl;
mod lang;
mod source;
mod text_file;
mod url;
pub mod warc;

pub use date::{date_in_url, parse_date};
pub use discover::discover;
pub use error::IngestError;
pub use html::{parse_html, HtmlDocument};
pub use lang::{detect_lang, primary_lang};
pub use source::{sources, Reader, Source};

/// Decodes an HTML page's bytes (byte-order mark, declared charset, else detected) and extracts its
/// article text and metadata. The warning, if any, says the bytes were not cleanly decodable.
pub fn parse_html_bytes(bytes: &[u8]) -> (HtmlDocument, Option<Diagnostic>) {
    let decoded = decode::decode_html(bytes);
    (parse_html(&decoded.text), decoded.warning)
}
pub use jsonl::read_chunk as read_jsonl_chunk;
pub use url::host;

use sitrep_model::Diagnostic;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file, or JSONL line, that is read; larger ones are skipped as `too_large`.
pub const MAX_ITEM_BYTES: u64 = 10 * 1024 * 1024;

/// Whether a file is gzip-compressed, by its name (`.gz`); it is then read through a decompressor.
pub fn is_gzip(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// How an input file is read, decided by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Jsonl,
    Html,
    /// RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed.
    Feed,
    /// A WARC crawl (`.warc`, `.warc.gz`), read record by record.
    Warc,
}

impl Format {
    /// `.jsonl`/`.ndjson` → Jsonl, `.html`/`.htm`/`.xhtml` → Html, `.rss`/`.atom` → Feed,
    /// `.warc` → Warc, everything else → Text (extensions compared ignoring case). See
    /// [`Format::detect`] for `.xml` and `.json` feeds.
    pub fn of(path: &Path) -> Format {
        // "page.html.gz" is HTML: the format is that of the name under the compression suffix.
        let path = if is_gzip(path) { Path::new(path.file_stem().unwrap_or_default()) } else { path };
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => Format::Jsonl,
            "html" | "htm" | "xhtml" => Format::Html,
            "rss" | "atom" => Format::Feed,
            "warc" => Format::Warc,
            _ => Format::Text,
        }
    }

    /// [`Format::of`], and for `.xml`, `.json` and `.feed` files a look at the first bytes: a
    /// feed is [`Format::Feed`], anything else stays text.
    pub fn detect(path: &Path) -> Format {
        let format = Format::of(path);
        let inner = if is_gzip(path) { Path::new(path.file_stem().unwrap_or_default()) } else { path };
        let ext = inner.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if format != Format::Text || !matches!(ext.as_str(), "xml" | "json" | "feed") {
            return format;
        }
        let mut head = Vec::new();
        let read = File::open(path).and_then(|f| {
            if is_gzip(path) {
                flate2::read::MultiGzDecoder::new(f).take(4096).read_to_end(&mut head)
            } else {
                f.take(4096).read_to_end(&mut head)
            }
        });
        // An unreadable or truncated file is reported when it is read, as text.
        if read.is_ok() && feed::looks_like_feed(&head) {
            Format::Feed
        } else {
            format
        }
    }
}

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    pub size: u64,
    pub format: Format,
}

/// Where an item came from: a file, or one line of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    pub path: PathBuf,
    /// 1-based line number for items of line-oriented files; the item number in a feed; the
    /// record number in a WARC.
    pub line: Option<usize>,
}

impl Origin {
    pub fn file(path: &Path) -> Origin {
        Origin { path: path.to_path_buf(), line: None }
    }
}

impl fmt::Display for Origin {
    /// `path` or `path:line`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.path.display()),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// An article as read from its source, before cleaning and analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct RawArticle {
    pub origin: Origin,
    /// The JSONL `id`, or `None` for files.
    pub source_id: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// The outlet as given, else the URL's host without `www.`.
    pub outlet: Option<String>,
    pub published: Option<chrono::NaiveDate>,
    /// ISO 639-1 code (639-3 where there is none): as declared (`<html lang>`, a JSONL or header
    /// `lang`), else detected from the text when the detector is confident, else `None`.
    pub lang: Option<String>,
    /// Body text; HTML already reduced to text, paragraphs separated by blank lines.
    pub text: String,
    /// Problems that did not stop the article: `non_utf8`, `bad_encoding`, `bad_date`,
    /// `unknown_header` (info).
    pub warnings: Vec<Diagnostic>,
}

/// An input, or one item of it, that did not become an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub origin: Origin,
    /// The reason: `not_found`, `not_a_file`, `io_error`, `empty`, `binary`, `too_large`,
    /// `bad_json`, `missing_text`, `bad_field`.
    pub code: &'static str,
    pub message: String,
}

impl Skipped {
    pub fn new(origin: Origin, error: IngestError) -> Skipped {
        Skipped { origin, code: error.code(), message: error.to_string() }
    }
}

/// What reading yields: an article or the reason there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Article(RawArticle),
    Skipped(Skipped),
}

/// Stream the items of one file. JSONL is read line by line, never whole into memory; each bad
/// line is one [`Skipped`] with its line number. Text and HTML files give exactly one item; a
/// feed one per entry (from the feed's own text: [`Reader`] follows links); a WARC one per
/// response record, streamed.
pub fn read(file: &InputFile) -> Box<dyn Iterator<Item = Item> + Send> {
    match file.format {
        Format::Jsonl => jsonl::read(&file.path),
        Format::Text | Format::Html => Box::new(std::iter::once(read_document(file))),
        Format::Warc => warc::read(&file.path),
        Format::Feed => {
            let origin = Origin::file(&file.path);
            match read_bytes(file) {
                Ok(bytes) => feed::items(&bytes, origin, None, None),
                Err(error) => Box::new(std::iter::once(Item::Skipped(Skipped::new(origin, error)))),
            }
        }
    }
}

/// Metadata as a source states it, before validation.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    pub url: Option<String>,
    pub title: Option<String>,
    pub outlet: Option<String>,
    /// The publication date as written; parsed (or reported as `bad_date`) by [`finish`].
    pub published: Option<String>,
    /// The language as declared ("en-GB", "ar").
    pub lang: Option<String>,
    pub warnings: Vec<Diagnostic>,
}

/// Reads a whole text or HTML file into one item.
fn read_document(file: &InputFile) -> Item {
    let origin = Origin::file(&file.path);
    match document(file) {
        Ok((fields, body)) => finish(origin, None, fields, body),
        Err(error) => Item::Skipped(Skipped::new(origin, error)),
    }
}

/// The bytes of a whole file (decompressed when `.gz`), refusing more than [`MAX_ITEM_BYTES`].
pub(crate) fn read_bytes(file: &InputFile) -> Result<Vec<u8>, IngestError> {
    if file.size > MAX_ITEM_BYTES {
        return Err(IngestError::TooLarge { size: file.size });
    }
    // Room for the whole file and one byte more, so that reading it never grows (and copies) the
    // buffer; `size` is at most the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(file.size).unwrap_or(0).saturating_add(1));
    // The file may have grown since it was discovered: never read more than the limit. A gzip
    // file is capped on its decompressed bytes, so a small bomb cannot fill memory.
    let raw = File::open(&file.path)?;
    if is_gzip(&file.path) {
        flate2::read::MultiGzDecoder::new(raw).take(MAX_ITEM_BYTES + 1).read_to_end(&mut bytes)?;
    } else {
        raw.take(MAX_ITEM_BYTES + 1).read_to_end(&mut bytes)?;
    }
    let read = bytes.len() as u64;
    if read > MAX_ITEM_BYTES {
        return Err(IngestError::TooLarge { size: read.max(file.size) });
    }
    if bytes.trim_ascii().is_empty() {
        return Err(IngestError::Empty("file"));
    }
    decode::check_binary(&bytes)?;
    Ok(bytes)
}

fn document(file: &InputFile) -> Result<(Fields, String), IngestError> {
    let bytes = read_bytes(file)?;
    match file.format {
        Format::Html => Ok(html_document(decode::decode_html(&bytes))),
        Format::Text | Format::Jsonl | Format::Feed | Format::Warc => Ok(text_document(decode::decode_text(&bytes))),
    }
}

/// The metadata and main text of a decoded HTML page, with the decoding's warning if any. Every
/// HTML path (files, fetched pages, archived responses) reads a page through here.
pub(crate) fn html_document(decoded: decode::Decoded<'_>) -> (Fields, String) {
    let doc = parse_html(&decoded.text);
    let fields = Fields {
        url: doc.url,
        title: doc.title,
        outlet: doc.outlet,
        published: doc.published,
        lang: doc.lang,
        warnings: decoded.warning.into_iter().collect(),
    };
    (fields, doc.text)
}

/// The header lines and body of a decoded text file, with the decoding's warning first.
pub(crate) fn text_document(decoded: decode::Decoded<'_>) -> (Fields, String) {
    let (mut fields, body) = text_file::parse(&decoded.text);
    fields.warnings.splice(0..0, decoded.warning);
    (fields, body)
}

/// Validates metadata and builds the article: an empty body is skipped, an unparseable date is
/// dropped with a `bad_date` warning, a missing date falls back to one written in the URL's path
/// (`/2019/12/31/`), a missing outlet to the URL's host, and an undeclared language to the one
/// detected in the text.
pub(crate) fn finish(origin: Origin, source_id: Option<String>, fields: Fields, text: String) -> Item {
    if text.trim().is_empty() {
        return Item::Skipped(Skipped::new(origin, IngestError::Empty("body")));
    }
    let mut warnings = fields.warnings;
    let tidy =
        |s: Option<String>| s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty());
    let published = tidy(fields.published).and_then(|raw| {
        let date = parse_date(&raw);
        if date.is_none() {
            warnings.push(Diagnostic::warning("bad_date", format!("unparseable publication date {raw:?}")));
        }
        date
    });
    let url = tidy(fields.url);
    let published = published.or_else(|| url.as_deref().and_then(date_in_url));
    let outlet = tidy(fields.outlet).or_else(|| url.as_deref().and_then(host));
    let lang = fields.lang.as_deref().and_then(primary_lang).or_else(|| detect_lang(&text));
    Item::Article(RawArticle {
        origin,
        source_id: tidy(source_id),
        url,
        title: tidy(fields.title),
        outlet,
        published,
        lang,
        text,
        warnings,
    })
}
