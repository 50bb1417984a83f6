//! Sentence segmentation inside content regions, as byte spans into the original text.
//!
//! A sentence ends:
//! - after `.`, `!`, `?` (or `…`, `؟`, `。`), optionally followed by closing quotes or brackets,
//!   when whitespace follows and then an uppercase letter, a digit, an opening quote or bracket,
//!   or a letter of a script without case (Arabic, Chinese, ...) — unless the word before a single
//!   `.` is a known abbreviation ("Gen.", "Dec.", "U.S.") or a capital initial ("John F. Kennedy");
//! - at a blank line;
//! - after a heading: a line of at most [`HEADING_MAX_CHARS`] chars that ends in a letter or digit
//!   (no final punctuation), whose last word is not a function word like "the" or "of" (which
//!   would mean a sentence wrapped across lines), followed by a line that starts like a sentence.
//!
//! A dateline ("BAGHDAD, Dec 31 (Reuters) - Rockets hit...") has no sentence-final punctuation and
//! so stays part of the first sentence.

use crate::fold::{ceil_boundary, floor_boundary};
use sitrep_model::Span;

/// Longest line (in chars) that can be taken for a heading.
pub const HEADING_MAX_CHARS: usize = 60;

/// Words that end with a `.` without ending the sentence. Compared ignoring case, except `No`.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Maj", "Sgt", "Capt", "Cmdr", "Adm", "Brig", "Sen", "Rep", "Gov",
    "Pres", "Prof", "Rev", "St", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    "vs", "etc", "Inc", "Co", "Corp", "Ltd", "Jr", "Sr", "approx", "est",
];

/// Sentence spans inside the given regions (each sentence trimmed of surrounding whitespace).
///
/// Regions are clamped to `text` and widened to char boundaries; sentences never cross a region
/// boundary and come out in region order.
pub fn sentences(text: &str, regions: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for region in regions {
        let start = floor_boundary(text, region.start.min(text.len()));
        let end = ceil_boundary(text, region.end.min(text.len()));
        if let Some(slice) = text.get(start..end) {
            split_region(slice, start, &mut out);
        }
    }
    out
}

fn split_region(s: &str, base: usize, out: &mut Vec<Span>) {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |i: usize| chars.get(i).map_or(s.len(), |&(b, _)| b);
    let ch = |i: usize| chars.get(i).map(|&(_, c)| c);
    let skip_space = |mut k: usize| {
        while ch(k).is_some_and(char::is_whitespace) {
            k += 1;
        }
        k
    };

    let mut cuts = Vec::new();
    let mut line_start = 0;
    let mut i = 0;
    while let Some(c) = ch(i) {
        if c == '\n' {
            let next = skip_space(i + 1);
            let blank = (i + 1..next).any(|k| ch(k) == Some('\n'));
            let line = s.get(line_start..at(i)).unwrap_or("");
            if blank || (is_heading(line) && ch(next).is_some_and(starts_sentence)) {
                cuts.push(at(i));
            }
            line_start = at(i + 1);
            i += 1;
            continue;
        }
        if !is_terminal(c) {
            i += 1;
            continue;
        }
        let mut j = i;
        while ch(j).is_some_and(is_terminal) {
            j += 1;
        }
        let single_dot = c == '.' && j == i + 1;
        while ch(j).is_some_and(is_closing) {
            j += 1;
        }
        if ch(j).is_some_and(char::is_whitespace)
            && ch(skip_space(j)).is_some_and(starts_sentence)
            && !(single_dot && is_abbreviation(word_before(s, at(i))))
        {
            cuts.push(at(j));
        }
        // Newlines inside the skipped run are handled by the main loop.
        i = j.max(i + 1);
    }

    let mut from = 0;
    cuts.push(s.len());
    for cut in cuts {
        if cut < from {
            continue;
        }
        if let Some(piece) = s.get(from..cut) {
            let trimmed = piece.trim();
            if !trimmed.is_empty() {
                let lead = piece.len() - piece.trim_start().len();
                let start = base + from + lead;
                out.push(Span::new(start, start + trimmed.len()));
            }
        }
        from = cut;
    }
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '؟' | '。' | '！' | '？' | '۔')
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '}' | '»' | '›')
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '„' | '(' | '[' | '«' | '‹' | '¿' | '¡')
}

/// Whether a sentence can start with `c`: an uppercase or uncased letter, a digit, an opening mark.
fn starts_sentence(c: char) -> bool {
    c.is_numeric() || is_opening(c) || (c.is_alphabetic() && !c.is_lowercase())
}

/// The word that ends at byte `end` of `s`, without leading opening marks.
fn word_before(s: &str, end: usize) -> &str {
    let head = s.get(..end).unwrap_or("");
    head.rsplit(char::is_whitespace).next().unwrap_or("").trim_start_matches(is_opening)
}

/// Whether `word` followed by a `.` is an abbreviation rather than the end of a sentence.
fn is_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    // A capital initial: "F." in "John F. Kennedy".
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    // Dotted letters: "U.S", "e.g", "a.m", "U.S.A".
    if word.contains('.')
        && word.split('.').all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic))
    {
        return true;
    }
    if word == "No" {
        return true;
    }
    ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Whether a line looks like a heading rather than part of a sentence wrapped across lines.
fn is_heading(line: &str) -> bool {
    const FUNCTION_WORDS: &[&str] = &[
        "a", "an", "the", "of", "in", "on", "at", "by", "for", "to", "and", "or", "but", "with", "from", "near", "as",
        "than", "that", "its", "his", "her", "their", "into", "after", "before", "said", "says",
    ];
    let line = line.trim();
    if line.is_empty() || line.chars().count() > HEADING_MAX_CHARS || !line.ends_with(char::is_alphanumeric) {
        return false;
    }
    let last = line.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    !FUNCTION_WORDS.iter().any(|w| w.eq_ignore_ascii_case(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, expected sentences) with the whole text as one region.
    const CASES: &[(&str, &[&str])] = &[
        ("", &[]),
        ("   \n  ", &[]),
        ("Rockets hit the base", &["Rockets hit the base"]),
        ("Rockets hit the base. A contractor was killed.", &["Rockets hit the base.", "A contractor was killed."]),
        ("  Padded.   Twice.  ", &["Padded.", "Twice."]),
        ("Mr. Smith arrived. He left.", &["Mr. Smith arrived.", "He left."]),
        (
            "Gen. Qassem Soleimani was killed. Abu Mahdi al-Muhandis died too.",
            &["Gen. Qassem Soleimani was killed.", "Abu Mahdi al-Muhandis died too."],
        ),
        ("John F. Kennedy was president. Then he died.", &["John F. Kennedy was president.", "Then he died."]),
        (
            "Attacks on U.S. Forces rose. The Pentagon said so.",
            &["Attacks on U.S. Forces rose.", "The Pentagon said so."],
        ),
        (
            "The U.S. military struck five sites. Kata'ib Hizbollah denied it.",
            &["The U.S. military struck five sites.", "Kata'ib Hizbollah denied it."],
        ),
        ("It began at 10 p.m. Officials said rockets fell.", &["It began at 10 p.m. Officials said rockets fell."]),
        ("He was born in St. Louis. He moved.", &["He was born in St. Louis.", "He moved."]),
        ("On Dec. 31 protesters stormed the compound.", &["On Dec. 31 protesters stormed the compound."]),
        ("Camp No. 5 was hit. Nobody died.", &["Camp No. 5 was hit.", "Nobody died."]),
        ("Militias, e.g. Nujaba, use drones.", &["Militias, e.g. Nujaba, use drones."]),
        ("Pres. Trump ordered it. Iran vowed revenge.", &["Pres. Trump ordered it.", "Iran vowed revenge."]),
        (
            "He said: \"We will respond.\" The group denied it.",
            &["He said: \"We will respond.\"", "The group denied it."],
        ),
        ("“We will respond!” The group denied it.", &["“We will respond!”", "The group denied it."]),
        ("\"Why?\" he asked.", &["\"Why?\" he asked."]),
        ("Really?! Yes.", &["Really?!", "Yes."]),
        ("He paused... Then spoke.", &["He paused...", "Then spoke."]),
        ("It was 3.5 km away. 25 were killed.", &["It was 3.5 km away.", "25 were killed."]),
        ("A strike (the first since May.) Iraq protested.", &["A strike (the first since May.)", "Iraq protested."]),
        ("the end. and more", &["the end. and more"]),
        (
            "BAGHDAD, Dec 31 (Reuters) - Rockets hit the Green Zone on Tuesday. No one was hurt.",
            &["BAGHDAD, Dec 31 (Reuters) - Rockets hit the Green Zone on Tuesday.", "No one was hurt."],
        ),
        (
            "WASHINGTON, Dec. 29 (Reuters) - The U.S. military carried out strikes.",
            &["WASHINGTON, Dec. 29 (Reuters) - The U.S. military carried out strikes."],
        ),
        (
            "First paragraph without a stop\n\nSecond paragraph.",
            &["First paragraph without a stop", "Second paragraph."],
        ),
        ("Para one\n \t\n\nPara two", &["Para one", "Para two"]),
        (
            "Rockets hit US base in Iraq\nBAGHDAD (Reuters) - Rockets hit the base.",
            &["Rockets hit US base in Iraq", "BAGHDAD (Reuters) - Rockets hit the base."],
        ),
        (
            "Rockets hit the K1 base near Kirkuk on Friday, killing a US\ncontractor and wounding others.",
            &["Rockets hit the K1 base near Kirkuk on Friday, killing a US\ncontractor and wounding others."],
        ),
        (
            "The attack on the base was blamed on the\nPentagon's old enemies.",
            &["The attack on the base was blamed on the\nPentagon's old enemies."],
        ),
        (
            "The attack on the base at the airport was blamed by officials in Washington\nOn Saturday, more came.",
            &["The attack on the base at the airport was blamed by officials in Washington\nOn Saturday, more came."],
        ),
        ("BAGHDAD (Reuters) -\nRockets hit the base.", &["BAGHDAD (Reuters) -\nRockets hit the base."]),
        ("Line one.\nLine two.", &["Line one.", "Line two."]),
        ("سقطت صواريخ على القاعدة. وقال مسؤول إن لا إصابات.", &["سقطت صواريخ على القاعدة.", "وقال مسؤول إن لا إصابات."]),
        ("هل انتهى؟ نعم.", &["هل انتهى؟", "نعم."]),
        ("Ракеты упали. Никто не пострадал.", &["Ракеты упали.", "Никто не пострадал."]),
        ("Ends with dot.", &["Ends with dot."]),
        (".", &["."]),
        ("... ?", &["... ?"]),
    ];

    fn check(text: &str, expected: &[&str]) {
        let spans = sentences(text, &[Span::new(0, text.len())]);
        let got: Vec<&str> = spans.iter().map(|s| s.slice(text)).collect();
        assert_eq!(got, expected, "sentences of {text:?}");
    }

    #[test]
    fn splits() {
        for (text, expected) in CASES {
            check(text, expected);
        }
    }

    #[test]
    fn sentences_stay_inside_regions() {
        let text = "Rockets hit. READ ALSO: x. Protesters stormed the embassy. They left.";
        let first = Span::new(0, 12);
        let second = Span::new(27, text.len());
        let got: Vec<&str> = sentences(text, &[first, second]).iter().map(|s| s.slice(text)).collect();
        assert_eq!(got, ["Rockets hit.", "Protesters stormed the embassy.", "They left."]);
    }

    #[test]
    fn odd_regions_do_not_panic() {
        let text = "Qāsim fled. كتائب حزب الله. Done.";
        let len = text.len();
        for start in 0..len + 3 {
            for end in 0..len + 3 {
                for span in sentences(text, &[Span::new(start, end)]) {
                    assert!(text.get(span.start..span.end).is_some_and(|s| !s.is_empty()), "{start}..{end}");
                }
            }
        }
    }
}
