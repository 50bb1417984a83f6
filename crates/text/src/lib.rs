//! Text normalisation and segmentation that keep every offset pointing into the original text.
//!
//! Architecture invariant: this crate does no IO and never panics on any input. Nothing here
//! rewrites an article's text; every result is a [`Span`](sitrep_model::Span) into it, or (for
//! [`Folded`]) a derived string with an alignment back to it.
//!
//! - [`fold`] / [`Folded`]: case-, accent- and punctuation-insensitive text for dictionary matching.
//! - [`clean`]: which lines are article content and which are boilerplate, with reasons.
//! - [`sentences`]: sentence spans inside content regions.
//! - [`content_id`]: a hash of the content that syndicated copies share.
//! - [`Signature`]: MinHash signatures and LSH bands that find near-duplicate copies (retitled,
//!   trimmed, lightly edited) whose content ids differ.

mod clean;
mod fold;
pub mod hash;
mod id;
mod near;
pub mod regex;
mod sentences;

pub use clean::{boilerplate, clean, Cleaned, Pattern, Rule, DUPLICATE_LINE, MAX_BOILERPLATE_LINE, PATTERNS};
pub use fold::{fold, Folded};
pub use id::content_id;

/// The [`content_id`] and the near-duplicate [`Signature`] of the content regions of `text`,
/// folding them once for both (folding was a third of preparing an article).
pub fn identify(text: &str, regions: &[sitrep_model::Span]) -> (String, Option<Signature>) {
    let folded = fold::fold_regions(text, regions);
    (id::content_id_of_folded(&folded), Signature::of_folded(&folded))
}
pub use near::{
    key_period, period, period_keys, Signature, BANDS, HASHES, MIN_SHINGLES, PERIOD_DAYS, ROWS, SAME_STORY,
    SHINGLE_WORDS,
};
pub use sentences::{sentences, HEADING_MAX_CHARS};

#[cfg(test)]
mod tests {
    use super::*;
    use sitrep_model::Span;

    /// Pieces that stress the rules: marks, apostrophes, scripts, abbreviations, boilerplate.
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "é",
        "ā",
        "\u{301}",
        "'",
        "’",
        "s",
        "S",
        " ",
        "\t",
        "\n",
        "\n\n",
        "\r\n",
        ".",
        "!",
        "?",
        "…",
        "\"",
        "“",
        "”",
        "(",
        ")",
        "-",
        "كتائب",
        "ء",
        "ـ",
        "\u{654}",
        "ﬁ",
        "İ",
        "½",
        "\u{200d}",
        "\u{feff}",
        "\u{ad}",
        "Mr.",
        "U.S.",
        "F.",
        "READ ALSO",
        "Share",
        "©",
        "1",
        "25",
        "Ω",
        "ß",
        "字",
        "😀",
    ];

    /// A deterministic stream of pseudo-random numbers (xorshift64).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    fn on_boundaries(text: &str, span: Span) -> bool {
        span.start <= span.end && text.get(span.start..span.end).is_some()
    }

    #[test]
    fn no_input_breaks_the_invariants() {
        let mut rng = Rng(0x5eed);
        for _ in 0..3000 {
            let len = rng.below(30);
            let text: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();

            let folded = Folded::new(&text);
            assert_eq!(folded.text, fold(&text), "{text:?}");
            assert_eq!(fold(&folded.text), folded.text, "fold is not idempotent on {text:?}");
            assert!(!folded.text.starts_with(' ') && !folded.text.ends_with(' ') && !folded.text.contains("  "));
            for _ in 0..20 {
                let (a, b) = (rng.below(folded.text.len() + 2), rng.below(folded.text.len() + 2));
                assert!(on_boundaries(&text, folded.to_original(a, b)), "{text:?} {a}..{b}");
            }

            let cleaned = clean(&text);
            let mut last_end = 0;
            for region in &cleaned.regions {
                assert!(on_boundaries(&text, *region) && !region.is_empty(), "{text:?} {region:?}");
                assert!(region.start >= last_end, "regions overlap in {text:?}");
                last_end = region.end;
                let slice = region.slice(&text);
                assert_eq!(slice, slice.trim(), "region not trimmed in {text:?}");
            }
            for (span, _) in &cleaned.removed {
                assert!(on_boundaries(&text, *span) && !span.is_empty());
                assert!(!cleaned.regions.iter().any(|r| r.overlaps(*span)), "{text:?}");
            }

            for sentence in sentences(&text, &cleaned.regions) {
                assert!(on_boundaries(&text, sentence) && !sentence.is_empty(), "{text:?} {sentence:?}");
                let region = cleaned.regions.iter().find(|r| r.contains(sentence));
                assert!(region.is_some(), "{text:?} {sentence:?}");
                let slice = sentence.slice(&text);
                assert_eq!(slice, slice.trim());
                // A sentence read out of its region's folding is the sentence folded alone.
                let region = region.copied().unwrap_or_default();
                let folded = Folded::new(region.slice(&text));
                let local = Span::new(sentence.start - region.start, sentence.end - region.start);
                let (a, b) = folded.folded_range(local);
                assert_eq!(&folded.text[a..b], fold(slice), "{text:?} {sentence:?}");
            }

            assert_eq!(content_id(&text, &cleaned.regions).len(), 32);
            // Folding once for both gives what each gives alone.
            let (id, signature) = identify(&text, &cleaned.regions);
            assert_eq!(id, content_id(&text, &cleaned.regions));
            assert_eq!(signature, Signature::of(&text, &cleaned.regions));
        }
    }
}
