//! Content identity of an article: a hash that ignores case, punctuation, whitespace and
//! boilerplate, so syndicated copies of one story get the same id.

use crate::fold::fold_regions;
use sha2::{Digest, Sha256};
use sitrep_model::Span;

/// Identity of an article: hex SHA-256 (first 16 bytes → 32 hex chars) of the content regions'
/// text folded with [`fold`], regions joined by one space (so whitespace, case, punctuation and
/// boilerplate lines do not change it). Regions outside `text` or off char boundaries count as
/// empty.
pub fn content_id(text: &str, regions: &[Span]) -> String {
    content_id_of_folded(&fold_regions(text, regions))
}

/// [`content_id`] of regions folded already.
pub(crate) fn content_id_of_folded(regions: &[String]) -> String {
    let mut hasher = Sha256::new();
    let mut first = true;
    for folded in regions {
        if folded.is_empty() {
            continue;
        }
        if !first {
            hasher.update(b" ");
        }
        hasher.update(folded.as_bytes());
        first = false;
    }
    let digest = hasher.finalize();
    hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;

    fn id(text: &str) -> String {
        content_id(text, &clean(text).regions)
    }

    /// Pairs of texts that must get the same id.
    const SAME: &[(&str, &str)] = &[
        ("Rockets hit the K1 base.", "rockets  hit the\n“K1” base"),
        ("Rockets hit the K1 base.", "ROCKETS HIT THE K1 BASE!!!"),
        (
            "Rockets hit the base.\nREAD ALSO: Who are the militias?\nA contractor was killed.",
            "Rockets hit the base.\n\nA contractor was killed.",
        ),
        ("Caption.\nCaption.\nBody.", "Caption.\nBody."),
        ("  Qāsim  ", "qasim"),
        ("Share\nBody text.\n© 2020 Example News", "Body text."),
    ];

    /// Pairs of texts that must get different ids.
    const DIFFERENT: &[(&str, &str)] = &[
        ("Rockets hit the K1 base.", "Rockets hit the K2 base."),
        ("Seven rockets.", "Seven rockets. A girl was killed."),
        ("ab", "a b"),
    ];

    #[test]
    fn ids() {
        for (a, b) in SAME {
            assert_eq!(id(a), id(b), "{a:?} vs {b:?}");
        }
        for (a, b) in DIFFERENT {
            assert_ne!(id(a), id(b), "{a:?} vs {b:?}");
        }
        let x = id("Rockets hit the K1 base.");
        assert_eq!(x.len(), 32);
        assert!(x.bytes().all(|b| b.is_ascii_hexdigit()));
        // The empty text has a well-defined id too.
        assert_eq!(id(""), content_id("", &[]));
        assert_eq!(content_id("abc", &[Span::new(2, 99)]), content_id("", &[]));
    }
}
