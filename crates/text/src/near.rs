//! Near-duplicate texts: MinHash signatures over word shingles (one permutation hashing: one hash
//! per shingle, spread over [`HASHES`] buckets), and locality-sensitive hashing bands to find
//! candidates without comparing every pair.
//!
//! The same wire story on many sites differs in headline, boilerplate, a trimmed last paragraph
//! or a changed word; its content id then differs, but most of its five-word shingles do not.
//! Two texts' signatures agree in each position with probability equal to the Jaccard similarity
//! of their shingle sets, so [`Signature::similarity`] estimates it; texts sharing any of the
//! [`BANDS`] band hashes are candidates (with [`ROWS`] rows per band a pair at similarity 0.5 is
//! a candidate with probability 0.87, at 0.8 with certainty, at 0.2 with probability 0.05).
//!
//! Band hashes are stored and looked up as keys tagged with the article's publication period
//! ([`PERIOD_DAYS`] days): a copy of a story runs within days of it, so an article's candidates are
//! the articles of its own period and the one either side. Keys of one period sort together,
//! which keeps the band index's writes and reads in a few hot pages however large the ledger
//! grows (untagged, each article's 32 keys landed on 32 random pages of an index holding 32 rows
//! per article ever stored).
//!
//! Pure and deterministic: the same text gives the same signature on every machine and run.

use crate::fold::fold_regions;
use sitrep_model::Span;

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 5;
/// Hash functions in a signature.
pub const HASHES: usize = 128;
/// Rows (signature positions) per band.
pub const ROWS: usize = 4;
/// Bands: signature positions are split into this many groups of [`ROWS`].
pub const BANDS: usize = HASHES / ROWS;
/// Fewest shingles a text needs for a signature: shorter texts are left to exact identity, where
/// one changed word changes too large a share of the shingles to judge.
pub const MIN_SHINGLES: usize = 20;
/// Estimated Jaccard similarity from which two texts are one story: a copy with a trimmed last
/// third or a few words changed stays above it, a different report of the same event (its own
/// sentences, the same names) stays far below.
pub const SAME_STORY: f64 = 0.5;

/// Days per period of the band index.
pub const PERIOD_DAYS: i32 = 7;
/// Bits of a band key holding the band hash; the period takes the bits above (all but the sign).
const HASH_BITS: u32 = 44;

/// The band index period of a publication day (days from the common era, as chrono's
/// `num_days_from_ce` counts them); 0 for undated articles, which are compared with each other.
pub fn period(day: Option<i32>) -> u64 {
    match day {
        Some(d) if d > 0 => (d / PERIOD_DAYS) as u64 + 1,
        _ => 0,
    }
}

/// The period a band key was stored under (the inverse of the tag [`Signature::band_keys`] adds).
pub fn key_period(key: u64) -> u64 {
    key >> HASH_BITS
}

/// The smallest and largest band key of `period`: every key [`Signature::band_keys`] gives for
/// it lies in this range, and no other period's does.
pub fn period_keys(period: u64) -> (u64, u64) {
    let tag = tag(period);
    (tag, tag | ((1 << HASH_BITS) - 1))
}

fn tag(period: u64) -> u64 {
    period.min((1 << (63 - HASH_BITS)) - 1) << HASH_BITS
}

/// A MinHash signature of a text's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub Vec<u64>);

impl Signature {
    /// The signature of the content regions of `text` (folded: case, accents and punctuation do
    /// not matter), or `None` when they hold fewer than [`MIN_SHINGLES`] shingles.
    pub fn of(text: &str, regions: &[Span]) -> Option<Signature> {
        Signature::of_folded(&fold_regions(text, regions))
    }

    /// [`Signature::of`] regions folded already.
    pub(crate) fn of_folded(regions: &[String]) -> Option<Signature> {
        let mut words: Vec<u64> = Vec::new();
        for folded in regions {
            words.extend(folded.split_whitespace().map(|w| fnv1a(w.as_bytes())));
        }
        let shingles = words.len().checked_sub(SHINGLE_WORDS - 1)?;
        if shingles < MIN_SHINGLES {
            return None;
        }
        // One permutation hashing: each shingle's hash falls in one of HASHES buckets (its top
        // bits) and each bucket keeps its least hash. Two texts' buckets agree with probability
        // equal to their Jaccard similarity, as HASHES separate hash functions would, for one hash
        // per shingle instead of HASHES (those were an eighth of all ingest time).
        const { assert!(HASHES.is_power_of_two()) };
        let mut mins = [u64::MAX; HASHES];
        for window in words.windows(SHINGLE_WORDS) {
            let h = mix(shingle(window));
            let bucket = (h >> (64 - HASHES.trailing_zeros())) as usize;
            mins[bucket] = mins[bucket].min(h);
        }
        densify(&mut mins);
        Some(Signature(mins.to_vec()))
    }

    /// The estimated Jaccard similarity of the two texts' shingle sets: the share of positions
    /// where the signatures agree. Signatures of different lengths are 0.0 apart.
    pub fn similarity(&self, other: &Signature) -> f64 {
        if self.0.len() != other.0.len() || self.0.is_empty() {
            return 0.0;
        }
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / self.0.len() as f64
    }

    /// One hash per band, tagged with the band's number so equal rows in different bands do not
    /// collide: texts sharing any of these are near-duplicate candidates.
    pub fn bands(&self) -> Vec<u64> {
        self.0
            .chunks(ROWS)
            .enumerate()
            .map(|(band, rows)| rows.iter().fold(mix(band as u64 + 1), |h, r| mix(h ^ *r)))
            .collect()
    }

    /// The band keys an article published in `period` is stored under: its band hashes tagged
    /// with the period (non-negative as i64, so a signed integer column keeps their order).
    pub fn band_keys(&self, period: u64) -> Vec<u64> {
        let tag = tag(period);
        self.bands().into_iter().map(|b| tag | (b >> (64 - HASH_BITS))).collect()
    }

    /// The keys to look an article published in `period` up by: its band keys in that period and
    /// the one either side (an undated article: in period 0 only).
    pub fn lookup_keys(&self, period: u64) -> Vec<u64> {
        let periods = if period == 0 { 0..=0 } else { period.saturating_sub(1).max(1)..=period + 1 };
        periods.flat_map(|p| self.band_keys(p)).collect()
    }
}

/// Fills the empty buckets of a one-permutation signature ("optimal densification", Shrivastava
/// 2017): empty bucket `j` takes the value of the first filled bucket on a probe sequence fixed by
/// `j` alone. Two texts with the same buckets filled copy from the same places, so an empty bucket
/// agrees as often as filled ones do and the similarity estimate keeps its meaning for short texts,
/// which leave most buckets empty.
fn densify(mins: &mut [u64; HASHES]) {
    if mins.iter().all(|m| *m == u64::MAX) {
        return;
    }
    let filled = *mins;
    for (j, min) in mins.iter_mut().enumerate() {
        let mut probe = 0u64;
        while *min == u64::MAX {
            probe += 1;
            let donor = (mix(((j as u64) << 32) | probe) % HASHES as u64) as usize;
            *min = filled[donor];
        }
    }
}

/// The hash of one shingle from its words' hashes.
fn shingle(words: &[u64]) -> u64 {
    words.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, w| mix(h ^ *w))
}

/// SplitMix64's finaliser: a cheap, well-mixing bijection of 64-bit values.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a over bytes: a stable word hash (std's hasher may change between releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;
    use crate::fold::fold;

    fn sig(text: &str) -> Option<Signature> {
        Signature::of(text, &clean(text).regions)
    }

    const WIRE: &str = "Seven rockets struck Baghdad's heavily fortified Green Zone late on Tuesday, breaking a \
        month-long truce between Iran-aligned militias and US forces. A girl was killed and five civilians were \
        wounded when one of the rockets hit a residential area, the Iraqi military said in a statement. A group \
        calling itself Ashab al-Kahf claimed the attack on its Telegram channel, while Kata'ib Hizbollah said it \
        had nothing to do with it and called for the truce to hold. The US embassy's air defences were activated, \
        witnesses said, and sirens sounded across the zone for several minutes. Iraq's prime minister ordered an \
        investigation and said those responsible would be brought to justice.";

    /// The same wire story as another site prints it: its own headline and boilerplate, the last
    /// paragraph cut.
    const COPY: &str = "Rockets break Baghdad truce\n\nREAD ALSO: Who are the militias?\n\nSeven rockets struck \
        Baghdad's heavily fortified Green Zone late on Tuesday, breaking a month-long truce between Iran-aligned \
        militias and US forces. A girl was killed and five civilians were wounded when one of the rockets hit a \
        residential area, the Iraqi military said in a statement. A group calling itself Ashab al-Kahf claimed the \
        attack on its Telegram channel, while Kata'ib Hizbollah said it had nothing to do with it and called for \
        the truce to hold. The US embassy's air defences were activated, witnesses said.\n\nShare this article";

    /// Another outlet's own report of the same event: the same facts and names in its own words.
    const OTHER: &str = "A child died and five people were hurt on Tuesday night after a salvo of rockets landed in \
        Baghdad's Green Zone, home to the US embassy, Iraqi officials said. The attack ended a truce the \
        Iran-aligned militias had declared in October. Ashab al-Kahf, a little-known group, said on Telegram it \
        had fired the rockets; Kata'ib Hizbollah denied any part in it. The prime minister has ordered an inquiry \
        into the attack, his office said on Wednesday, and promised the perpetrators would be found.";

    #[test]
    fn a_trimmed_retitled_copy_is_the_same_story() {
        let (wire, copy) = (sig(WIRE).unwrap(), sig(COPY).unwrap());
        let similarity = wire.similarity(&copy);
        assert!(similarity >= SAME_STORY, "{similarity}");
        assert!(wire.bands().iter().any(|b| copy.bands().contains(b)), "no shared band");
    }

    #[test]
    fn copies_are_found_within_a_period_either_side_only() {
        let (wire, copy) = (sig(WIRE).unwrap(), sig(COPY).unwrap());
        let shared = |stored: u64, looked_up: u64| {
            let keys = wire.band_keys(stored);
            copy.lookup_keys(looked_up).iter().any(|k| keys.contains(k))
        };
        let day = 738_000;
        let p = period(Some(day));
        assert_eq!(period(Some(day + PERIOD_DAYS)), p + 1);
        assert!(shared(p, p) && shared(p - 1, p) && shared(p + 1, p));
        assert!(!shared(p + 2, p) && !shared(p - 2, p), "more than a period apart");
        assert!(shared(0, 0) && !shared(0, p) && !shared(p, 0), "undated articles meet undated ones only");
        assert!(wire.band_keys(p).iter().all(|k| (*k as i64) >= 0), "keys stay non-negative as i64");
        assert_eq!(copy.lookup_keys(p).len(), 3 * BANDS);
        // Each key names its period and lies in the period's range, which no other period's meets.
        for period in [0, 1, p - 1, p, p + 1, u64::MAX] {
            let (low, high) = period_keys(period);
            for key in wire.band_keys(period) {
                assert!(low <= key && key <= high);
                assert_eq!(key_period(key), key_period(low));
            }
        }
        assert!(period_keys(p).1 < period_keys(p + 1).0);
        assert_eq!(key_period(period_keys(p).0), p);
    }

    /// The words' shingle hashes, as `Signature::of` makes them, for the exact Jaccard similarity.
    fn shingles(text: &str) -> std::collections::HashSet<u64> {
        let words: Vec<u64> = fold(text).split_whitespace().map(|w| fnv1a(w.as_bytes())).collect();
        words.windows(SHINGLE_WORDS).map(shingle).collect()
    }

    #[test]
    fn the_estimate_follows_the_exact_jaccard_similarity() {
        let long = format!("{WIRE} {OTHER}");
        let words: Vec<&str> = long.split(' ').collect();
        let full = sig(&long).unwrap();
        let all = shingles(&long);
        for tenths in 2..=10 {
            let cut = words[..words.len() * tenths / 10].join(" ");
            let part = shingles(&cut);
            let exact = part.intersection(&all).count() as f64 / part.union(&all).count() as f64;
            let estimate = full.similarity(&sig(&cut).unwrap());
            assert!((estimate - exact).abs() <= 0.15, "{tenths}/10 of the text: estimate {estimate}, exact {exact}");
        }
    }

    #[test]
    fn another_report_of_the_same_event_is_not() {
        let (wire, other) = (sig(WIRE).unwrap(), sig(OTHER).unwrap());
        let similarity = wire.similarity(&other);
        assert!(similarity < 0.1, "{similarity}");
    }

    #[test]
    fn signatures_are_stable_and_short_texts_have_none() {
        let wire = sig(WIRE).unwrap();
        assert_eq!(wire.0.len(), HASHES);
        assert_eq!(wire.bands().len(), BANDS);
        assert_eq!(Some(&wire), sig(&WIRE.to_uppercase()).as_ref(), "case does not matter");
        assert_eq!(wire.similarity(&wire), 1.0);
        // Fixed values: signatures are stored, so they must not change between builds. (They
        // changed once, to one permutation hashing, with ledger schema version 6 dropping the
        // stored ones: a change here needs such a migration.)
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(wire.0[0], 49_308_622_591_575_448);
        assert_eq!(sig("Rockets hit the base."), None);
        assert_eq!(sig(""), None);
        assert_eq!(Signature(vec![1, 2]).similarity(&Signature(vec![1])), 0.0);
    }
}
