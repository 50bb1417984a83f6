//! Inputs as a user names them — files, directories and http(s) URLs — and the [`Reader`] that
//! turns each into items, fetching feed links and URLs only when it is given a [`Fetcher`].

use crate::decode::{charset_param, check_binary, decode_html_as, decode_text};
use crate::feed::{self, looks_like_feed};
use crate::fetch::{check_url, is_url, FetchState, Fetched, Fetcher, Page};
use crate::{discover, finish, html_document, text_document, Fields, Format, IngestError, InputFile, Item};
use crate::{Origin, Skipped};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// One input: a file found on disk, or a URL to fetch (a feed or a page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(InputFile),
    Url(String),
}

impl Source {
    /// Bytes on disk, for progress; 0 for a URL, whose size is not known before fetching.
    pub fn size(&self) -> u64 {
        match self {
            Source::File(f) => f.size,
            Source::Url(_) => 0,
        }
    }
}

/// Expands command-line inputs in order: `http(s)://` arguments are URLs, other `scheme://`
/// arguments are skipped as `unsupported_scheme`, everything else is a path for [`discover`].
pub fn sources(args: &[PathBuf]) -> (Vec<Source>, Vec<Skipped>) {
    let (mut found, mut skipped) = (Vec::new(), Vec::new());
    for arg in args {
        match arg.to_str().filter(|s| is_url(s)) {
            Some(url) => match check_url(url) {
                Ok(_) => found.push(Source::Url(url.trim().to_string())),
                Err(e) => skipped.push(Skipped::new(Origin::file(arg), e)),
            },
            None => {
                let (files, missing) = discover(std::slice::from_ref(arg));
                found.extend(files.into_iter().map(Source::File));
                skipped.extend(missing);
            }
        }
    }
    (found, skipped)
}

/// Turns sources into items. Offline (the default) it reads files only and takes a feed item's
/// text from the feed; online it also fetches URLs and, when following links, each feed item's
/// page.
#[derive(Debug, Clone, Default)]
pub struct Reader {
    fetcher: Option<Fetcher>,
    follow_links: bool,
}

impl Reader {
    /// Reads local files only; URL sources are skipped as `network_error`.
    pub fn offline() -> Reader {
        Reader::default()
    }

    /// Fetches URL sources with `fetcher`; with `follow_links`, also every feed item's link.
    pub fn online(fetcher: Fetcher, follow_links: bool) -> Reader {
        Reader { fetcher: Some(fetcher), follow_links }
    }

    pub fn fetcher(&self) -> Option<&Fetcher> {
        self.fetcher.as_ref()
    }

    /// Streams the items of one source; nothing here fails or panics — problems are items.
    pub fn read(&self, source: &Source) -> Box<dyn Iterator<Item = Item> + Send> {
        match source {
            Source::File(file) => self.read_file(file),
            Source::Url(url) => self.read_url(url),
        }
    }

    pub fn read_file(&self, file: &InputFile) -> Box<dyn Iterator<Item = Item> + Send> {
        match file.format {
            Format::Feed => {
                let origin = Origin::file(&file.path);
                match crate::read_bytes(file) {
                    Ok(bytes) => feed::items(&bytes, origin, None, self.link_fetcher()),
                    Err(error) => Box::new(std::iter::once(Item::Skipped(Skipped::new(origin, error)))),
                }
            }
            _ => crate::read(file),
        }
    }

    /// Fetches a URL: a feed gives one item per entry, any other page one article.
    pub fn read_url(&self, url: &str) -> Box<dyn Iterator<Item = Item> + Send> {
        let origin = Origin::file(Path::new(url));
        let Some(fetcher) = &self.fetcher else {
            let error = IngestError::Network { url: url.to_string(), message: "fetching is turned off".into() };
            return Box::new(std::iter::once(Item::Skipped(Skipped::new(origin, error))));
        };
        let page = match fetcher.get(url, None) {
            Ok(Fetched::Page(page)) => page,
            Ok(Fetched::NotModified) => {
                let error = IngestError::HttpStatus { url: url.to_string(), status: 304 };
                return Box::new(std::iter::once(Item::Skipped(Skipped::new(origin, error))));
            }
            Err(error) => return Box::new(std::iter::once(Item::Skipped(Skipped::new(origin, error)))),
        };
        self.read_page(page, origin)
    }

    /// One poll of a source URL, as `watch` does on its schedule: a conditional fetch whose
    /// validators and outcome are recorded in `state`. `Ok(None)`: unchanged since the last poll
    /// (304). `Err`: the source failed this time (after retries); `state` says for how long it has
    /// been failing and when to try again.
    pub fn poll(
        &self,
        url: &str,
        state: &mut FetchState,
        now: DateTime<Utc>,
    ) -> Result<Option<Box<dyn Iterator<Item = Item> + Send>>, IngestError> {
        let Some(fetcher) = &self.fetcher else {
            return Err(IngestError::Network { url: url.to_string(), message: "fetching is turned off".into() });
        };
        match fetcher.get_tracked(url, state, now)? {
            Fetched::NotModified => Ok(None),
            Fetched::Page(page) => Ok(Some(self.read_page(page, Origin::file(Path::new(url))))),
        }
    }

    /// The items of a fetched body: a feed's entries, or the page as one article.
    pub fn read_page(&self, page: Page, origin: Origin) -> Box<dyn Iterator<Item = Item> + Send> {
        if is_feed(&page) {
            return feed::items(&page.body, origin, Some(&page.url), self.link_fetcher());
        }
        let item = match page_document(&page) {
            Ok((fields, text)) => finish(origin, None, fields, text),
            Err(error) => Item::Skipped(Skipped::new(origin, error)),
        };
        Box::new(std::iter::once(item))
    }

    fn link_fetcher(&self) -> Option<Fetcher> {
        self.fetcher.clone().filter(|_| self.follow_links)
    }
}

/// Whether a fetched body is a feed: by its declared type, else by its first bytes.
fn is_feed(page: &Page) -> bool {
    let declared = page.content_type.as_deref().unwrap_or("").to_ascii_lowercase();
    declared.contains("rss")
        || declared.contains("atom")
        || declared.contains("feed+json")
        || looks_like_feed(&page.body)
}

/// A fetched page as metadata and text: HTML (or an undeclared type) through the HTML reader
/// with the HTTP charset, `text/plain` as a text file; any other type is `not_html`.
pub(crate) fn page_document(page: &Page) -> Result<(Fields, String), IngestError> {
    let content_type = page.content_type.as_deref().unwrap_or("").trim().to_ascii_lowercase();
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if page.body.trim_ascii().is_empty() {
        return Err(IngestError::Empty("page"));
    }
    check_binary(&page.body)?;
    match mime {
        "" | "text/html" | "application/xhtml+xml" => {
            let (mut fields, text) = html_document(decode_html_as(&page.body, charset_param(&content_type)));
            fields.url = fields.url.or_else(|| Some(page.url.clone()));
            Ok((fields, text))
        }
        "text/plain" => {
            let (mut fields, body) = text_document(decode_text(&page.body));
            fields.url = fields.url.or_else(|| Some(page.url.clone()));
            Ok((fields, body))
        }
        other => Err(IngestError::NotHtml { url: page.url.clone(), content_type: other.to_string() }),
    }
}
