//! Compiling the regular expressions of the recognisers and the extractor so that they stay on the
//! fast engines.
//!
//! A Unicode word boundary (`\b`) cannot be decided by the regex crate's lazy DFA once the text
//! holds a non-ASCII character — and news text is full of curly quotes, dashes and transliterated
//! names — so the search falls back to the PikeVM over the whole article, tens of times slower.
//! Every boundary in our patterns sits next to an ASCII word (numbers, month names, English
//! verbs), where the ASCII boundary `(?-u:\b)` gives the same answer, and the DFA keeps going.

use regex::Regex;

/// `pattern` with every `\b` made an ASCII word boundary.
pub fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str(r"(?-u:\b)"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Compiles `pattern` with ASCII word boundaries (see the module documentation).
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&ascii_boundaries(pattern))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_word_boundaries_change() {
        for (input, expected) in [
            (r"\bkilled\b", r"(?-u:\b)killed(?-u:\b)"),
            (r"\d+\s+\\b", r"\d+\s+\\b"),
            (r"(?i)\bclaimed\s+\w+", r"(?i)(?-u:\b)claimed\s+\w+"),
            (r"trailing\", r"trailing\"),
        ] {
            assert_eq!(ascii_boundaries(input), expected, "{input}");
        }
    }

    #[test]
    fn matches_stay_the_same_next_to_ascii_words() {
        let text = "“Rockets” hit Qā’im — killing 3 people on 12 January – officials said.";
        for p in [r"\b\d+\s+people\b", r"(?i)\bjanuary\b", r"\bkilling\b", r"\bQ\w+"] {
            let unicode: Vec<&str> = Regex::new(p).unwrap().find_iter(text).map(|m| m.as_str()).collect();
            let ascii: Vec<&str> = compile(p).unwrap().find_iter(text).map(|m| m.as_str()).collect();
            assert_eq!(unicode, ascii, "{p}");
        }
    }
}
