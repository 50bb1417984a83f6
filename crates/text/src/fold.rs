//! Folding text for dictionary matching, with an alignment from folded bytes back to the original.
//!
//! The rules, applied to each original char in order:
//!
//! 1. Apostrophe-like marks (`'` `’` `‘` `ʿ` `ʾ` `ʼ` `ʻ` `` ` `` `´` `′`) and the Arabic hamza
//!    `ء` are removed, so "Kata'ib" and "Kataʾib" both fold to "kataib". The one exception is the
//!    English possessive: an apostrophe that follows a letter or digit and is followed by `s` and
//!    then a non-alphanumeric char (or the end) becomes a word boundary, so "Hizbollah's" folds to
//!    "hizbollah s" and still matches the key "hizbollah".
//! 2. Invisible format chars (soft hyphen, zero-width joiners, direction marks, BOM, tatweel) are
//!    removed.
//! 3. Everything else is decomposed with Unicode NFKD; combining marks are dropped ("Qāsim" →
//!    "qasim", "أ" → "ا"); letters and digits of any script are lowercased and kept.
//! 4. Every other char (whitespace, hyphens, dots, quotes, brackets, symbols) is a separator; a run
//!    of separators becomes one space, and there is no leading or trailing space.
//!
//! [`fold`] and [`Folded::new`] share one implementation, so dictionary keys and article text are
//! always folded identically.

use sitrep_model::Span;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Text folded for dictionary matching, with alignment back to the original.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Folded {
    pub text: String,
    /// One entry per byte of `text`: the original bytes of the char that produced it. Indexed by
    /// folded byte, so mapping an offset back is a lookup, not a search (the gazetteer maps every
    /// word of every article back).
    origin: Vec<Origin>,
    original_len: usize,
}

/// The original bytes `[start, end)` that produced one folded char.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Origin {
    start: usize,
    end: usize,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        fold_with(original, |c, start, end| {
            text.push(c);
            origin.resize(text.len(), Origin { start, end });
        });
        Folded { text, origin, original_len: original.len() }
    }

    /// Original byte span covering folded bytes `[start, end)`.
    ///
    /// Offsets are clamped to the folded text and widened to char boundaries, so any input is
    /// accepted. For a range of whole folded words the result is exactly the original words,
    /// without surrounding separators or a trailing possessive. An empty range maps to an empty
    /// span at the corresponding original position.
    pub fn to_original(&self, start: usize, end: usize) -> Span {
        let len = self.text.len();
        let start = floor_boundary(&self.text, start.min(len));
        let end = ceil_boundary(&self.text, end.min(len));
        if start >= end {
            // `start` is a char boundary: the char starting there, or the end of the original.
            let pos = self.origin.get(start).map_or(self.original_len, |o| o.start);
            return Span::new(pos, pos);
        }
        match (self.origin.get(start), self.origin.get(end - 1)) {
            (Some(first), Some(last)) if first.start <= last.end => Span::new(first.start, last.end),
            _ => Span::new(self.original_len, self.original_len),
        }
    }

    /// The folded bytes `[a, b)` that the original bytes `original` produced, without separators at
    /// either end. For a span of whole words, such as a sentence, that is the text folding the span
    /// alone gives (a test checks it on every sentence of the stress pieces), so a sentence can be
    /// read out of its region's folding instead of being folded again.
    pub fn folded_range(&self, original: Span) -> (usize, usize) {
        let mut a = self.origin.partition_point(|o| o.start < original.start);
        let mut b = self.origin.partition_point(|o| o.start < original.end).max(a);
        let bytes = self.text.as_bytes();
        while a < b && bytes.get(a) == Some(&b' ') {
            a += 1;
        }
        while b > a && bytes.get(b - 1) == Some(&b' ') {
            b -= 1;
        }
        (a, b)
    }
}

/// Each of `regions` of `text` folded with [`fold`].
pub(crate) fn fold_regions(text: &str, regions: &[Span]) -> Vec<String> {
    regions.iter().map(|r| fold(r.slice(text))).collect()
}

/// The same folding as [`Folded::new`] without the alignment: used to build dictionary keys so
/// keys and text fold identically.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_with(s, |c, _, _| out.push(c));
    out
}

/// Runs the folding rules over `original`, calling `emit(char, original_start, original_end)` for
/// every char of the folded text in order.
fn fold_with(original: &str, emit: impl FnMut(char, usize, usize)) {
    let mut state = State { emit, pending: None, emitted: false, prev_word: false };
    let bytes = original.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // ASCII, most of the text, byte by byte: never ignorable, never decomposed.
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                state.word(b.to_ascii_lowercase() as char, i, i + 1);
            } else if b == b'\'' || b == b'`' {
                if state.prev_word && is_possessive_s(original.get(i + 1..).unwrap_or("")) {
                    state.separator(i, i + 1);
                }
            } else {
                state.separator(i, i + 1);
            }
            i += 1;
            continue;
        }
        // `i` is a char boundary: every step is a whole char.
        let Some(c) = original.get(i..).and_then(|rest| rest.chars().next()) else { break };
        let end = i + c.len_utf8();
        if is_apostrophe(c) {
            if state.prev_word && is_possessive_s(original.get(end..).unwrap_or("")) {
                state.separator(i, end);
            }
        } else {
            match class_of(c) {
                Class::Word(l) => state.word(l, i, end),
                Class::Separator => state.separator(i, end),
                Class::Nothing => {}
                Class::Other if is_ignorable(c) => {}
                Class::Other => decompose_compatible(c, |d| state.push(d, i, end)),
            }
        }
        i = end;
    }
}

struct State<F> {
    emit: F,
    /// Original span of the separators seen since the last emitted word char.
    pending: Option<(usize, usize)>,
    emitted: bool,
    /// Whether the last original char that produced output produced a word char.
    prev_word: bool,
}

impl<F: FnMut(char, usize, usize)> State<F> {
    /// Handles one char of the decomposition of the original char at `[start, end)`.
    fn push(&mut self, d: char, start: usize, end: usize) {
        if is_dropped(d) {
            return;
        }
        if !is_word_char(d) {
            self.separator(start, end);
            return;
        }
        if d.is_ascii() {
            self.word(d.to_ascii_lowercase(), start, end);
            return;
        }
        self.flush_separator();
        for l in d.to_lowercase() {
            if !is_combining_mark(l) {
                (self.emit)(l, start, end);
            }
        }
        self.emitted = true;
        self.prev_word = true;
    }

    /// Emits `c`, a lowercase ASCII letter or digit, for the original char at `[start, end)`.
    #[inline]
    fn word(&mut self, c: char, start: usize, end: usize) {
        self.flush_separator();
        (self.emit)(c, start, end);
        self.emitted = true;
        self.prev_word = true;
    }

    /// One space for the separators seen since the last word char, unless nothing came before.
    #[inline]
    fn flush_separator(&mut self) {
        if let Some((s, e)) = self.pending.take() {
            if self.emitted {
                (self.emit)(' ', s, e);
            }
        }
    }

    fn separator(&mut self, start: usize, end: usize) {
        self.pending = Some(match self.pending {
            Some((s, _)) => (s, end),
            None => (start, end),
        });
        self.prev_word = false;
    }
}

/// Whether a char of a decomposition leaves no trace (see [`State::push`]).
fn is_dropped(d: char) -> bool {
    // ASCII is most of the text and is never a mark or ignorable: skip the Unicode tables.
    if d.is_ascii() {
        d == '\''
    } else {
        is_combining_mark(d) || is_ignorable(d) || is_apostrophe(d)
    }
}

/// Whether a char of a decomposition is kept as part of a word.
fn is_word_char(d: char) -> bool {
    if d.is_ascii() {
        d.is_ascii_alphanumeric()
    } else {
        d.is_alphanumeric()
    }
}

/// What [`State::push`] does with the whole decomposition of one original char, when that can be
/// said without looking at its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// One word char, already lowercase.
    Word(char),
    /// Only separators.
    Separator,
    /// Nothing at all (every char of it is dropped).
    Nothing,
    /// Anything else: decompose it char by char.
    Other,
}

/// First and last-plus-one code points of the blocks whose classes are precomputed: Latin-1
/// to Arabic (accented Latin, Greek, Cyrillic, Hebrew, Arabic letters), and general punctuation
/// (typographic quotes and dashes). Other chars take the full path.
const CLASSED: [(u32, u32); 2] = [(0x80, 0x800), (0x2000, 0x2070)];

/// The class of a non-ASCII char that is not an apostrophe; apostrophes depend on what follows.
fn class_of(c: char) -> Class {
    static TABLES: std::sync::OnceLock<[Vec<Class>; 2]> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        CLASSED.map(|(first, end)| (first..end).map(|u| char::from_u32(u).map_or(Class::Other, classify)).collect())
    });
    let u = c as u32;
    for ((first, end), table) in CLASSED.iter().zip(tables) {
        if (*first..*end).contains(&u) {
            return table.get((u - first) as usize).copied().unwrap_or(Class::Other);
        }
    }
    Class::Other
}

/// Works out [`Class`] from the rules [`State::push`] applies to each char of the decomposition.
fn classify(c: char) -> Class {
    if is_apostrophe(c) || is_ignorable(c) {
        return Class::Other;
    }
    let mut kept = Vec::new();
    decompose_compatible(c, |d| {
        if !is_dropped(d) {
            kept.push(d);
        }
    });
    if kept.is_empty() {
        return Class::Nothing;
    }
    if !kept.iter().any(|d| is_word_char(*d)) {
        return Class::Separator;
    }
    if let [d] = kept[..] {
        let lower: Vec<char> = d.to_lowercase().filter(|l| !is_combining_mark(*l)).collect();
        if let [l] = lower[..] {
            return Class::Word(l);
        }
    }
    Class::Other
}

/// Marks that transliterations and typography put inside words: removed without a trace.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' // ’
            | '\u{2018}' // ‘
            | '\u{02BF}' // ʿ ayn
            | '\u{02BE}' // ʾ hamza
            | '\u{02BC}' // ʼ modifier apostrophe
            | '\u{02BB}' // ʻ turned comma
            | '`'
            | '\u{00B4}' // ´
            | '\u{2032}' // ′ prime, often typed for an apostrophe
            | '\u{0621}' // ء Arabic hamza on its own
    )
}

/// Invisible format chars that may sit inside a word.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{061C}' // Arabic letter mark
            | '\u{0640}' // Arabic tatweel
            | '\u{200C}'..='\u{200F}' // ZWNJ, ZWJ, LRM, RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // BOM / zero-width no-break space
    )
}

/// Whether `rest` (the text right after an apostrophe) is a possessive "s" ending the word.
fn is_possessive_s(rest: &str) -> bool {
    let mut chars = rest.chars();
    matches!(chars.next(), Some('s' | 'S')) && !chars.next().is_some_and(char::is_alphanumeric)
}

/// The largest char boundary of `s` that is `<= i` (`i` must be `<= s.len()`).
pub(crate) fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` that is `>= i` (`i` must be `<= s.len()`).
pub(crate) fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folding rules char by char, without the ASCII fast path of [`fold_with`].
    fn fold_char_by_char(original: &str) -> Vec<(char, usize, usize)> {
        let mut out = Vec::new();
        let mut state = State { emit: |c, s, e| out.push((c, s, e)), pending: None, emitted: false, prev_word: false };
        for (i, c) in original.char_indices() {
            let end = i + c.len_utf8();
            if is_ignorable(c) {
                continue;
            }
            if is_apostrophe(c) {
                if state.prev_word && is_possessive_s(original.get(end..).unwrap_or("")) {
                    state.separator(i, end);
                }
                continue;
            }
            decompose_compatible(c, |d| state.push(d, i, end));
        }
        out
    }

    #[test]
    fn fast_path_folds_as_the_rules_do_char_by_char() {
        let texts = [
            "Kata'ib Hizbollah's fighters' `base`, the U.S.-led coalition's 2,000 troops.",
            "Qāsim Sulaymānī ‘s — al-Muhandis’s convoy; «Ḥizb Allāh» ’ s ﬁnal",
            "العربية: كتائب حزب الله's ء hamza, tatweel ـــ and soft\u{00AD}hyphen\u{200D}",
            "  leading and trailing  ",
            "'s 's' ' s x's y`s z´s",
            "ÉCOLE Straße İstanbul ǅemal Ⅻ ²³ ①",
            "",
        ];
        for text in texts {
            let mut fast = Vec::new();
            fold_with(text, |c, s, e| fast.push((c, s, e)));
            assert_eq!(fast, fold_char_by_char(text), "{text:?}");
        }
    }

    #[test]
    fn precomputed_classes_fold_as_the_rules_do_char_by_char() {
        for (first, end) in CLASSED {
            for c in (first - 1..end + 1).filter_map(char::from_u32) {
                for text in [format!("a{c}b"), format!("{c}{c}"), format!(" {c}s x"), format!("x'{c}"), c.to_string()] {
                    let mut fast = Vec::new();
                    fold_with(&text, |c, s, e| fast.push((c, s, e)));
                    assert_eq!(fast, fold_char_by_char(&text), "{text:?} (U+{:04X})", c as u32);
                }
            }
        }
        // The tables do hold the common cases, or they would save nothing.
        assert_eq!(class_of('д'), Class::Word('д'));
        assert_eq!(class_of('Д'), Class::Word('д'));
        assert_eq!(class_of('é'), Class::Word('e'));
        assert_eq!(class_of('\u{201C}'), Class::Separator);
        assert_eq!(class_of('\u{00A0}'), Class::Separator);
        assert_eq!(class_of('\u{0301}'), Class::Nothing);
        assert_eq!(class_of('й'), Class::Word('и'));
    }

    /// (input, folded)
    const FOLDS: &[(&str, &str)] = &[
        ("Kata'ib Hizbollah", "kataib hizbollah"),
        ("Kata’ib Hizballah", "kataib hizballah"),
        ("Kataʾib Ḥizb Allāh", "kataib hizb allah"),
        ("U.S.-led", "u s led"),
        ("al-Muhandis", "al muhandis"),
        ("Qāsim Sulaymānī", "qasim sulaymani"),
        ("Asa'ib Ahl al-Haq", "asaib ahl al haq"),
        ("the Kata'ib Hizbollah's  rockets", "the kataib hizbollah s rockets"),
        ("Hizbollah’s", "hizbollah s"),
        ("it's", "it s"),
        ("don't", "dont"),
        ("rebels' base", "rebels base"),
        ("'quoted'", "quoted"),
        ("  (KH) , ", "kh"),
        ("", ""),
        ("--- ... ---", ""),
        ("K-1 base", "k 1 base"),
        ("1,000 troops", "1 000 troops"),
        ("ﬁve ½", "five 1 2"),
        ("İstanbul", "istanbul"),
        ("ÉLYSÉE", "elysee"),
        ("Hiz\u{00AD}bollah", "hizbollah"),
        ("كتائب حزب الله", "كتايب حزب الله"),
        ("أبو مهدي المهندس", "ابو مهدي المهندس"),
        ("Ashab\u{00A0}al-Kahf", "ashab al kahf"),
        ("Tab\tNew\nLine", "tab new line"),
        ("Ωmega ΣΊΣΥΦΟΣ", "ωmega σισυφοσ"),
    ];

    fn check(input: &str, expected: &str) {
        assert_eq!(fold(input), expected, "fold({input:?})");
        let folded = Folded::new(input);
        assert_eq!(folded.text, expected, "Folded::new({input:?})");
        assert_eq!(fold(expected), expected, "fold is not idempotent on {expected:?}");
    }

    #[test]
    fn folds() {
        for (input, expected) in FOLDS {
            check(input, expected);
        }
    }

    /// (original, folded words to look up, original text they must map back to)
    const ALIGN: &[(&str, &str, &str)] = &[
        ("the Kata'ib Hizbollah's rockets", "kataib hizbollah", "Kata'ib Hizbollah"),
        ("the Kata'ib Hizbollah's rockets", "hizbollah", "Hizbollah"),
        ("the Kata'ib Hizbollah's rockets", "rockets", "rockets"),
        ("a U.S.-led strike", "u s led", "U.S.-led"),
        ("a U.S.-led strike", "led strike", "led strike"),
        ("Abu Mahdi al-Muhandis, the", "al muhandis", "al-Muhandis"),
        ("Gen. Qāsim Sulaymānī died", "qasim sulaymani", "Qāsim Sulaymānī"),
        ("«Ashab al-Kahf»", "ashab al kahf", "Ashab al-Kahf"),
        ("ﬁve rockets", "five", "ﬁve"),
        ("قتل أبو مهدي المهندس", "ابو مهدي", "أبو مهدي"),
    ];

    #[test]
    fn maps_whole_words_back_to_the_original() {
        for (original, needle, expected) in ALIGN {
            let folded = Folded::new(original);
            let at = folded.text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {:?}", folded.text));
            let span = folded.to_original(at, at + needle.len());
            assert_eq!(span.slice(original), *expected, "{needle:?} in {original:?}");
        }
    }

    #[test]
    fn to_original_accepts_any_offsets() {
        let original = "Qāsim — Sulaymānī’s كتائب";
        let folded = Folded::new(original);
        let n = folded.text.len() + 3;
        for start in 0..n {
            for end in 0..n {
                let span = folded.to_original(start, end);
                assert!(span.start <= span.end && span.end <= original.len(), "{start}..{end} → {span:?}");
                assert!(original.is_char_boundary(span.start) && original.is_char_boundary(span.end));
            }
        }
        assert_eq!(folded.to_original(0, 0), Span::new(0, 0));
        assert_eq!(folded.to_original(n, n), Span::new(original.len(), original.len()));
        assert_eq!(Folded::new("").to_original(0, 5), Span::new(0, 0));
    }

    #[test]
    fn a_tampered_text_does_not_panic() {
        let mut folded = Folded::new("ab");
        folded.text.push_str("xyz");
        let _ = folded.to_original(0, 5);
        let _ = folded.to_original(3, 5);
        folded.text.clear();
        let _ = folded.to_original(0, 5);
    }
}
