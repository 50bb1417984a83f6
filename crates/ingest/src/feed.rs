//! RSS 2.0, Atom and JSON Feed: each item becomes an article, read from the page it links to when
//! that can be fetched, else from the text the feed itself carries (summary or content).

use crate::fetch::{Fetched, Fetcher};
use crate::{finish, Fields, IngestError, Item, Origin};
use ego_tree::iter::Edge;
use scraper::{Html, Node};
use sitrep_model::Diagnostic;

/// How many leading bytes are looked at to tell a feed from other XML or JSON.
const SNIFF_BYTES: usize = 4 * 1024;

/// A feed as sitrep needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// The site the feed belongs to (its first link).
    pub link: Option<String>,
    pub entries: Vec<FeedEntry>,
}

/// One item of a feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedEntry {
    /// The feed's id for the item (`guid`, Atom `id`, JSON `id`); else its link, else its title.
    pub id: String,
    pub title: Option<String>,
    /// The article's address, absolute when the feed had a base URL.
    pub link: Option<String>,
    /// RFC 3339, in UTC (feed-rs normalises time zones).
    pub published: Option<String>,
    /// The item's own text: its content if it has any, else its summary, reduced to plain text.
    pub text: Option<String>,
}

/// Whether the first bytes look like an RSS, Atom, RDF or JSON feed rather than some other XML
/// or JSON document.
pub fn looks_like_feed(head: &[u8]) -> bool {
    let head = head.get(..SNIFF_BYTES).unwrap_or(head);
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head).trim_ascii_start();
    let lower = head.to_ascii_lowercase();
    let contains = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    match lower.first() {
        Some(b'{') => contains(b"jsonfeed.org/version"),
        Some(b'<') => {
            // An HTML page may mention "<rss" in a script; a feed has no <html> element.
            !contains(b"<html") && (contains(b"<rss") || contains(b"<feed") || contains(b"<rdf:rdf"))
        }
        _ => false,
    }
}

/// Parses a feed. `base_url` (where it was fetched from) makes relative item links absolute.
pub fn parse_feed(bytes: &[u8], base_url: Option<&str>) -> Result<ParsedFeed, IngestError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base_url)
        // An item without an id gets its link (or title) as id, not feed-rs's random UUID, so
        // reading the same feed twice gives the same ids.
        .id_generator(|links, title, uri| {
            links
                .first()
                .map(|l| l.href.clone())
                .or_else(|| title.as_ref().map(|t| t.content.clone()))
                .or_else(|| uri.map(str::to_string))
                .unwrap_or_default()
        })
        .build();
    let feed = parser.parse(bytes).map_err(|e| IngestError::BadFeed(e.to_string()))?;
    let entries = feed
        .entries
        .into_iter()
        .map(|entry| {
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(entry.links.first())
                .map(|l| absolute(l.href.trim(), base_url))
                .filter(|l| !l.is_empty());
            let content = entry.content.as_ref().and_then(|c| {
                let body = c.body.as_deref()?;
                Some(to_text(body, c.content_type.as_ref().contains("html")))
            });
            let summary = entry.summary.as_ref().map(|s| to_text(&s.content, s.content_type.as_ref().contains("html")));
            let text = content.filter(|t| !t.is_empty()).or(summary).filter(|t| !t.is_empty());
            FeedEntry {
                id: entry.id,
                title: entry.title.map(|t| to_text(&t.content, t.content_type.as_ref().contains("html"))),
                link,
                published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
                text,
            }
        })
        .collect();
    Ok(ParsedFeed {
        title: feed.title.map(|t| to_text(&t.content, false)).filter(|t| !t.is_empty()),
        link: feed.links.first().map(|l| l.href.clone()),
        entries,
    })
}

/// `link` made absolute against `base` (feed-rs does so for XML feeds, not for JSON Feed).
fn absolute(link: &str, base: Option<&str>) -> String {
    match (url::Url::parse(link), base.and_then(|b| url::Url::parse(b).ok())) {
        (Err(url::ParseError::RelativeUrlWithoutBase), Some(base)) => {
            base.join(link).map(String::from).unwrap_or_else(|_| link.to_string())
        }
        _ => link.to_string(),
    }
}

/// The article of one feed item. With a fetcher, the item's link is fetched and its page read as
/// an HTML page; when that fails (or yields no text) the item's own text is used, with a
/// `fetch_failed` warning. The outlet is the page's, else the feed's title, else the link's host.
pub fn entry_article(feed: &ParsedFeed, entry: &FeedEntry, origin: Origin, fetcher: Option<&Fetcher>) -> Item {
    let mut fields = Fields {
        url: entry.link.clone(),
        title: entry.title.clone(),
        outlet: feed.title.clone(),
        published: entry.published.clone(),
        lang: None,
        warnings: Vec::new(),
    };
    let fallback = entry.text.clone().unwrap_or_default();
    let (Some(fetcher), Some(link)) = (fetcher, entry.link.as_deref()) else {
        return finish(origin, Some(entry.id.clone()), fields, fallback);
    };
    let fetched = fetcher.get(link, None).and_then(|fetched| match fetched {
        Fetched::Page(page) => crate::source::page_document(&page),
        // No validators were sent, so a 304 is the server's error.
        Fetched::NotModified => Err(IngestError::HttpStatus { url: link.to_string(), status: 304 }),
    });
    match fetched {
        Ok((page, text)) if !text.trim().is_empty() => {
            fields.url = page.url.or(fields.url);
            fields.title = page.title.or(fields.title);
            fields.outlet = page.outlet.or(fields.outlet);
            fields.published = page.published.or(fields.published);
            fields.warnings = page.warnings;
            finish(origin, Some(entry.id.clone()), fields, text)
        }
        Ok(_) => {
            fields.warnings.push(Diagnostic::warning("fetch_failed", format!("{link}: no article text on the page")));
            finish(origin, Some(entry.id.clone()), fields, fallback)
        }
        Err(error) if fallback.trim().is_empty() => Item::Skipped(crate::Skipped::new(origin, error)),
        Err(error) => {
            fields.warnings.push(Diagnostic::warning("fetch_failed", format!("{error}; the feed's own text is used")));
            finish(origin, Some(entry.id.clone()), fields, fallback)
        }
    }
}

/// The items of a feed's bytes: one article (or skipped item) per entry, lazily, so that each
/// linked page is fetched only when its item is wanted. `origin.line` becomes the item number.
pub(crate) fn items(
    bytes: &[u8],
    origin: Origin,
    base_url: Option<&str>,
    fetcher: Option<Fetcher>,
) -> Box<dyn Iterator<Item = Item> + Send> {
    let feed = match parse_feed(bytes, base_url) {
        Ok(feed) => feed,
        Err(error) => return Box::new(std::iter::once(Item::Skipped(crate::Skipped::new(origin, error)))),
    };
    if feed.entries.is_empty() {
        return Box::new(std::iter::once(Item::Skipped(crate::Skipped::new(origin, IngestError::Empty("feed")))));
    }
    let mut feed = feed;
    let entries = std::mem::take(&mut feed.entries);
    Box::new(entries.into_iter().enumerate().map(move |(i, entry)| {
        let origin = Origin { path: origin.path.clone(), line: Some(i + 1) };
        entry_article(&feed, &entry, origin, fetcher.as_ref())
    }))
}

/// Plain text of a feed field: HTML reduced to its text with block elements as paragraph breaks;
/// plain text with its whitespace tidied per paragraph.
fn to_text(content: &str, html: bool) -> String {
    // Feeds often mark HTML as plain text; markup in "plain" text is read as HTML too.
    let raw =
        if html || (content.contains('<') && content.contains('>')) { html_text(content) } else { content.to_string() };
    let paragraphs: Vec<String> = raw
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    paragraphs.join("\n\n")
}

fn html_text(fragment: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "tr",
        "table",
        "section",
        "article",
        "figure",
        "figcaption",
        "pre",
        "hr",
    ];
    const SKIP: &[&str] = &["script", "style", "noscript", "template"];
    let doc = Html::parse_fragment(fragment);
    let mut out = String::new();
    let mut skipping = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) if SKIP.contains(&e.name()) => skipping += 1,
                Node::Element(e) if BLOCKS.contains(&e.name()) => out.push_str("\n\n"),
                Node::Text(t) if skipping == 0 => out.push_str(t),
                _ => {}
            },
            Edge::Close(node) => match node.value() {
                Node::Element(e) if SKIP.contains(&e.name()) => skipping = skipping.saturating_sub(1),
                Node::Element(e) if BLOCKS.contains(&e.name()) => out.push_str("\n\n"),
                _ => {}
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_feeds() {
        let cases: &[(&[u8], bool)] = &[
            (b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>", true),
            (b"\xef\xbb\xbf  <feed xmlns=\"http://www.w3.org/2005/Atom\">", true),
            (b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">", true),
            (b"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}", true),
            (b"{\"id\": \"a1\", \"text\": \"Rockets hit\"}", false),
            (b"<html><script>var s='<rss';</script></html>", false),
            (b"<?xml version=\"1.0\"?><kml>", false),
            (b"Rockets hit the base.", false),
            (b"", false),
        ];
        for (head, feed) in cases {
            assert_eq!(looks_like_feed(head), *feed, "{:?}", String::from_utf8_lossy(head));
        }
    }

    fn read(bytes: &[u8]) -> Vec<String> {
        items(bytes, Origin::file(std::path::Path::new("f.xml")), Some("https://wire.example/news/"), None)
            .map(|item| match item {
                Item::Article(a) => format!(
                    "{}: {} | {} | {} | {}",
                    a.origin.line.unwrap_or(0),
                    a.title.unwrap_or_default(),
                    a.url.unwrap_or_default(),
                    a.published.map(|d| d.to_string()).unwrap_or_default(),
                    a.text
                ),
                Item::Skipped(s) => format!("{}: skip {}", s.origin.line.unwrap_or(0), s.code),
            })
            .collect()
    }

    #[test]
    fn rss_items_become_articles() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
            <item><title>Rockets hit K1</title><link>k1-rockets</link><pubDate>Fri, 27 Dec 2019 18:00:00 GMT</pubDate>
              <description><![CDATA[<p>More than 30 rockets struck the K1 base.</p>]]></description></item>
            <item><title>Empty</title><link>https://wire.example/empty</link></item>
            </channel></rss>"#;
        assert_eq!(
            read(rss),
            [
                "1: Rockets hit K1 | https://wire.example/news/k1-rockets | 2019-12-27 | More than 30 rockets struck the K1 base.",
                "2: skip empty",
            ]
        );
    }

    #[test]
    fn malformed_and_hostile_feeds_are_one_error() {
        let cases: &[&[u8]] = &[
            b"<rss version=\"2.0\"><channel><title>Wire</title><item><title>cut",
            b"<rss><channel></channel></rss>",
            b"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [",
            b"\x00\x01\x02",
            b"",
        ];
        for bytes in cases {
            let got = read(bytes);
            assert_eq!(got.len(), 1, "{got:?}");
            assert!(got[0].starts_with("0: skip "), "{got:?}");
        }
        // Entity expansion ("billion laughs") is not performed: no blow-up, at most a short text.
        let mut laughs = String::from("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"lol\">");
        for i in 1..10 {
            laughs.push_str(&format!(
                "<!ENTITY {} \"{}\">",
                (b'a' + i) as char,
                format!("&{};", (b'a' + i - 1) as char).repeat(10)
            ));
        }
        laughs.push_str("]><rss version=\"2.0\"><channel><title>W</title><item><title>t</title><description>&j;</description></item></channel></rss>");
        for item in read(laughs.as_bytes()) {
            assert!(item.len() < 1000, "{item}");
        }
    }

    #[test]
    fn fragments_to_text() {
        assert_eq!(
            to_text("<p>Rockets hit the <b>K1</b> base.</p><p>One killed.<br>Two hurt.</p><script>x()</script>", true),
            "Rockets hit the K1 base.\n\nOne killed.\n\nTwo hurt."
        );
        assert_eq!(to_text("  Seven rockets\n hit the Green Zone. ", false), "Seven rockets hit the Green Zone.");
        assert_eq!(to_text("a < b and c > d", false), "a < b and c > d");
    }
}
