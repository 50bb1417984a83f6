//! A fast pass before parsing that cuts out what is never article text — comments, scripts (but
//! JSON-LD), styles, SVG drawings, images and media, templates, menus and asides — so the HTML
//! parser, most of the extraction time, reads a page a quarter of its size (46 of 169 KB on
//! average on the article-extraction benchmark).
//!
//! It is conservative: it cuts only a region that starts with one of those tags and ends with its
//! own closing tag, the way a browser's tokenizer reads raw-text elements; an unclosed one cuts
//! to the end of the page, as a browser would swallow it.
//!
//! Tags kept lose the attributes extraction never reads ([`KEEP`]): links' `href`, `data-*`,
//! event handlers, `title`, `aria-label` and the like are about a third of what is left of a page,
//! and the parser's slowest work per byte. Attributes do not change how the parser builds the
//! tree, so the text extracted is the same (checked on the benchmark's pages).

use std::borrow::Cow;

/// Elements whose whole content is cut: raw text (their content ends at the first closing tag,
/// as a browser reads it), then elements never rendered as text or always dropped by extraction
/// (these may nest).
const CUT: &[&[u8]] = &[
    b"script",
    b"style",
    b"noscript",
    b"iframe",
    b"textarea",
    b"svg",
    b"template",
    b"nav",
    b"aside",
    b"select",
    b"button",
    b"math",
    b"canvas",
    b"object",
    b"picture",
    b"video",
    b"audio",
];

/// Void elements cut as a single tag: images and their sources carry long `srcset` attributes the
/// parser would otherwise read, and never article text.
const VOID: &[&[u8]] = &[b"img", b"source", b"input"];

/// The first bytes of comments and of the names in [`CUT`] and [`VOID`].
const MAY_CUT: &[u8] = b"!sntiabmcopv";

/// How many of [`CUT`] are raw-text elements.
const RAW_TEXT: usize = 5;

/// The page without comments and the elements in [`CUT`]; JSON-LD scripts are kept for the
/// metadata they carry.
pub(crate) fn strip(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // Start of the bytes not yet copied to `out`, and where to look for the next '<'.
    let (mut copied, mut at) = (0usize, 0usize);
    let mut kept = Vec::new();
    while let Some(offset) = bytes.get(at..).and_then(|rest| memchr::memchr(b'<', rest)) {
        let open = at + offset;
        let rest = bytes.get(open + 1..).unwrap_or_default();
        let Some(&first) = rest.first() else { break };
        if !first.is_ascii_alphabetic() && first != b'!' {
            at = open + 1;
            continue;
        }
        // Most tags are kept: rule them out by their first letter before comparing names.
        let cut = match MAY_CUT.contains(&first.to_ascii_lowercase()) {
            false => None,
            // An image between two letters renders as nothing between them: no space for it.
            true if VOID.iter().any(|name| starts_tag(rest, name)) => Some((tag_end(bytes, open), false)),
            true => cut_end(bytes, open).map(|end| (end, true)),
        };
        if let Some((end, space)) = cut {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
            // `open` is at an ASCII '<' and `end` after an ASCII '>' (or at the end): both are
            // char boundaries.
            buf.push_str(html.get(copied..open).unwrap_or_default());
            if space {
                buf.push(' ');
            }
            copied = end;
            at = end;
            continue;
        }
        if first == b'!' {
            at = open + 1;
            continue;
        }
        // A kept tag: without the attributes extraction never reads, and past the content of a
        // kept raw-text element (a JSON-LD script, a title), which is text, not tags.
        let end = tag_end(bytes, open);
        let tag = bytes.get(open..end).unwrap_or_default();
        if slim(tag, &mut kept) {
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
            buf.push_str(html.get(copied..open).unwrap_or_default());
            // The name, then each kept attribute after one space, then '>'. Every range starts
            // and ends next to an ASCII byte of the tag's syntax, so on char boundaries.
            for (n, range) in kept.iter().enumerate() {
                if n > 0 {
                    buf.push(' ');
                }
                buf.push_str(html.get(open + range.start..open + range.end).unwrap_or_default());
            }
            buf.push('>');
            copied = end;
        }
        at = match RAW_KEPT.iter().find(|name| starts_tag(rest, name)) {
            Some(name) => close_of(bytes, end, name, false),
            None => end,
        };
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut buf) => {
            buf.push_str(html.get(copied..).unwrap_or_default());
            Cow::Owned(buf)
        }
    }
}

/// Elements kept whose content is text to the parser, never tags: nothing inside is slimmed.
const RAW_KEPT: &[&[u8]] = &[b"script", b"title", b"xmp", b"noembed", b"noframes", b"plaintext"];

/// Attributes extraction reads (`html/mod.rs`); every other one is dropped before parsing.
/// `href` is kept on `<link>` only (the canonical url), not on the thousands of anchors.
const KEEP: &[&[u8]] = &[
    b"class",
    b"id",
    b"itemprop",
    b"hidden",
    b"aria-hidden",
    b"style",
    b"content",
    b"property",
    b"name",
    b"http-equiv",
    b"datetime",
    b"rel",
    b"type",
    b"lang",
    b"charset",
];

/// Whether the start tag `tag` (from its '<' to after its '>') has attributes to drop; if so,
/// `kept` holds the byte ranges of `tag` to keep: its '<' and name, then each kept attribute as
/// written.
fn slim(tag: &[u8], kept: &mut Vec<std::ops::Range<usize>>) -> bool {
    kept.clear();
    if !tag.ends_with(b">") {
        return false;
    }
    let name_end = tag.iter().skip(1).position(|b| is_delimiter(*b)).map_or(tag.len(), |i| i + 1);
    let name = tag.get(1..name_end).unwrap_or_default();
    kept.push(0..name_end);
    let mut dropped = false;
    let mut i = name_end;
    loop {
        while tag.get(i).is_some_and(|b| b.is_ascii_whitespace() || *b == b'/') {
            i += 1;
        }
        let start = i;
        match tag.get(i) {
            None | Some(b'>') => break,
            Some(_) => i += 1,
        }
        while tag.get(i).is_some_and(|b| !(b.is_ascii_whitespace() || matches!(b, b'/' | b'>' | b'='))) {
            i += 1;
        }
        let attribute = tag.get(start..i).unwrap_or_default();
        let mut j = i;
        while tag.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
            j += 1;
        }
        if tag.get(j) == Some(&b'=') {
            j += 1;
            while tag.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
                j += 1;
            }
            i = match tag.get(j) {
                Some(&quote @ (b'"' | b'\'')) => {
                    tag.get(j + 1..).and_then(|rest| memchr::memchr(quote, rest)).map_or(tag.len(), |c| j + c + 2)
                }
                _ => {
                    let mut k = j;
                    while tag.get(k).is_some_and(|b| !(b.is_ascii_whitespace() || *b == b'>')) {
                        k += 1;
                    }
                    k
                }
            };
        }
        let keep = KEEP.iter().any(|k| k.eq_ignore_ascii_case(attribute))
            || (attribute.eq_ignore_ascii_case(b"href") && name.eq_ignore_ascii_case(b"link"));
        match keep {
            true => kept.push(start..i),
            false => dropped = true,
        }
    }
    dropped
}

/// When a region to cut starts at `open` (a '<'), the byte after its end.
fn cut_end(bytes: &[u8], open: usize) -> Option<usize> {
    let rest = bytes.get(open + 1..)?;
    if rest.starts_with(b"!--") {
        return Some(find(bytes, open + 4, b"-->").map_or(bytes.len(), |i| i + 3));
    }
    let index = CUT.iter().position(|name| starts_tag(rest, name))?;
    let name = CUT[index];
    let raw_text = index < RAW_TEXT;
    let tag_end = tag_end(bytes, open);
    let tag = bytes.get(open..tag_end).unwrap_or_default();
    if name == b"script" && contains_ignore_case(tag, b"ld+json") {
        return None;
    }
    // A self-closed <svg/> or <iframe/> has no content to cut.
    if tag.ends_with(b"/>") && !raw_text {
        return Some(tag_end);
    }
    Some(close_of(bytes, tag_end, name, !raw_text))
}

/// The byte after the closing tag of the element `name` whose content starts at `from` (the end
/// of the page when it never closes). When `nests`, same-name elements opened inside it (a nav in
/// a nav) close before it does; raw text (a script, a title) ends at its first closing tag.
fn close_of(bytes: &[u8], from: usize, name: &[u8], nests: bool) -> usize {
    let mut depth = 0usize;
    let mut from = from;
    loop {
        let Some(open) = find(bytes, from, b"<") else {
            return bytes.len();
        };
        let after = bytes.get(open + 1..).unwrap_or_default();
        if let Some(closing) = after.strip_prefix(b"/") {
            if closing.len() >= name.len()
                && closing[..name.len()].eq_ignore_ascii_case(name)
                && closing.get(name.len()).is_none_or(|b| is_delimiter(*b))
            {
                if depth == 0 {
                    return find(bytes, open, b">").map_or(bytes.len(), |i| i + 1);
                }
                depth -= 1;
            }
        } else if nests && starts_tag(after, name) {
            depth += 1;
        }
        from = open + 1;
    }
}

/// The byte after the `>` that ends the tag opening at `open`, as a browser's tokenizer finds it:
/// a `>` inside a quoted attribute value (`alt="a > b"`) does not end it. The end of the page
/// when the tag never ends.
fn tag_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'>' => return i + 1,
            b'=' => {
                i += 1;
                while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
                    i += 1;
                }
                if let Some(&quote @ (b'"' | b'\'')) = bytes.get(i) {
                    match bytes.get(i + 1..).and_then(|rest| memchr::memchr(quote, rest)) {
                        Some(close) => i += close + 2,
                        None => return bytes.len(),
                    }
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Whether `rest` (the bytes after a '<') starts the tag `name`.
fn starts_tag(rest: &[u8], name: &[u8]) -> bool {
    rest.len() > name.len() && rest[..name.len()].eq_ignore_ascii_case(name) && is_delimiter(rest[name.len()])
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = haystack.get(from..)?;
    memchr::memmem::find(rest, needle).map(|i| i + from)
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (page, stripped page)
    const CASES: &[(&str, &str)] = &[
        ("", ""),
        ("<p>plain</p>", "<p>plain</p>"),
        ("<p>a<!-- c -->b</p>", "<p>a b</p>"),
        ("<p>a<!-- unclosed", "<p>a "),
        ("<p>a</p><script>var s = '<p>x</p>';</script><p>b</p>", "<p>a</p> <p>b</p>"),
        ("<SCRIPT type=text/javascript>x</Script ><p>b</p>", " <p>b</p>"),
        ("<script>if (a </b) {}</script>after", " after"),
        ("<script type=\"application/ld+json\">{}</script>", "<script type=\"application/ld+json\">{}</script>"),
        ("<style>p{}</style><p>x</p>", " <p>x</p>"),
        ("<svg viewBox=0><path/></svg>text", " text"),
        ("<svg/>text", " text"),
        ("<scripts>kept</scripts>", "<scripts>kept</scripts>"),
        ("<p>العربية<!--x-->نص</p>", "<p>العربية نص</p>"),
        ("<script>never closed <p>gone</p>", " "),
        ("a < b <", "a < b <"),
        ("<nav><ul><li><nav>inner</nav></li></ul>still nav</nav><p>story</p>", " <p>story</p>"),
        ("<p>before</p><aside>never closed", "<p>before</p> "),
        ("<navigation>kept</navigation>", "<navigation>kept</navigation>"),
        ("<p>a<img src=x.jpg srcset=\"x.jpg 1x, y.jpg 2x\" alt=\"a > b\">b</p>", "<p>ab</p>"),
        ("<picture><source srcset=a.webp><img src=a.jpg></picture><p>x</p>", " <p>x</p>"),
        ("<p>x<img alt=\"never closed", "<p>x"),
        ("<image>kept</image><p>x</p>", "<image>kept</image><p>x</p>"),
        ("<script type='text/javascript' data-x=\"a > b\">y</script>z", " z"),
        // Attributes extraction never reads are dropped; the ones it reads stay as written.
        ("<a href=\"/x\" class='k' onclick=\"f('>')\">x</a>", "<a class='k'>x</a>"),
        ("<div data-a=1 id=main data-b>x</div>", "<div id=main>x</div>"),
        ("<p class=x>unchanged</p>", "<p class=x>unchanged</p>"),
        ("<link rel=canonical href=\"https://e.com/a\" data-x=1>", "<link rel=canonical href=\"https://e.com/a\">"),
        ("<br data-x=1/>", "<br>"),
        ("<p title=\"a\"class=b>x</p>", "<p class=b>x</p>"),
        ("<meta property=og:title content=\"T\" data-x=\"y\">", "<meta property=og:title content=\"T\">"),
        // Tags inside a title or a JSON-LD script are their text: left alone.
        ("<title>a <b data-x=1> c</title><b data-x=1>", "<title>a <b data-x=1> c</title><b>"),
        (
            "<script type=application/ld+json data-x=1>{\"a\":\"<b data-x=1>\"}</script>",
            "<script type=application/ld+json>{\"a\":\"<b data-x=1>\"}</script>",
        ),
        ("<span data-x=\"never closed", "<span data-x=\"never closed"),
    ];

    #[test]
    fn every_cut_name_may_be_cut() {
        for name in CUT.iter().chain(VOID) {
            assert!(MAY_CUT.contains(&name[0]), "{}", String::from_utf8_lossy(name));
        }
    }

    /// A tidy check: every attribute `html/mod.rs` reads is one the strip pass keeps.
    #[test]
    fn every_attribute_extraction_reads_is_kept() {
        let source = include_str!("mod.rs");
        let mut read = Vec::new();
        for (at, _) in source.match_indices("attr(") {
            let rest = &source[at + "attr(".len()..];
            // `attr(element, "name")`: the quoted name after the element.
            let Some((args, _)) = rest.split_once(')') else { continue };
            if let Some(name) = args.split('"').nth(1) {
                read.push(name.to_string());
            }
        }
        // Names read through a list: `for key in ["property", "name", …]`.
        for line in source.lines().filter(|l| l.contains("for key in [")) {
            read.extend(line.split('"').skip(1).step_by(2).map(str::to_string));
        }
        assert!(read.len() >= 15, "found only {read:?}");
        for name in read {
            let kept = KEEP.iter().any(|k| k.eq_ignore_ascii_case(name.as_bytes())) || name == "href";
            assert!(kept, "html/mod.rs reads the attribute {name:?}, which strip.rs drops: add it to KEEP");
        }
    }

    #[test]
    fn strips() {
        for (page, expected) in CASES {
            assert_eq!(strip(page), *expected, "{page:?}");
        }
    }
}
