//! Raising alerts: the rules are evaluated on every event that changed since the last checkpoint,
//! and the alerts are stored together with the new checkpoint.

use crate::WatchError;
use chrono::{Duration, NaiveDate};
use sitrep_alerts::{evaluate, RuleSet};
use sitrep_model::{Alert, Event};
use sitrep_store::{ChangeKind, EventFilter, Store, StoredAlert};
use std::collections::{BTreeSet, HashMap};

/// The watch-state key holding the last event change the rules were evaluated on.
pub(crate) const CHECKPOINT: &str = "alerts.event_change";

/// Changes read per round trip.
const PAGE: usize = 5_000;

/// Records where this watcher starts in the change feed, the first time a ledger is watched:
/// after every change already there, or at the beginning with `backfill`. It must happen before
/// the first ingest, or the first cycle's events would be taken for old ones.
pub(crate) fn start(store: &mut dyn Store, backfill: bool) -> Result<(), WatchError> {
    if store.watch_state(CHECKPOINT)?.is_some() {
        return Ok(());
    }
    let from = if backfill { 0 } else { store.latest_change()? };
    store.record_alerts(&[], &[(CHECKPOINT.to_string(), from.to_string())])?;
    Ok(())
}

fn checkpoint(store: &dyn Store) -> Result<u64, WatchError> {
    let text = store.watch_state(CHECKPOINT)?.unwrap_or_default();
    Ok(text.trim().parse().unwrap_or(0))
}

/// Evaluates every rule on the events changed since the checkpoint. Returns how many changes were
/// read and the alerts newly stored.
pub(crate) fn raise(store: &mut dyn Store, rules: &RuleSet) -> Result<(usize, Vec<StoredAlert>), WatchError> {
    let from = checkpoint(store)?;
    let mut last = from;
    let mut changed: BTreeSet<String> = BTreeSet::new();
    let mut n = 0;
    loop {
        let page = store.changes_since(last, PAGE)?;
        let Some(tail) = page.last() else { break };
        last = tail.seq;
        n += page.len();
        for c in page {
            if c.change == ChangeKind::Removed {
                changed.remove(&c.event_id);
            } else {
                changed.insert(c.event_id);
            }
        }
    }
    if last == from {
        return Ok((0, Vec::new()));
    }

    let mut events: Vec<Event> = Vec::with_capacity(changed.len());
    for id in &changed {
        // Removed since the change was recorded (merged into another event): nothing to say.
        if let Some(e) = store.event(id)? {
            events.push(e);
        }
    }
    // Oldest first, so that a lull is broken by the earliest event and a surge reported once.
    events.sort_by(|a, b| (a.date.map(|d| d.start), &a.id).cmp(&(b.date.map(|d| d.start), &b.id)));

    let mut raised: Vec<Alert> = Vec::new();
    let mut windows: HashMap<(NaiveDate, NaiveDate), Vec<Event>> = HashMap::new();
    for rule in &rules.rules {
        for event in events.iter().filter(|e| rule.matches(e)) {
            let window = event.date.and_then(|d| rule.context_window(d.start).map(|w| (d.start, w)));
            let (neighbours, mut prior) = match window {
                Some((day, (lo, hi))) => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = windows.entry((lo, hi)) {
                        let filter = EventFilter { since: Some(lo), until: Some(hi), ..EventFilter::default() };
                        slot.insert(store.events(&filter)?);
                    }
                    // Any earlier surge alert that could overlap this event's windows.
                    let reach = hi - lo;
                    let prior = store.rule_alerts(&rule.id, day - reach, day + reach + Duration::days(1))?;
                    (windows.get(&(lo, hi)).map(Vec::as_slice).unwrap_or(&[]), prior)
                }
                None => (&[][..], Vec::new()),
            };
            prior.extend(raised.iter().filter(|a| a.rule == rule.id).cloned());
            if let Some(alert) = evaluate(rule, event, neighbours, &prior) {
                raised.push(alert);
            }
        }
    }
    let stored = store.record_alerts(&raised, &[(CHECKPOINT.to_string(), last.to_string())])?;
    Ok((n, stored))
}
