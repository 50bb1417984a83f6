//! Reading input files into raw articles: the only sitrep crate that reads input.
//!
//! Architecture invariants:
//! - Reading never fails and never panics: every input that cannot become an article becomes one
//!   [`Skipped`] item with a stable reason code, so nothing disappears silently.
//! - Memory is bounded by [`MAX_ITEM_BYTES`] per item: JSONL is streamed line by line, and a file
//!   or line over the limit is skipped without being held in memory.
//! - Output is deterministic: [`discover`] sorts directory entries.
//!
//! Formats: plain text with optional headers ([`Format::Text`]), JSONL dumps ([`Format::Jsonl`])
//! and HTML pages ([`Format::Html`]).

mod date;
mod decode;
mod discover;
mod error;
mod html;
mod jsonl;
mod text_file;
mod url;

pub use date::parse_date;
pub use discover::discover;
pub use error::IngestError;
pub use html::{parse_html, HtmlDocument};
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
}

impl Format {
    /// `.jsonl`/`.ndjson` → Jsonl, `.html`/`.htm`/`.xhtml` → Html, everything else → Text
    /// (extensions compared ignoring case).
    pub fn of(path: &Path) -> Format {
        // "page.html.gz" is HTML: the format is that of the name under the compression suffix.
        let path = if is_gzip(path) { Path::new(path.file_stem().unwrap_or_default()) } else { path };
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => Format::Jsonl,
            "html" | "htm" | "xhtml" => Format::Html,
            _ => Format::Text,
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
    /// 1-based line number, for items of line-oriented files.
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
/// line is one [`Skipped`] with its line number. Text and HTML files give exactly one item.
pub fn read(file: &InputFile) -> Box<dyn Iterator<Item = Item> + Send> {
    match file.format {
        Format::Jsonl => jsonl::read(&file.path),
        Format::Text | Format::Html => Box::new(std::iter::once(read_document(file))),
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

fn document(file: &InputFile) -> Result<(Fields, String), IngestError> {
    if file.size > MAX_ITEM_BYTES {
        return Err(IngestError::TooLarge { size: file.size });
    }
    let mut bytes = Vec::new();
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
    match file.format {
        Format::Html => {
            let decoded = decode::decode_html(&bytes);
            let doc = parse_html(&decoded.text);
            let fields = Fields {
                url: doc.url,
                title: doc.title,
                outlet: doc.outlet,
                published: doc.published,
                warnings: decoded.warning.into_iter().collect(),
            };
            Ok((fields, doc.text))
        }
        Format::Text | Format::Jsonl => {
            let decoded = decode::decode_text(&bytes);
            let (mut fields, body) = text_file::parse(&decoded.text);
            fields.warnings.splice(0..0, decoded.warning);
            Ok((fields, body))
        }
    }
}

/// Validates metadata and builds the article: an empty body is skipped, an unparseable date is
/// dropped with a `bad_date` warning, and a missing outlet falls back to the URL's host.
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
    let outlet = tidy(fields.outlet).or_else(|| url.as_deref().and_then(host));
    Item::Article(RawArticle {
        origin,
        source_id: tidy(source_id),
        url,
        title: tidy(fields.title),
        outlet,
        published,
        text,
        warnings,
    })
}
