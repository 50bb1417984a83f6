//! How a name or a text becomes a sequence of canonical tokens, the unit the matcher compares.
//!
//! Both dictionary names and article text go through [`sitrep_text::fold`] first, so case,
//! accents, apostrophes, hamza/ayn marks and punctuation never matter. On top of that this module
//! removes what transliteration varies and English news does not mean to distinguish:
//!
//! - the Arabic article: `al`/`el` tokens are dropped ("al-Muhandis" = "Muhandis"), and so are
//!   assimilated forms before their letter ("ar-Ramadi", "ash-Shaddadi", "at-Tanf");
//! - Arabic-script articles and spelling variants inside a token ("الموصل" = "موصل", ة = ه, ى = ي,
//!   Persian ی/ک = Arabic ي/ك);
//! - initialisms written with dots ("U.S." = "US");
//! - a fixed table of spellings that are the same name ("Abou" = "Abu", "Mohammed" = "Muhammad").
//!
//! [`skeleton`] is looser: a consonant-and-vowel-class key under which "Hizballah", "Hezbollah"
//! and "Hizbullah" coincide. The index uses it only for the tokens of actor names, and only for
//! capitalised words of the text that are not themselves dictionary words.

use std::borrow::Cow;

/// Tokens that are the same word in different romanisations. Applied to both names and text, so
/// each entry must be safe in ordinary English (no "hashed" → "hashd").
const EQUIVALENT: &[(&str, &str)] = &[
    ("abd", "abdul"),
    ("abdal", "abdul"),
    ("abdel", "abdul"),
    ("abdol", "abdul"),
    ("abou", "abu"),
    ("ahmad", "ahmed"),
    ("asaeb", "asaib"),
    ("asayib", "asaib"),
    ("assaib", "asaib"),
    ("auliya", "awliya"),
    ("awlia", "awliya"),
    ("chaabi", "shaabi"),
    ("daash", "daesh"),
    ("daish", "daesh"),
    ("ebrahim", "ibrahim"),
    ("ghaani", "qaani"),
    ("haqq", "haq"),
    ("hasan", "hassan"),
    ("hossein", "hussein"),
    ("hothi", "houthi"),
    ("hothis", "houthis"),
    ("husain", "hussein"),
    ("husayn", "hussein"),
    ("hussain", "hussein"),
    ("huthi", "houthi"),
    ("huthis", "houthis"),
    ("jafar", "jaafar"),
    ("jaffar", "jaafar"),
    ("kaani", "qaani"),
    ("mahmood", "mahmoud"),
    ("mahmud", "mahmoud"),
    ("mohamad", "muhammad"),
    ("mohamed", "muhammad"),
    ("mohammad", "muhammad"),
    ("mohammed", "muhammad"),
    ("muhamad", "muhammad"),
    ("muhammed", "muhammad"),
    ("qods", "quds"),
    ("sayed", "sayyid"),
    ("sayid", "sayyid"),
    ("sayyed", "sayyid"),
    ("seyed", "sayyid"),
    ("seyyed", "sayyid"),
    ("shabi", "shaabi"),
];

/// Article tokens that assimilate to the next word's first letters ("ash-Sham", "ar-Ramadi").
const SUN_ARTICLES: &[&str] =
    &["ad", "adh", "ar", "as", "ash", "at", "ath", "az", "an", "ed", "edh", "er", "es", "esh", "et", "eth", "ez", "en"];

/// Marks that [`sitrep_text::fold`] removes inside words ("Kata'ib"), so an alias word is not
/// cut at them.
pub(crate) fn is_apostrophe_like(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}'
            | '\u{2018}'
            | '\u{02BF}'
            | '\u{02BE}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '`'
            | '\u{00B4}'
            | '\u{2032}'
    )
}

/// Whether the token at hand is the Arabic article `al`/`el`, always ignored.
pub(crate) fn is_article(token: &str) -> bool {
    token == "al" || token == "el"
}

/// Whether `token` is an assimilated article before `next` ("as" before "sadr").
pub(crate) fn is_sun_article(token: &str, next: &str) -> bool {
    SUN_ARTICLES.contains(&token)
        && token.get(1..).is_some_and(|cons| !cons.is_empty() && next.starts_with(cons) && next.len() > cons.len())
}

/// The canonical form of one folded token.
pub(crate) fn canon_token(token: &str) -> Cow<'_, str> {
    if let Some(first) = token.chars().next() {
        if is_arabic(first) {
            return Cow::Owned(canon_arabic(token));
        }
    }
    // Most text words are no key of the table: a bit set on (length, first two bytes) turns
    // them away before the search (the search was 3% of ingest, on every word of every article).
    if !EQUIVALENT_FILTER.may_hold(token) {
        return Cow::Borrowed(token);
    }
    match EQUIVALENT.binary_search_by(|(k, _)| k.cmp(&token)) {
        Ok(i) => Cow::Borrowed(EQUIVALENT[i].1),
        Err(_) => Cow::Borrowed(token),
    }
}

/// A set of (length, first byte, second byte) hashes of the [`EQUIVALENT`] keys: a word outside
/// it is certainly no key; one inside it may be.
struct KeyFilter([u64; KeyFilter::WORDS]);

impl KeyFilter {
    const WORDS: usize = 16;

    const fn slot(token: &[u8]) -> usize {
        let (a, b) = match token {
            [a, b, ..] => (*a as usize, *b as usize),
            _ => (0, 0),
        };
        (token.len().wrapping_mul(131) ^ a.wrapping_mul(31) ^ b.wrapping_mul(7)) % (Self::WORDS * 64)
    }

    const fn of(keys: &[(&str, &str)]) -> KeyFilter {
        let mut bits = [0u64; KeyFilter::WORDS];
        let mut i = 0;
        while i < keys.len() {
            let slot = KeyFilter::slot(keys[i].0.as_bytes());
            bits[slot / 64] |= 1 << (slot % 64);
            i += 1;
        }
        KeyFilter(bits)
    }

    fn may_hold(&self, token: &str) -> bool {
        let slot = KeyFilter::slot(token.as_bytes());
        self.0[slot / 64] & (1 << (slot % 64)) != 0
    }
}

static EQUIVALENT_FILTER: KeyFilter = KeyFilter::of(EQUIVALENT);

pub(crate) fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Arabic-script spelling variants and the attached article.
fn canon_arabic(token: &str) -> String {
    let mapped: String = token
        .chars()
        .map(|c| match c {
            'ة' => 'ه',
            'ۀ' => 'ه',
            'ى' => 'ي',
            'ی' => 'ي',
            'ک' => 'ك',
            'ٱ' => 'ا',
            other => other,
        })
        .collect();
    strip_arabic_article(&mapped).to_string()
}

/// "ال" and its forms fused with a preposition or conjunction ("وال", "بال", "لل").
fn strip_arabic_article(token: &str) -> &str {
    for prefix in ["وال", "بال", "فال", "كال", "ال", "لل"] {
        if let Some(rest) = token.strip_prefix(prefix) {
            if rest.chars().count() >= 3 {
                return rest;
            }
        }
    }
    token
}

/// For an Arabic-script text word that is not in the dictionary: the word without a one-letter
/// conjunction or preposition fused to its front ("وبغداد" → "بغداد").
pub(crate) fn strip_arabic_clitic(token: &str) -> Option<String> {
    let mut chars = token.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    if matches!(first, 'و' | 'ب' | 'ل' | 'ف' | 'ك') && rest.chars().count() >= 3 {
        Some(canon_arabic(rest))
    } else {
        None
    }
}

/// Canonical tokens of a dictionary name. Empty when nothing is left to match.
pub(crate) fn name_tokens(name: &str) -> Vec<String> {
    let folded = sitrep_text::fold(&collapse_initialisms(name));
    let raw: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let mut out = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        let next = raw.get(i + 1).copied().unwrap_or("");
        if is_article(t) || is_sun_article(t, next) {
            continue;
        }
        out.push(canon_token(t).into_owned());
    }
    if out.is_empty() {
        // A name made only of article-like words ("Al", "As") keeps them rather than vanishing.
        out = raw.iter().map(|t| canon_token(t).into_owned()).collect();
    }
    out
}

/// "U.S." → "US", "U.S.A." → "USA": runs of single letters joined by dots become one word, as
/// the text side does on folded tokens.
pub(crate) fn collapse_initialisms(name: &str) -> Cow<'_, str> {
    if !name.contains('.') {
        return Cow::Borrowed(name);
    }
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
        if starts_word && chars[i].is_ascii_alphabetic() {
            // Count letters in an "X.Y.Z" run.
            let mut j = i;
            let mut letters = Vec::new();
            while j < chars.len()
                && chars[j].is_ascii_alphabetic()
                && (j + 1 == chars.len() || !chars[j + 1].is_alphanumeric())
            {
                letters.push(chars[j]);
                if chars.get(j + 1) == Some(&'.') && chars.get(j + 2).is_some_and(|c| c.is_ascii_alphabetic()) {
                    j += 2;
                } else {
                    j += 1;
                    break;
                }
            }
            if letters.len() >= 2 {
                out.extend(letters);
                if chars.get(j) == Some(&'.') {
                    j += 1;
                }
                i = j;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    Cow::Owned(out)
}

/// A transliteration-insensitive key for one ASCII token, with its number of consonants.
///
/// Doubled letters collapse; "kh" = "k", "q" = "k", "c" = "k", "gh" = "g", "dh" = "z",
/// "th" = "t", "ph" = "f"; "-ollah"/"-ullah" = "-allah"; a run of vowels becomes the class of its
/// last vowel (`A` for a; `I` for e, i, y; `U` for o, u, w), with "y"/"w" counting as vowels after
/// a vowel (and "y" between consonants); a final "h" after a vowel is silent. "Hezbollah", "Hizballah" and "Hizbullah" all
/// give `hIzbAlA`; "Kataib", "Kataeb" and "Khata'ib" give `kAtIb`.
pub(crate) fn skeleton(token: &str) -> Option<(String, usize)> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let mut collapsed: Vec<u8> = Vec::with_capacity(token.len());
    for b in token.bytes() {
        if collapsed.last() != Some(&b) {
            collapsed.push(b);
        }
    }
    let mut s = String::from_utf8(collapsed).ok()?;
    for (from, to) in [("olah", "alah"), ("ulah", "alah")] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let b = s.as_bytes();
    let is_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let mut units: Vec<u8> = Vec::with_capacity(b.len());
    let mut consonants = 0;
    let mut i = 0;
    let mut vowel_run: Option<u8> = None;
    let flush = |run: &mut Option<u8>, units: &mut Vec<u8>| {
        if let Some(v) = run.take() {
            units.push(v);
        }
    };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let class = match c {
            b'a' => Some(b'A'),
            b'e' | b'i' => Some(b'I'),
            b'o' | b'u' => Some(b'U'),
            // "y"/"w" after a vowel belong to it ("ay", "aw", "Katayib" = "Kataib").
            b'y' | b'w' if vowel_run.is_some() => Some(if c == b'y' { b'I' } else { b'U' }),
            b'y' if i > 0 && !next.is_some_and(is_vowel) => Some(b'I'),
            _ => None,
        };
        if let Some(v) = class {
            vowel_run = Some(v);
            i += 1;
            continue;
        }
        // A silent final "h" after a vowel ("Nujabah", "Allah").
        if c == b'h' && next.is_none() && vowel_run.is_some() {
            i += 1;
            continue;
        }
        flush(&mut vowel_run, &mut units);
        let (unit, len) = match (c, next) {
            (b'k', Some(b'h')) => (b'k', 2),
            (b'g', Some(b'h')) => (b'g', 2),
            (b'd', Some(b'h')) => (b'z', 2),
            (b't', Some(b'h')) => (b't', 2),
            (b'p', Some(b'h')) => (b'f', 2),
            (b's', Some(b'h')) => (b'S', 2),
            (b'c', Some(b'h')) => (b'C', 2),
            (b'd', Some(b'j')) => (b'j', 2),
            (b'c', Some(b'k')) => (b'k', 2),
            (b'q', _) | (b'c', _) => (b'k', 1),
            (other, _) => (other, 1),
        };
        if units.last() != Some(&unit) {
            units.push(unit);
            consonants += 1;
        }
        i += len;
    }
    flush(&mut vowel_run, &mut units);
    Some((String::from_utf8(units).ok()?, consonants))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalence_table_is_sorted() {
        for w in EQUIVALENT.windows(2) {
            assert!(w[0].0 < w[1].0, "{:?} before {:?}", w[0], w[1]);
        }
    }

    #[test]
    fn the_key_filter_lets_every_key_through() {
        for (key, value) in EQUIVALENT {
            assert!(EQUIVALENT_FILTER.may_hold(key), "{key}");
            assert_eq!(canon_token(key), *value);
        }
        // And turns most ordinary words away before the search.
        let words = ["the", "said", "killed", "in", "of", "attack", "forces", "people", "on", "and"];
        let passed = words.iter().filter(|w| EQUIVALENT_FILTER.may_hold(w)).count();
        assert!(passed <= 2, "{passed} of {} ordinary words pass the filter", words.len());
    }

    #[test]
    fn names_lose_articles_and_initialism_dots() {
        let t = |s: &str| name_tokens(s).join(" ");
        assert_eq!(t("Abu Mahdi al-Muhandis"), "abu mahdi muhandis");
        assert_eq!(t("Asa'ib Ahl al-Haq"), "asaib ahl haq");
        assert_eq!(t("ash-Shaddadi"), "shaddadi");
        assert_eq!(t("at-Tanf garrison"), "tanf garrison");
        assert_eq!(t("U.S. forces"), "us forces");
        assert_eq!(t("U.S.A."), "usa");
        assert_eq!(t("Donald J. Trump"), "donald j trump");
        assert_eq!(t("Al"), "al");
        assert_eq!(t("Abou Kemal"), "abu kemal");
        assert_eq!(t("الموصل"), "موصل");
        assert_eq!(t("كتائب حزب الله"), "كتايب حزب الله");
        assert_eq!(t("مدينة"), "مدينه");
        assert_eq!(t("..."), "");
    }

    #[test]
    fn skeletons_join_transliterations() {
        let k = |s: &str| skeleton(s).map(|(k, _)| k).unwrap_or_default();
        for group in [
            &["hizbollah", "hezbollah", "hizballah", "hezballah", "hizbullah"][..],
            &["kataib", "kataeb", "khataib", "katayib"],
            &["qassem", "qasem", "qasim", "qassim", "kassem"],
            &["soleimani", "suleimani", "sulaymani", "soleymani", "sulaimani"],
            &["muhandis", "mohandes"],
            &["muqtada", "moqtada"],
            &["kadhimi", "kazemi", "kazimi"],
            &["nujaba", "nujabaa", "nujabah"],
        ] {
            let first = k(group[0]);
            for s in group {
                assert_eq!(k(s), first, "{s} vs {}", group[0]);
            }
        }
        assert_ne!(k("nujaba"), k("najib"));
        assert_ne!(k("hamas"), k("homes"));
        assert_ne!(k("yemen"), k("amman"));
        assert_eq!(skeleton("kh1"), None);
        assert_eq!(skeleton(""), None);
        assert_eq!(skeleton("kataib").map(|(_, n)| n), Some(3));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in ["", ".", "U.", ".S.", "a.b.c.d.e.f", "é.é.", "x.", "...U.S", "ال", "و", "وال"] {
            let _ = name_tokens(s);
            let _ = collapse_initialisms(s);
            let _ = strip_arabic_clitic(s);
            let _ = skeleton(s);
        }
        assert_eq!(collapse_initialisms("the U.S"), "the US");
        assert_eq!(collapse_initialisms("U.S.-led"), "US-led");
        assert_eq!(collapse_initialisms("J. Biden"), "J. Biden");
    }
}
