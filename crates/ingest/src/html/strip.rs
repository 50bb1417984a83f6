//! A fast pass before parsing that cuts out what is never article text — comments, scripts (but
//! JSON-LD), styles, SVG drawings and templates — so the HTML parser, most of the extraction
//! time, reads a page often half its size.
//!
//! It is conservative: it cuts only a region that starts with one of those tags and ends with its
//! own closing tag, the way a browser's tokenizer reads raw-text elements; an unclosed one cuts
//! to the end of the page, as a browser would swallow it.

use std::borrow::Cow;

/// Raw-text or never-rendered elements whose whole content is cut.
const CUT: &[&[u8]] = &[b"script", b"style", b"svg", b"template", b"noscript", b"iframe"];

/// The page without comments and the elements in [`CUT`]; JSON-LD scripts are kept for the
/// metadata they carry.
pub(crate) fn strip(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // Start of the bytes not yet copied to `out`, and where to look for the next '<'.
    let (mut copied, mut at) = (0usize, 0usize);
    while let Some(offset) = bytes.get(at..).and_then(|rest| rest.iter().position(|&b| b == b'<')) {
        let open = at + offset;
        let Some(end) = cut_end(bytes, open) else {
            at = open + 1;
            continue;
        };
        let buf = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
        // `open` is at an ASCII '<' and `end` after an ASCII '>' (or at the end): both are char
        // boundaries.
        buf.push_str(html.get(copied..open).unwrap_or_default());
        buf.push(' ');
        copied = end;
        at = end;
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut buf) => {
            buf.push_str(html.get(copied..).unwrap_or_default());
            Cow::Owned(buf)
        }
    }
}

/// When a region to cut starts at `open` (a '<'), the byte after its end.
fn cut_end(bytes: &[u8], open: usize) -> Option<usize> {
    let rest = bytes.get(open + 1..)?;
    if rest.starts_with(b"!--") {
        return Some(find(bytes, open + 4, b"-->").map_or(bytes.len(), |i| i + 3));
    }
    let name = CUT.iter().find(|name| {
        rest.len() > name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name)
            && matches!(rest[name.len()], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
    })?;
    let tag_end = find(bytes, open, b">").map_or(bytes.len(), |i| i + 1);
    let tag = bytes.get(open..tag_end).unwrap_or_default();
    if *name == b"script" && contains_ignore_case(tag, b"ld+json") {
        return None;
    }
    // A self-closed <svg/> or <iframe/> has no content to cut.
    if tag.ends_with(b"/>") && !matches!(*name, b"script" | b"style") {
        return Some(tag_end);
    }
    let mut from = tag_end;
    loop {
        let Some(close) = find(bytes, from, b"</") else {
            return Some(bytes.len());
        };
        let after = bytes.get(close + 2..).unwrap_or_default();
        if after.len() >= name.len()
            && after[..name.len()].eq_ignore_ascii_case(name)
            && after.get(name.len()).is_none_or(|b| matches!(b, b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/'))
        {
            return Some(find(bytes, close, b">").map_or(bytes.len(), |i| i + 1));
        }
        from = close + 2;
    }
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = haystack.get(from..)?;
    rest.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
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
    ];

    #[test]
    fn strips() {
        for (page, expected) in CASES {
            assert_eq!(strip(page), *expected, "{page:?}");
        }
    }
}
