//! Reconcile: one event's fields from all its mentions, keeping every figure with its source.

use sitrep_model::{
    ActorRef, Attribution, DateRange, Event, Evidence, FigureReport, Figures, PlaceRef, Quantity, SourcedMention,
    Stance, SubEventType,
};
use std::collections::BTreeMap;

/// The most common value by key; ties go to the first in `rank` order (lower is better).
fn vote<'a, T, K: Ord + Clone>(
    items: impl Iterator<Item = &'a T>,
    key: impl Fn(&T) -> K,
    rank: impl Fn(&T) -> i64,
) -> Option<&'a T>
where
    T: 'a,
{
    let mut counts: BTreeMap<K, (usize, i64, &'a T)> = BTreeMap::new();
    for it in items {
        let e = counts.entry(key(it)).or_insert((0, rank(it), it));
        e.0 += 1;
        e.1 = e.1.min(rank(it));
    }
    counts.into_values().max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1))).map(|(_, _, t)| t)
}

fn place_rank(p: &PlaceRef) -> i64 {
    let kind = match p.kind.as_str() {
        "country" => 4,
        "admin1" => 3,
        "city" => 2,
        _ => 1,
    };
    kind * 10 + p.geo_precision as i64
}

/// Tolls reconciled per independent source (article): each article's largest figure stands for it.
fn figures(sources: &[&SourcedMention], pick: impl Fn(&SourcedMention) -> Option<&Evidence<Quantity>>) -> Figures {
    let mut per_article: BTreeMap<&str, FigureReport> = BTreeMap::new();
    let mut reports = Vec::new();
    for s in sources {
        let Some(q) = pick(s) else { continue };
        let report = FigureReport {
            article: s.source.article.clone(),
            outlet: s.source.outlets.first().cloned(),
            low: q.value.low,
            high: q.value.high,
            sentence: q.sentence,
        };
        reports.push(report.clone());
        let entry = per_article.entry(s.source.article.as_str()).or_insert_with(|| report.clone());
        if report.low > entry.low {
            *entry = report;
        }
    }
    if per_article.is_empty() {
        return Figures::default();
    }
    let lows: Vec<u32> = per_article.values().map(|r| r.low).collect();
    let low = lows.iter().copied().min();
    let high = per_article.values().map(|r| r.high.unwrap_or(r.low).max(r.low)).max();
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for l in &lows {
        *counts.entry(*l).or_default() += 1;
    }
    // Best: the figure most sources agree on; on a tie, the lower one (conservative).
    let best = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(v, _)| *v);
    Figures { low, best, high, reports }
}

fn type_rank(t: &SubEventType) -> i64 {
    // On a tie, the more specific description wins: a named weapon over a bare "attack", a riot over a protest.
    match t {
        SubEventType::Attack => 5,
        SubEventType::PeacefulProtest => 4,
        SubEventType::Other => 6,
        _ => 0,
    }
}

pub fn event(id: String, sources: &[&SourcedMention]) -> Event {
    let mentions: Vec<&sitrep_model::EventMention> = sources.iter().map(|s| &s.mention).collect();
    let sub_event_type =
        vote(mentions.iter().map(|m| &m.sub_event_type), |t| *t, type_rank).copied().unwrap_or(SubEventType::Other);
    // Date: the most precise report; among equally precise ones, the most common.
    let best_precision = mentions.iter().filter_map(|m| m.time.as_ref().map(|t| t.value.precision)).min();
    let date: Option<DateRange> = vote(
        mentions
            .iter()
            .filter_map(|m| m.time.as_ref().map(|t| &t.value))
            .filter(|d| Some(d.precision) == best_precision),
        |d| (d.start, d.end),
        |d| d.start.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp()).unwrap_or(0),
    )
    .copied();
    let best_place_rank = mentions.iter().filter_map(|m| m.place.as_ref().map(|p| place_rank(&p.value))).min();
    let place = vote(
        mentions
            .iter()
            .filter_map(|m| m.place.as_ref().map(|p| &p.value))
            .filter(|p| Some(place_rank(p)) == best_place_rank),
        |p| p.id.clone(),
        |_| 0,
    )
    .cloned();
    let named_first = |a: &ActorRef| if a.generic { 1 } else { 0 };
    let actor1 = vote(
        mentions.iter().filter_map(|m| m.actor1.as_ref().map(|a| &a.value)).filter(|a| !a.generic),
        |a| a.id.clone(),
        named_first,
    )
    .or_else(|| {
        vote(mentions.iter().filter_map(|m| m.actor1.as_ref().map(|a| &a.value)), |a| a.id.clone(), named_first)
    })
    .cloned();
    let mut attributions: Vec<Attribution> = Vec::new();
    for s in sources {
        for a in &s.mention.attributions {
            // One statement per (actor, stance, accuser); a report that names no accuser adds
            // nothing to one that does, and is replaced by it.
            let same = |x: &Attribution| x.actor.id == a.actor.id && x.stance == a.stance;
            let by = a.by.as_ref().map(|b| &b.id);
            if let Some(x) = attributions.iter_mut().find(|x| same(x) && x.by.is_none() && by.is_some()) {
                x.by = a.by.clone();
                continue;
            }
            let dup = attributions.iter().any(|x| same(x) && (by.is_none() || x.by.as_ref().map(|b| &b.id) == by));
            if !dup {
                attributions.push(Attribution {
                    actor: a.actor.clone(),
                    stance: a.stance,
                    by: a.by.clone(),
                    article: s.source.article.clone(),
                    sentence: a.sentence,
                });
            }
        }
    }
    // A single claimant stands as the agent when no report names one; blame never does.
    let actor1 = actor1.or_else(|| {
        let mut claimants: Vec<&ActorRef> =
            attributions.iter().filter(|a| a.stance == Stance::Claimed).map(|a| &a.actor).collect();
        claimants.dedup_by(|a, b| a.id == b.id);
        (claimants.len() == 1).then(|| claimants[0].clone())
    });
    let a1 = actor1.as_ref().map(|a| a.id.clone());
    let actor2 = vote(
        mentions.iter().filter_map(|m| m.actor2.as_ref().map(|a| &a.value)).filter(|a| Some(&a.id) != a1.as_ref()),
        |a| a.id.clone(),
        named_first,
    )
    .cloned();
    let a2 = actor2.as_ref().map(|a| a.id.clone());
    let mut assoc_actors: Vec<ActorRef> = Vec::new();
    for m in &mentions {
        for a in m
            .assoc_actors
            .iter()
            .map(|e| &e.value)
            .chain(m.actor1.as_ref().map(|e| &e.value))
            .chain(m.actor2.as_ref().map(|e| &e.value))
        {
            if Some(&a.id) != a1.as_ref() && Some(&a.id) != a2.as_ref() && !assoc_actors.iter().any(|x| x.id == a.id) {
                assoc_actors.push(a.clone());
            }
        }
    }
    assoc_actors.sort_by(|a, b| a.id.cmp(&b.id));
    let weapon = vote(
        mentions.iter().filter_map(|m| m.weapon.as_ref().map(|w| &w.value)),
        |w| w.kind.clone(),
        |w| -(w.count.unwrap_or(0) as i64),
    )
    .cloned();
    let fatalities = figures(sources, |s| s.mention.killed.as_ref());
    let injured = figures(sources, |s| s.mention.wounded.as_ref());
    let mut ordered: Vec<SourcedMention> = sources.iter().map(|s| (*s).clone()).collect();
    ordered.sort_by(|a, b| {
        (a.source.published, &a.source.article, a.mention.trigger).cmp(&(
            b.source.published,
            &b.source.article,
            b.mention.trigger,
        ))
    });
    Event {
        id,
        sub_event_type,
        date,
        place,
        actor1,
        actor2,
        assoc_actors,
        weapon,
        fatalities,
        injured,
        attributions,
        mentions: ordered,
    }
}
