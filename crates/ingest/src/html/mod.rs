//! HTML pages to article text and metadata: a first main-content extraction.
//!
//! Content: elements that are never article text (script, style, noscript, nav, header, footer,
//! aside, form, and hidden or interactive elements) are dropped. Then, first that gives text:
//! 1. an element marked `itemprop=articleBody`: all its text;
//! 2. the `<article>` with the most text, else `<main>` — each only when it holds a fair share of
//!    the page's paragraph text (a lone `<article>` is often a teaser card): its paragraphs
//!    (`p`, `h1`–`h4`, `li`, `blockquote`);
//! 3. the block holding the most prose outside links (see [`densest`]; a block whose class names
//!    it as the story — "entry-content", "article-body" — counts half again): all its text;
//! 4. the paragraphs of `<body>`; then the same keeping headers, footers and forms (some sites
//!    wrap the whole page in one); then the text of every block.
//!
//! Below the chosen root, the headline (`h1`, kept as the title), figures and captions, blocks whose
//! class or id names them as comments, sharing, related links, bylines and the like (whole words:
//! "post-comments", not "commentary"), and paragraphs that are mostly link text are left out.
//! Before parsing, comments, scripts, styles and SVG are cut out of the page ([`strip`]): the
//! parser is most of the time spent, and they are often half the bytes.
//!
//! Paragraphs come out separated by blank lines, with `<br>` as a line break. On the
//! article-extraction benchmark (181 real pages; `bench/html/run` scores it next to Python
//! trafilatura) this scores F1 0.97.
//!
//! Metadata: title from `og:title`, `<title>`, then the first `<h1>`; url from the canonical link
//! or `og:url` (absolute http(s) only); outlet from `og:site_name`; publication date candidates
//! from meta tags, JSON-LD `datePublished` and `<time datetime>`, best first.

mod strip;

use crate::date::parse_date;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node};
use std::collections::HashMap;

/// What an HTML page yields: body text and the metadata it declares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HtmlDocument {
    pub title: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    /// The publication date as written: the first candidate that parses, else the best candidate.
    pub published: Option<String>,
    /// The language as declared: `<html lang>`, else a `content-language` or `og:locale` meta tag.
    pub lang: Option<String>,
    /// Paragraphs separated by blank lines.
    pub text: String,
}

/// Extracts article text and metadata from an HTML page. Never fails: a page without content
/// gives empty text.
pub fn parse_html(source: &str) -> HtmlDocument {
    let doc = Html::parse_document(&strip::strip(source));
    let root = doc.tree.root();
    let mut out = HtmlDocument { text: content(root), ..HtmlDocument::default() };
    metadata(root, &mut out);
    out
}

/// How an extraction pass treats the page, from the specified rules to last resorts.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Mode {
    /// Keep `header`, `footer` and `form` (some sites wrap the whole page in one).
    keep_chrome: bool,
    /// Emit the text of every block, not only of paragraph elements.
    all_blocks: bool,
}

const STRICT: Mode = Mode { keep_chrome: false, all_blocks: false };
const RELAXED: Mode = Mode { keep_chrome: true, all_blocks: false };
const LOOSE: Mode = Mode { keep_chrome: true, all_blocks: true };
/// For an element that declares itself the article body: all its text is content.
const ALL_TEXT: Mode = Mode { keep_chrome: false, all_blocks: true };

/// An `<article>` or `<main>` is taken as the content root only when it holds at least this share
/// of the page's paragraph text: a page whose only `<article>` is a teaser card keeps its story
/// in the body.
const MIN_ROOT_SHARE: f64 = 0.4;

fn content(root: NodeRef<'_, Node>) -> String {
    content_paragraphs(root).join("\n\n")
}

fn content_paragraphs(root: NodeRef<'_, Node>) -> Vec<String> {
    let roots = Roots::find(root);
    if let Some(text) = roots.article_body.map(|node| paragraphs(node, ALL_TEXT)).filter(|p| !p.is_empty()) {
        return text;
    }
    let page = roots.body.unwrap_or(root);
    // Only needed to weigh an <article> or <main> against: most pages of the web have neither.
    let page_len =
        if roots.articles.is_empty() && roots.main.is_none() { 0 } else { text_len(&paragraphs(page, STRICT)) };
    // Pages list related stories as <article> cards too: the story is the one with the most text.
    let article = roots.articles.iter().map(|a| paragraphs(*a, STRICT)).max_by_key(|p| text_len(p));
    let main = roots.main.map(|m| paragraphs(m, STRICT));
    for candidate in [article, main].into_iter().flatten() {
        let len = text_len(&candidate);
        if len > 0 && len as f64 >= MIN_ROOT_SHARE * page_len as f64 {
            return candidate;
        }
    }
    if let Some(node) = densest(page) {
        let text = paragraphs(node, DENSEST_MODE);
        if !text.is_empty() {
            return text;
        }
    }
    for mode in [STRICT, RELAXED, LOOSE] {
        let text = paragraphs(page, mode);
        if !text.is_empty() {
            return text;
        }
    }
    Vec::new()
}

/// Least text (in chars, outside links) a block needs to count as a paragraph of prose.
const MIN_PROSE_CHARS: usize = 25;

/// Least prose (in chars) the densest block must hold to be taken as the article.
const MIN_DENSEST_CHARS: usize = 200;

const DENSEST_MODE: Mode = ALL_TEXT;

/// The block that holds the most prose: each block with at least [`MIN_PROSE_CHARS`] of text
/// outside links credits its length to its parent block, half of it to the grandparent, and (when
/// it is not a paragraph element) to itself. Menus are links and score nothing, comment threads
/// and sidebars are not counted; sites that write their story as text and `<br>`s in `<div>`s are
/// found as well as those that use `<p>`s.
fn densest(page: NodeRef<'_, Node>) -> Option<NodeRef<'_, Node>> {
    let mut credit: HashMap<NodeId, usize> = HashMap::new();
    // Open block elements with the prose counted directly in each.
    let mut blocks: Vec<(NodeRef<'_, Node>, usize)> = Vec::new();
    let mut skip = 0usize;
    let mut links = 0usize;
    for edge in page.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    if skip > 0 || dropped(element, STRICT) || off_topic(element) {
                        skip += 1;
                    } else if element.name() == "a" {
                        links += 1;
                    } else if is_block(element.name()) {
                        blocks.push((node, 0));
                    }
                }
                Node::Text(text) if skip == 0 && links == 0 => {
                    if let Some((_, own)) = blocks.last_mut() {
                        *own += text.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Some(element) = node.value().as_element() else {
                    continue;
                };
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if element.name() == "a" {
                    links = links.saturating_sub(1);
                    continue;
                }
                if !is_block(element.name()) {
                    continue;
                }
                let Some((block, own)) = blocks.pop() else {
                    continue;
                };
                if own < MIN_PROSE_CHARS {
                    continue;
                }
                // A block of prose credits its container fully and the container's parent by
                // half; a block that is not a paragraph element may be the container itself.
                if !is_paragraph(element.name()) {
                    *credit.entry(block.id()).or_default() += own;
                }
                let mut above = blocks.iter().rev();
                if let Some((container, _)) = above.next() {
                    *credit.entry(container.id()).or_default() += own;
                }
                if let Some((parent, _)) = above.next() {
                    *credit.entry(parent.id()).or_default() += own / 2;
                }
            }
        }
    }
    // A block whose class or id names it as the story is preferred over lists of other stories
    // with as much prose; on a tie the innermost block wins (ids grow in document order).
    let (id, score) = credit
        .into_iter()
        .map(|(id, score)| {
            let named = page
                .tree()
                .get(id)
                .and_then(|n| n.value().as_element())
                .is_some_and(|e| [attr(e, "class"), attr(e, "id")].into_iter().flatten().any(names_story));
            (id, if named { score + score / 2 } else { score })
        })
        .max_by_key(|(id, score)| (*score, *id))?;
    (score >= MIN_DENSEST_CHARS).then(|| page.tree().get(id)).flatten()
}

/// Blocks whose class or id says they are not the story (comment threads, sidebars, related
/// links): their text is not counted when looking for the densest block.
fn off_topic(element: &scraper::node::Element) -> bool {
    const MARKERS: &[&str] = &["comment", "sidebar", "related", "share", "social", "promo", "newsletter", "advert"];
    [attr(element, "class"), attr(element, "id")].into_iter().flatten().any(|value| {
        let value = value.to_ascii_lowercase();
        MARKERS.iter().any(|m| value.contains(m))
    })
}

fn text_len(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(String::len).sum()
}

/// The elements that may hold the article.
struct Roots<'a> {
    article_body: Option<NodeRef<'a, Node>>,
    articles: Vec<NodeRef<'a, Node>>,
    main: Option<NodeRef<'a, Node>>,
    body: Option<NodeRef<'a, Node>>,
}

impl<'a> Roots<'a> {
    fn find(root: NodeRef<'a, Node>) -> Roots<'a> {
        let mut roots = Roots { article_body: None, articles: Vec::new(), main: None, body: None };
        for node in root.descendants() {
            let Some(element) = node.value().as_element() else {
                continue;
            };
            match element.name() {
                "article" => roots.articles.push(node),
                "main" if roots.main.is_none() => roots.main = Some(node),
                "body" if roots.body.is_none() => roots.body = Some(node),
                _ => {}
            }
            if roots.article_body.is_none() && has_token(attr(element, "itemprop"), "articleBody") {
                roots.article_body = Some(node);
            }
        }
        roots
    }
}

/// The value of an element's attribute. Compares names as text: `Element::attr` interns the name
/// it is given on every call, which was a twentieth of extraction time.
fn attr<'e>(element: &'e scraper::node::Element, name: &str) -> Option<&'e str> {
    element.attrs().find_map(|(key, value)| (key == name).then_some(value))
}

/// Elements whose contents are never article text.
fn dropped(element: &scraper::node::Element, mode: Mode) -> bool {
    let name = element.name();
    let always = matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "aside"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "button"
            | "select"
            | "textarea"
            | "head"
    );
    let chrome = matches!(name, "header" | "footer" | "form");
    let hidden = attr(element, "hidden").is_some()
        || attr(element, "aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || attr(element, "style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        });
    always || hidden || (chrome && !mode.keep_chrome)
}

fn is_paragraph(name: &str) -> bool {
    matches!(name, "p" | "h1" | "h2" | "h3" | "h4" | "li" | "blockquote" | "tr")
}

/// Elements that start and end a block of text.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "form"
            | "table"
            | "thead"
            | "tbody"
            | "tr"
            | "caption"
            | "figure"
            | "figcaption"
            | "hr"
            | "address"
            | "details"
            | "summary"
            | "fieldset"
            | "center"
            | "body"
            | "html"
    )
}

/// The paragraphs under `root`, whitespace-normalised, in document order. Below the root, the
/// headline (`h1`, reported as the title), figures and their captions, blocks whose class or id
/// says they are not the story (see [`off_topic`]) and paragraphs that are mostly link text
/// (menus, lists of other stories, share buttons) are left out.
fn paragraphs(root: NodeRef<'_, Node>, mode: Mode) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = Paragraph::default();
    // Depth inside dropped elements, inside paragraph elements and inside links.
    let mut skip = 0usize;
    let mut para = 0usize;
    let mut links = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    let below_root = node.id() != root.id();
                    if skip > 0 || dropped(element, mode) || (below_root && not_story(element)) {
                        skip += 1;
                        continue;
                    }
                    let name = element.name();
                    if is_block(name) {
                        buf.flush(&mut out);
                    }
                    if is_paragraph(name) {
                        para += 1;
                    }
                    if name == "a" {
                        links += 1;
                    }
                    if name == "br" {
                        buf.text.push('\n');
                    }
                    // A table row is one line, its cells apart.
                    if matches!(name, "td" | "th") {
                        buf.push(" ", false);
                    }
                }
                Node::Text(text) if skip == 0 && (para > 0 || mode.all_blocks) => buf.push(text, links > 0),
                _ => {}
            },
            Edge::Close(node) => {
                let Some(element) = node.value().as_element() else {
                    continue;
                };
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let name = element.name();
                if is_block(name) {
                    buf.flush(&mut out);
                }
                if is_paragraph(name) {
                    para = para.saturating_sub(1);
                }
                if name == "a" {
                    links = links.saturating_sub(1);
                }
            }
        }
    }
    buf.flush(&mut out);
    out
}

/// Elements below the content root that are not the story: the headline, figures and captions,
/// and blocks marked as comments, sharing, related links and the like.
fn not_story(element: &scraper::node::Element) -> bool {
    match element.name() {
        "h1" | "figure" | "figcaption" => true,
        // Layout classes on the page's own wrappers name their sidebars ("one-sidebar").
        "body" | "html" | "main" | "article" => false,
        _ => [attr(element, "class"), attr(element, "id")].into_iter().flatten().any(names_not_story),
    }
}

/// Whether a class or id attribute names a block that is not the story: one of its words (split
/// at spaces, `-` and `_`) is in [`NOT_STORY`]. Whole words only: "l-sidebar-fixed" wraps some
/// sites' stories, "comment" does not match "commentary".
fn names_not_story(value: &str) -> bool {
    value
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|word| NOT_STORY.iter().any(|m| word.eq_ignore_ascii_case(m)))
}

/// Whether a class or id attribute names the story itself ("article-body", "entry-content").
fn names_story(value: &str) -> bool {
    value
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|word| STORY.iter().any(|m| word.eq_ignore_ascii_case(m)))
}

/// Words in class names and ids of blocks that hold the story.
const STORY: &[&str] = &["article", "content", "post", "entry", "story", "body", "text"];

/// Words in class names and ids of blocks that are not the story.
const NOT_STORY: &[&str] = &[
    "comment",
    "comments",
    "disqus",
    "related",
    "share",
    "sharing",
    "sharedaddy",
    "promo",
    "newsletter",
    "advert",
    "advertisement",
    "subscribe",
    "subscription",
    "recommended",
    "popular",
    "outbrain",
    "taboola",
    "breadcrumb",
    "breadcrumbs",
    "caption",
    "credit",
    "byline",
    "tags",
    "author",
    "bio",
    "signup",
    "cookie",
    "cookies",
    "consent",
    "recommends",
];

/// A paragraph being collected, with how much of its text is inside links.
#[derive(Default)]
struct Paragraph {
    text: String,
    chars: usize,
    link_chars: usize,
}

impl Paragraph {
    /// Appends text with runs of whitespace collapsed to one space (word by word: this runs over
    /// every text node of the page, several times).
    fn push(&mut self, text: &str, in_link: bool) {
        let mut gap = text.starts_with(char::is_whitespace);
        for word in text.split_whitespace() {
            if gap {
                self.space();
            }
            self.text.push_str(word);
            let chars = word.chars().count();
            self.chars += chars;
            if in_link {
                self.link_chars += chars;
            }
            gap = true;
        }
        if text.ends_with(char::is_whitespace) {
            self.space();
        }
    }

    /// One space between words, none at the start of the paragraph or of a line.
    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with([' ', '\n']) {
            self.text.push(' ');
        }
    }

    /// Ends the paragraph: trims each of its lines and drops empty ones. A paragraph that is
    /// mostly (over 60%) link text is a menu or a list of other pages, not the story.
    fn flush(&mut self, out: &mut Vec<String>) {
        if self.link_chars * 5 <= self.chars * 3 {
            let lines: Vec<&str> = self.text.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect();
            if !lines.is_empty() {
                out.push(lines.join("\n"));
            }
        }
        // The buffer is kept for the next paragraph: one allocation per page, not per paragraph.
        self.text.clear();
        self.chars = 0;
        self.link_chars = 0;
    }
}

/// Collapses whitespace in an attribute or title text; `None` when nothing is left.
fn tidy(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

fn has_token(attr: Option<&str>, token: &str) -> bool {
    attr.is_some_and(|a| a.split_whitespace().any(|t| t.eq_ignore_ascii_case(token)))
}

fn absolute_url(s: &str) -> Option<String> {
    let s = s.trim();
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| s.to_string())
}

/// Where a publication date came from, best first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DateSource {
    ArticlePublishedTime,
    OgPublishedTime,
    ItempropDatePublished,
    JsonLd,
    MetaDate,
    OtherMeta,
    TimeElement,
}

fn meta_date_source(key: &str) -> Option<DateSource> {
    Some(match key {
        "article:published_time" => DateSource::ArticlePublishedTime,
        "og:published_time" => DateSource::OgPublishedTime,
        "datepublished" => DateSource::ItempropDatePublished,
        "date" => DateSource::MetaDate,
        "pubdate" | "publishdate" | "publish-date" | "publish_date" | "dc.date.issued" | "dc.date"
        | "dcterms.issued" | "dcterms.created" | "parsely-pub-date" | "sailthru.date" | "article.published"
        | "datecreated" => DateSource::OtherMeta,
        _ => return None,
    })
}

fn metadata(root: NodeRef<'_, Node>, out: &mut HtmlDocument) {
    let mut og_title = None;
    let mut title = None;
    let mut h1 = None;
    let mut canonical = None;
    let mut og_url = None;
    let mut dates: Vec<(DateSource, String)> = Vec::new();
    let mut publisher = None;
    let mut meta_lang = None;

    for node in root.descendants() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        match element.name() {
            "meta" => {
                let Some(content) = attr(element, "content") else {
                    continue;
                };
                for key in ["property", "name", "itemprop", "http-equiv"].iter().filter_map(|k| attr(element, k)) {
                    let key = key.trim().to_ascii_lowercase();
                    match key.as_str() {
                        "og:title" if og_title.is_none() => og_title = tidy(content),
                        "og:url" if og_url.is_none() => og_url = absolute_url(content),
                        "og:site_name" if out.outlet.is_none() => out.outlet = tidy(content),
                        "og:locale" | "content-language" | "language" if meta_lang.is_none() => {
                            meta_lang = tidy(content);
                        }
                        _ => {
                            if let (Some(source), Some(value)) = (meta_date_source(&key), tidy(content)) {
                                dates.push((source, value));
                            }
                        }
                    }
                }
            }
            "html" if out.lang.is_none() => out.lang = attr(element, "lang").and_then(tidy),
            "title" if title.is_none() => title = tidy(&text_of(node)),
            "h1" if h1.is_none() => h1 = tidy(&text_of(node)),
            "link" if canonical.is_none() && has_token(attr(element, "rel"), "canonical") => {
                canonical = attr(element, "href").and_then(absolute_url);
            }
            "script" if attr(element, "type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) => {
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text_of(node)) {
                    let mut found = Vec::new();
                    json_ld_dates(&json, &mut found, 0);
                    dates.extend(found.into_iter().map(|d| (DateSource::JsonLd, d)));
                    if publisher.is_none() {
                        publisher = json_ld_publisher(&json, 0);
                    }
                }
            }
            "time" => {
                if let Some(value) = attr(element, "datetime").and_then(tidy) {
                    dates.push((DateSource::TimeElement, value));
                }
            }
            _ => {
                // Microdata on a visible element: <span itemprop="datePublished" datetime="...">.
                if has_token(attr(element, "itemprop"), "datePublished") {
                    let value = attr(element, "datetime")
                        .or(attr(element, "content"))
                        .and_then(tidy)
                        .or_else(|| tidy(&text_of(node)));
                    if let Some(value) = value {
                        dates.push((DateSource::ItempropDatePublished, value));
                    }
                }
            }
        }
    }

    out.title = og_title.or(title).or(h1);
    out.outlet = out.outlet.take().or(publisher);
    out.lang = out.lang.take().or(meta_lang);
    out.url = canonical.or(og_url);
    dates.sort_by_key(|(source, _)| *source);
    out.published =
        dates.iter().find(|(_, value)| parse_date(value).is_some()).or(dates.first()).map(|(_, value)| value.clone());
}

/// All text under a node, as written.
fn text_of(node: NodeRef<'_, Node>) -> String {
    node.descendants().filter_map(|n| n.value().as_text()).map(|t| &**t).collect()
}

/// The name of the first `publisher` in a JSON-LD value (an object with a `name`, or a string).
fn json_ld_publisher(value: &serde_json::Value, depth: usize) -> Option<String> {
    if depth > 32 {
        return None;
    }
    match value {
        serde_json::Value::Object(map) => {
            let named = match map.get("publisher") {
                Some(serde_json::Value::String(name)) => tidy(name),
                Some(serde_json::Value::Object(p)) => p.get("name").and_then(|n| n.as_str()).and_then(tidy),
                Some(serde_json::Value::Array(items)) => {
                    items.iter().find_map(|p| p.get("name").and_then(|n| n.as_str()).and_then(tidy))
                }
                _ => None,
            };
            named.or_else(|| map.values().find_map(|v| json_ld_publisher(v, depth + 1)))
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| json_ld_publisher(v, depth + 1)),
        _ => None,
    }
}

/// Every string `datePublished` in a JSON-LD value (objects, arrays and `@graph`s).
fn json_ld_dates(value: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            if let Some(date) = map.get("datePublished").and_then(|d| d.as_str()).and_then(tidy) {
                out.push(date);
            }
            for v in map.values() {
                json_ld_dates(v, out, depth + 1);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                json_ld_dates(v, out, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (page, expected text)
    const TEXT: &[(&str, &str)] = &[
        ("", ""),
        ("<p>Rockets hit the base.</p>", "Rockets hit the base."),
        (
            "<html><head><title>T</title><style>p{}</style></head><body><nav><p>Home</p></nav>\
             <header><p>Site name</p></header><p>First  paragraph\n spans lines.</p><p>Second &amp; last.</p>\
             <footer><p>© 2020</p></footer><script>var x = '<p>no</p>';</script></body></html>",
            "First paragraph spans lines.\n\nSecond & last.",
        ),
        (
            "<body><p>Teaser outside.</p><article><h1>Headline</h1><p>Body <b>bold</b> text.</p>\
             <aside><p>Related</p></aside><ul><li>One</li><li>Two</li></ul><blockquote>Quote</blockquote></article></body>",
            "Body bold text.\n\nOne\n\nTwo\n\nQuote",
        ),
        (
            "<body><article><p>Card.</p></article><article><p>The real story is longer than the card.</p>\
             <p>Second.</p></article></body>",
            "The real story is longer than the card.\n\nSecond.",
        ),
        (
            "<body><article><p>Wrapper.</p><div itemprop=\"articleBody\"><p>Only this.</p></div></article></body>",
            "Only this.",
        ),
        ("<body><div>Share</div><main><p>Main text.</p></main></body>", "Main text."),
        ("<body><p>Line one<br>line two</p></body>", "Line one\nline two"),
        ("<body><p hidden>Hidden.</p><p style=\"display: none\">Also.</p><p>Shown.</p></body>", "Shown."),
        ("<body><form><p>Whole page in a form.</p></form></body>", "Whole page in a form."),
        ("<body><div>Bare div text.</div><div>Another.</div></body>", "Bare div text.\n\nAnother."),
        ("<body><p>  </p><p>\u{a0}</p></body>", ""),
        (
            "<body><ul><li><a href=/>Home</a></li><li><a href=/w>World</a></li></ul><div class=post>\
             <div>Seven rockets struck the Green Zone in Baghdad on Tuesday night, breaking a truce.<br>\
             A girl was killed and five civilians were wounded.</div>\
             <div>A group calling itself Ashab al-Kahf claimed the attack in a statement on Telegram. Kata'ib Hizbollah distanced itself.</div></div>\
             <div class=comments><div>A reader's comment that is long enough to count as prose, and then some more words, \
             and more, and still more words so that it would win if it were counted at all.</div></div></body>",
            "Seven rockets struck the Green Zone in Baghdad on Tuesday night, breaking a truce.\n\
             A girl was killed and five civilians were wounded.\n\n\
             A group calling itself Ashab al-Kahf claimed the attack in a statement on Telegram. Kata'ib Hizbollah distanced itself.",
        ),
        (
            "<body><article><p>A teaser card.</p></article><div><p>The story itself is told here in a paragraph.</p>\
             <p>And it goes on in a second paragraph.</p></div></body>",
            "A teaser card.\n\nThe story itself is told here in a paragraph.\n\nAnd it goes on in a second paragraph.",
        ),
        ("<p>Unclosed <b>tags <i>everywhere", "Unclosed tags everywhere"),
        // Below the content root: captions, link lists and blocks named as not the story go.
        (
            "<body><article><h1>Headline</h1><p>Rockets hit the base.</p>\
             <figure><img src=a.jpg><figcaption>Smoke over the base. Photo: AP</figcaption></figure>\
             <p>Read more: <a href=/x>Who fires the rockets at the base</a></p>\
             <ul><li><a href=/a>Most read story</a></li><li><a href=/b>Another story</a></li></ul>\
             <div class=\"post-comments\"><p>A reader says the base was hit before.</p></div>\
             <div class=\"share-bar\"><p>Share this on Facebook</p></div>\
             <p>A contractor was killed, said <a href=/p>the Pentagon</a>.</p></article></body>",
            "Rockets hit the base.\n\nA contractor was killed, said the Pentagon.",
        ),
        // A table row is one line; a block named as the story beats a list of teasers as long.
        (
            "<body><table><tr><th>Base</th><th>Rockets</th></tr><tr><td>K1</td><td>30</td></tr></table></body>",
            "Base Rockets\n\nK1 30",
        ),
        (
            "<body><div class=teasers><div>One teaser about another story, with enough words to be prose, and some more.</div>\
             <div>Second teaser about yet another story, also long enough to count as prose here.</div>\
             <div>Third teaser about a third story, written long enough to count as prose too.</div></div>\
             <div class=entry-content><div>Rockets hit the K1 base near Kirkuk on Friday, killing a contractor.</div>\
             <div>The United States blamed Kata'ib Hizbollah for the attack on the base.</div>\
             <div>Two days later US aircraft struck five sites of the militia in Iraq and Syria.</div></div></body>",
            "Rockets hit the K1 base near Kirkuk on Friday, killing a contractor.\n\n\
             The United States blamed Kata'ib Hizbollah for the attack on the base.\n\n\
             Two days later US aircraft struck five sites of the militia in Iraq and Syria.",
        ),
        // Whole words only: a layout class naming a sidebar, or "commentary", is still the story.
        (
            "<body><article><div class=\"l-sidebar-fixed\"><p>Story in a sidebar layout.</p></div>\
             <div class=commentary><p>An opinion piece.</p></div></article></body>",
            "Story in a sidebar layout.\n\nAn opinion piece.",
        ),
        ("<body><p>العربية &#8211; نص</p></body>", "العربية – نص"),
    ];

    #[test]
    fn extracts_text() {
        for (page, expected) in TEXT {
            assert_eq!(parse_html(page).text, *expected, "{page:?}");
        }
    }

    #[derive(Debug, PartialEq)]
    struct Meta<'a> {
        title: Option<&'a str>,
        url: Option<&'a str>,
        outlet: Option<&'a str>,
        published: Option<&'a str>,
    }

    const fn meta<'a>(
        title: Option<&'a str>,
        url: Option<&'a str>,
        outlet: Option<&'a str>,
        published: Option<&'a str>,
    ) -> Meta<'a> {
        Meta { title, url, outlet, published }
    }

    /// (page, expected metadata)
    const META: &[(&str, Meta<'static>)] = &[
        ("<p>x</p>", meta(None, None, None, None)),
        (
            "<head><title> Page  title </title><meta property=\"og:title\" content=\"OG title\">\
             <meta property=\"og:site_name\" content=\"Example News\"><meta property=\"og:url\" content=\"https://example.com/og\">\
             <link rel=\"canonical\" href=\"https://example.com/canonical\">\
             <meta property=\"article:published_time\" content=\"2019-12-31T10:00:00Z\"></head><body><h1>H1</h1></body>",
            meta(Some("OG title"), Some("https://example.com/canonical"), Some("Example News"), Some("2019-12-31T10:00:00Z")),
        ),
        (
            "<head><title>Page title</title><link rel=canonical href=/relative><meta property=og:url content=https://e.com/a></head>",
            meta(Some("Page title"), Some("https://e.com/a"), None, None),
        ),
        ("<body><h1>Only <em>h1</em></h1></body>", meta(Some("Only h1"), None, None, None)),
        (
            "<script type=\"application/ld+json\">{\"@graph\":[{\"@type\":\"NewsArticle\",\"datePublished\":\"2020-11-17T08:00:00+03:00\"}]}</script>\
             <meta name=\"date\" content=\"2020-11-18\">",
            meta(None, None, None, Some("2020-11-17T08:00:00+03:00")),
        ),
        ("<meta name=\"pubdate\" content=\"20201117\"><time datetime=\"2020-11-17\">Tue</time>", meta(None, None, None, Some("2020-11-17"))),
        ("<meta name=\"date\" content=\"last Tuesday\">", meta(None, None, None, Some("last Tuesday"))),
        ("<span itemprop=\"datePublished\" content=\"2024-01-28\">28 Jan</span>", meta(None, None, None, Some("2024-01-28"))),
        ("<script type=\"application/ld+json\">{not json</script>", meta(None, None, None, None)),
    ];

    #[test]
    fn extracts_metadata() {
        for (page, expected) in META {
            let doc = parse_html(page);
            let got = meta(doc.title.as_deref(), doc.url.as_deref(), doc.outlet.as_deref(), doc.published.as_deref());
            assert_eq!(&got, expected, "{page:?}");
        }
    }

    #[test]
    fn language_and_publisher() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            ("<html lang=en-GB><p>x</p></html>", Some("en-GB"), None),
            ("<meta http-equiv=content-language content=ar><p>x</p>", Some("ar"), None),
            ("<html lang=fr><meta property=og:locale content=en_US></html>", Some("fr"), None),
            ("<meta property=og:locale content=en_US>", Some("en_US"), None),
            (
                "<script type=application/ld+json>{\"@graph\":[{\"publisher\":{\"@type\":\"Organization\",\"name\":\"Wire  Service\"}}]}</script>",
                None,
                Some("Wire Service"),
            ),
            (
                "<meta property=og:site_name content=Site><script type=application/ld+json>{\"publisher\":\"Other\"}</script>",
                None,
                Some("Site"),
            ),
        ];
        for (page, lang, outlet) in cases {
            let doc = parse_html(page);
            assert_eq!((doc.lang.as_deref(), doc.outlet.as_deref()), (*lang, *outlet), "{page:?}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let page = format!("{}<p>deep</p>{}", "<div>".repeat(2_000), "</div>".repeat(2_000));
        assert_eq!(parse_html(&page).text, "deep");
        let page = format!("<script type=application/ld+json>{}</script><p>x</p>", "[".repeat(10_000));
        let _ = parse_html(&page);
    }
}
