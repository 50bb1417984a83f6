//! Bytes to text: binary detection, byte-order marks, declared HTML charsets, and for text that is
//! not UTF-8 an encoding detected from the bytes (chardetng, the detector Firefox uses).

use crate::IngestError;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use sitrep_model::Diagnostic;
use std::borrow::Cow;

/// How many leading bytes the control-character test looks at.
const SNIFF_BYTES: usize = 8 * 1024;

/// How many leading bytes are searched for an HTML `charset=` declaration.
const CHARSET_PRESCAN_BYTES: usize = 4 * 1024;

/// Decoded text and, when the bytes were not clean UTF-8, a warning saying what was done.
pub(crate) struct Decoded<'a> {
    /// Borrowed when the bytes were clean UTF-8: pages are large, and most are.
    pub text: Cow<'a, str>,
    pub warning: Option<Diagnostic>,
}

/// Rejects binary content: any NUL byte, or more than 10% control bytes (other than tab, newline,
/// carriage return and form feed) in the first 8 KB. UTF-16 text with a byte-order mark is text.
pub(crate) fn check_binary(bytes: &[u8]) -> Result<(), IngestError> {
    if matches!(Encoding::for_bom(bytes), Some((enc, _)) if enc == UTF_16LE || enc == UTF_16BE) {
        return Ok(());
    }
    if bytes.contains(&0) {
        return Err(IngestError::Binary("contains NUL bytes"));
    }
    let head = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    let control =
        head.iter().filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F).count();
    if control * 10 > head.len() {
        return Err(IngestError::Binary("more than 10% control characters"));
    }
    Ok(())
}

/// Decodes a text file: a byte-order mark wins; otherwise UTF-8, falling back as [`fallback`] does.
pub(crate) fn decode_text(bytes: &[u8]) -> Decoded<'_> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, bytes.get(bom..).unwrap_or_default(), "byte-order mark");
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded { text: Cow::Borrowed(text), warning: None },
        Err(_) => fallback(bytes),
    }
}

/// Decodes an HTML page: a byte-order mark wins, then a `charset` declared in the first bytes
/// (`<meta charset>` or `http-equiv` content type), then UTF-8 with the text fallback.
pub(crate) fn decode_html(bytes: &[u8]) -> Decoded<'_> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, bytes.get(bom..).unwrap_or_default(), "byte-order mark");
    }
    match declared_charset(bytes) {
        // A page cannot declare UTF-16 for itself in ASCII; browsers read such pages as UTF-8.
        Some(encoding) if encoding != UTF_8 && encoding != UTF_16LE && encoding != UTF_16BE => {
            decode_with(encoding, bytes, "declared charset")
        }
        _ => decode_text(bytes),
    }
}

/// Text that is not valid UTF-8. When it holds valid multi-byte UTF-8 sequences it is UTF-8 with
/// a few damaged bytes, which become U+FFFD; otherwise its encoding is detected from the bytes
/// (Windows-1252 for Latin text, Windows-1256 for Arabic, Windows-1251 or KOI8-R for Russian, …).
fn fallback(bytes: &[u8]) -> Decoded<'static> {
    let has_utf8 = bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii());
    if has_utf8 {
        Decoded {
            text: Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
            warning: Some(Diagnostic::warning("non_utf8", "not valid UTF-8: invalid bytes replaced with U+FFFD")),
        }
    } else {
        let encoding = detect(bytes);
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        Decoded {
            text: Cow::Owned(text.into_owned()),
            warning: Some(Diagnostic::warning(
                "non_utf8",
                format!("not valid UTF-8: decoded as {}, detected from the bytes", encoding.name()),
            )),
        }
    }
}

/// The most likely legacy encoding of bytes that are not UTF-8; Windows-1252 when unsure, as
/// browsers do: when the detector says its guess is weak, or there are too few non-ASCII bytes
/// to tell ("café" is Latin-1 far more often than Central European).
fn detect(bytes: &[u8]) -> &'static Encoding {
    if bytes.iter().filter(|b| !b.is_ascii()).count() < MIN_DETECT_NON_ASCII {
        return WINDOWS_1252;
    }
    let mut detector = chardetng::EncodingDetector::new();
    // The detector needs no more than the first part of a page to decide.
    detector.feed(bytes.get(..DETECT_BYTES).unwrap_or(bytes), bytes.len() <= DETECT_BYTES);
    match detector.guess_assess(None, false) {
        (encoding, true) if encoding != UTF_8 => encoding,
        _ => WINDOWS_1252,
    }
}

/// Fewest non-ASCII bytes the detector is trusted with.
const MIN_DETECT_NON_ASCII: usize = 16;

/// How many leading bytes the encoding detector reads.
const DETECT_BYTES: usize = 64 * 1024;

fn decode_with(encoding: &'static Encoding, bytes: &[u8], how: &str) -> Decoded<'static> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let warning = had_errors.then(|| {
        Diagnostic::warning(
            "bad_encoding",
            format!("invalid {} bytes (from {how}) replaced with U+FFFD", encoding.name()),
        )
    });
    Decoded { text: Cow::Owned(text.into_owned()), warning }
}

/// Decodes an HTML page that came with a transport-level charset (an HTTP `Content-Type` header,
/// live or archived): a byte-order mark wins, then that charset, then what [`decode_html`] finds.
pub(crate) fn decode_html_as<'a>(bytes: &'a [u8], charset: Option<&str>) -> Decoded<'a> {
    if Encoding::for_bom(bytes).is_none() {
        if let Some(encoding) = charset.and_then(|label| Encoding::for_label(label.trim().as_bytes())) {
            if encoding != UTF_16LE && encoding != UTF_16BE {
                return if encoding == UTF_8 {
                    decode_text(bytes)
                } else {
                    decode_with(encoding, bytes, "HTTP charset")
                };
            }
        }
    }
    decode_html(bytes)
}

/// The `charset` parameter of a `Content-Type` value such as `text/html; charset="utf-8"`.
pub(crate) fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']))
    })
}

/// The encoding named by the first `charset=` in the first bytes of an HTML page.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..CHARSET_PRESCAN_BYTES).unwrap_or(bytes).to_ascii_lowercase();
    let needle = b"charset";
    let at = head.windows(needle.len()).position(|w| w == needle)? + needle.len();
    let rest = head.get(at..)?;
    let rest = rest.trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let len = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(b))).unwrap_or(rest.len());
    Encoding::for_label(rest.get(..len)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (bytes, binary?)
    const BINARY: &[(&[u8], bool)] = &[
        (b"Rockets hit the base.\n", false),
        (b"tabs\tand\r\nform\x0cfeeds", false),
        (b"\x00", true),
        (b"text with a NUL \x00 inside", true),
        (b"\x01\x02\x03 mostly control", true),
        (b"\x1b[1mbold\x1b[0m and a long enough plain line of text around it to stay under ten percent", false),
        (b"\xff\xfeR\x00o\x00c\x00k\x00", false),
        (b"", false),
    ];

    #[test]
    fn detects_binary() {
        for (bytes, binary) in BINARY {
            assert_eq!(check_binary(bytes).is_err(), *binary, "{bytes:?}");
        }
    }

    /// (bytes, html?, text, warning code)
    const DECODE: &[(&[u8], bool, &str, Option<&str>)] = &[
        (b"plain", false, "plain", None),
        ("Qāsim".as_bytes(), false, "Qāsim", None),
        (b"\xef\xbb\xbfwith BOM", false, "with BOM", None),
        (b"caf\xe9 \xab\xa0ok\xbb", false, "café «\u{a0}ok»", Some("non_utf8")),
        (b"Q\xc4\x81sim \xff", false, "Qāsim \u{fffd}", Some("non_utf8")),
        (b"\xff\xfeR\x00o\x00", false, "Ro", None),
        (b"\xfe\xff\x00R\x00o", false, "Ro", None),
        (b"<meta charset=\"iso-8859-1\"><p>caf\xe9</p>", true, "<meta charset=\"iso-8859-1\"><p>café</p>", None),
        (
            b"<meta http-equiv=Content-Type content='text/html; charset=windows-1256'><p>\xc8</p>",
            true,
            "<meta http-equiv=Content-Type content='text/html; charset=windows-1256'><p>ب</p>",
            None,
        ),
        (b"<meta charset=utf-16><p>ok</p>", true, "<meta charset=utf-16><p>ok</p>", None),
        (b"<meta charset=bogus><p>caf\xe9</p>", true, "<meta charset=bogus><p>café</p>", Some("non_utf8")),
        (b"<p>caf\xe9</p>", true, "<p>café</p>", Some("non_utf8")),
        (b"<meta charset=\"utf-8\"><p>caf\xe9</p>", true, "<meta charset=\"utf-8\"><p>café</p>", Some("non_utf8")),
        (b"<meta charset=shift_jis><p>\x82</p>", true, "<meta charset=shift_jis><p>\u{fffd}</p>", Some("bad_encoding")),
        (
            b"\xd5\xc7\xd1\xe6\xce \xd3\xde\xd8\xc7 \xda\xe1\xec \xc7\xe1\xde\xc7\xda\xcf\xc9 \xde\xd1\xc8 \xdf\xd1\xdf\xe6\xdf",
            false,
            "صاروخ سقطا على القاعدة قرب كركوك",
            Some("non_utf8"),
        ),
    ];

    fn check(bytes: &[u8], html: bool, text: &str, warning: Option<&str>) {
        let decoded = if html { decode_html(bytes) } else { decode_text(bytes) };
        assert_eq!(decoded.text, text, "{bytes:?}");
        assert_eq!(decoded.warning.map(|w| w.code).as_deref(), warning, "{bytes:?}");
    }

    /// Pages in legacy encodings that do not say which: the encoding is detected.
    #[test]
    fn detects_undeclared_encodings() {
        let samples = [
            (encoding_rs::WINDOWS_1251, "Ракеты ударили по базе возле Киркука, погиб американский подрядчик."),
            (encoding_rs::WINDOWS_1256, "سقطت صواريخ على القاعدة قرب كركوك وقتل متعاقد أمريكي في الهجوم."),
            (encoding_rs::WINDOWS_1253, "Ρουκέτες έπληξαν τη βάση κοντά στο Κιρκούκ, σκοτώνοντας έναν εργολάβο."),
        ];
        for (encoding, text) in samples {
            let (bytes, _, _) = encoding.encode(text);
            let page = [b"<p>".as_slice(), &bytes, b"</p>"].concat();
            let decoded = decode_html(&page);
            assert_eq!(decoded.text, format!("<p>{text}</p>"), "{}", encoding.name());
            assert!(decoded.warning.is_some_and(|w| w.message.contains(encoding.name())), "{}", encoding.name());
        }
    }

    #[test]
    fn decodes() {
        for (bytes, html, text, warning) in DECODE {
            check(bytes, *html, text, *warning);
        }
    }
}
