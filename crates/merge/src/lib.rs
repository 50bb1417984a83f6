//! Merge: event mentions of the same real-world event, within and across articles, become one event.
//!
//! Pure and deterministic: the same set of mentions always gives the same events, whatever order
//! they arrived in, which is what lets ingest re-merge a time window after each batch (and lets
//! parallel workers later agree with a single process). Event ids stay stable across re-merges.

mod compat;
mod reconcile;

use chrono::NaiveDate;
use sitrep_model::{DatePrecision, Event, SourcedMention};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use compat::{affinity, compatible, Fit};

/// The result of merging a set of mentions.
#[derive(Debug, Default)]
pub struct MergeOutcome {
    /// Events whose membership changed or that are new: write these.
    pub changed: Vec<Event>,
    /// Events whose membership did not change (not rewritten).
    pub unchanged: usize,
    /// Ids that existed before and no longer name any event (their mentions moved elsewhere).
    pub removed: Vec<String>,
    /// How many new mentions (those without an earlier event) were folded into an event another
    /// mention had started.
    pub merged_mentions: usize,
}

/// Clusters `mentions` (each with the id of the event it was assigned to before, if any).
pub fn merge(mut mentions: Vec<(SourcedMention, Option<String>)>) -> MergeOutcome {
    // Deterministic order: most precise dates first, then chronological, then by id.
    mentions.sort_by_key(|(m, _)| sort_key(m));
    mentions.dedup_by(|(a, _), (b, _)| a.mention.id == b.mention.id);

    let mut clusters: Vec<Vec<usize>> = Vec::new();
    // Of each cluster's dated members, the latest start and the earliest end. A dated mention
    // whose dates miss one member's conflicts with it (`compat::affinity`), and it misses one
    // exactly when it ends before the latest start or starts after the earliest end; so most
    // clusters are ruled out without comparing any member.
    let mut bounds: Vec<Option<(NaiveDate, NaiveDate)>> = Vec::new();

    for i in 0..mentions.len() {
        let m = &mentions[i].0;
        let dates = m.mention.time.as_ref().map(|t| (t.value.start, t.value.end));
        let best = clusters
            .iter()
            .enumerate()
            .filter_map(|(ci, members)| {
                if let (Some((start, end)), Some((latest_start, earliest_end))) = (dates, bounds[ci]) {
                    if latest_start > end || start > earliest_end {
                        return None;
                    }
                }
                // A mention joins a cluster when nothing in it conflicts and something in it matches.
                let mut score = 0.0;
                let mut matched = false;
                for &j in members {
                    match compat::affinity(&mentions[j].0, m) {
                        compat::Fit::Conflict => return None,
                        compat::Fit::Unknown => {}
                        compat::Fit::Match(s) => {
                            matched = true;
                            score += s;
                        }
                    }
                }
                matched.then_some((ci, score / members.len() as f64))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let ci = match best {
            Some((ci, _)) => {
                clusters[ci].push(i);
                ci
            }
            None => {
                clusters.push(vec![i]);
                bounds.push(None);
                clusters.len() - 1
            }
        };
        if let Some((start, end)) = dates {
            bounds[ci] = Some(match bounds[ci] {
                Some((latest_start, earliest_end)) => (latest_start.max(start), earliest_end.min(end)),
                None => (start, end),
            });
        }
    }

    // Old membership, to keep ids stable and to know what changed.
    let mut old_members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (sm, old) in &mentions {
        if let Some(id) = old {
            old_members.entry(id.clone()).or_default().insert(sm.mention.id.clone());
        }
    }
    let mut used: BTreeSet<String> = BTreeSet::new();
    // New mentions that joined an event another mention had started (old or new).
    let merged_mentions = clusters
        .iter()
        .map(|members| {
            let new = members.iter().filter(|&&j| mentions[j].1.is_none()).count();
            if new < members.len() {
                new
            } else {
                new.saturating_sub(1)
            }
        })
        .sum();
    let mut outcome = MergeOutcome { merged_mentions, ..Default::default() };
    // Assign ids: largest clusters pick first so a split keeps the id on its bigger half.
    let mut order: Vec<usize> = (0..clusters.len()).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(clusters[c].len()), clusters[c].first().copied()));
    let mut ids: HashMap<usize, String> = HashMap::new();
    for &c in &order {
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for &j in &clusters[c] {
            if let Some(id) = &mentions[j].1 {
                *votes.entry(id.as_str()).or_default() += 1;
            }
        }
        let reuse = votes
            .into_iter()
            .filter(|(id, _)| !used.contains(*id))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(id, _)| id.to_string());
        let id = reuse.unwrap_or_else(|| {
            let first = clusters[c].iter().map(|&j| mentions[j].0.mention.id.as_str()).min().unwrap_or("");
            // The id derived from the first mention may be taken already: that mention started an
            // event once, and another part of that event kept its id when it split. Two clusters
            // with one id would overwrite each other when written.
            let mut id = new_event_id(first);
            let mut n = 1;
            while used.contains(&id) {
                id = new_event_id(&format!("{first}#{n}"));
                n += 1;
            }
            id
        });
        used.insert(id.clone());
        ids.insert(c, id);
    }
    for (c, members) in clusters.iter().enumerate() {
        let Some(id) = ids.get(&c) else { continue };
        let now: BTreeSet<String> = members.iter().map(|&j| mentions[j].0.mention.id.clone()).collect();
        let all_were_here = members.iter().all(|&j| mentions[j].1.as_deref() == Some(id.as_str()));
        if all_were_here && old_members.get(id) == Some(&now) {
            outcome.unchanged += 1;
            continue;
        }
        let sources: Vec<&SourcedMention> = members.iter().map(|&j| &mentions[j].0).collect();
        outcome.changed.push(reconcile::event(id.clone(), &sources));
    }
    outcome.removed = old_members.keys().filter(|id| !used.contains(*id)).cloned().collect();
    outcome.changed.sort_by(|a, b| a.id.cmp(&b.id));
    outcome
}

fn sort_key(sm: &SourcedMention) -> (u8, Option<chrono::NaiveDate>, String) {
    let (precision, start) = match &sm.mention.time {
        Some(t) => (
            match t.value.precision {
                DatePrecision::Day => 0,
                DatePrecision::Week => 1,
                DatePrecision::Month => 2,
                DatePrecision::Year => 3,
            },
            Some(t.value.start),
        ),
        None => (4, None),
    };
    (precision, start, sm.mention.id.clone())
}

fn new_event_id(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(seed.as_bytes());
    format!("ev-{}", &hex::encode(digest)[..12])
}

#[cfg(test)]
mod tests;
