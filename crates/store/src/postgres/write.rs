//! Writing a batch to PostgreSQL: the same parts, in the same order, with the same outcome
//! counts as the SQLite ledger. The caller holds the transaction.

use super::Session;
use crate::sqlite::codec::{mentions_to_json, severity_text, to_json};
use crate::{Batch, BatchOutcome, StoreError};
use sitrep_model::{ActorRef, Event, PlaceRef, SourcedMention};
use std::collections::{BTreeMap, BTreeSet};

/// Offsets and counts as the integer columns hold them.
fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn big(n: Option<u32>) -> Option<i64> {
    n.map(i64::from)
}

pub(crate) fn write_batch(s: &mut Session, batch: &Batch) -> Result<BatchOutcome, StoreError> {
    let mut outcome = BatchOutcome::default();

    let stmt = s.statement(
        "INSERT INTO articles (id, source_id, url, outlet, title, published, lang, text, mentions_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)
         ON CONFLICT (id) DO NOTHING",
    )?;
    for (a, mentions) in &batch.articles {
        let mentions_json = mentions_to_json(mentions, || format!("mentions of article {}", a.id))?;
        let n = s.client.execute(
            &stmt,
            &[&a.id, &a.source_id, &a.url, &a.outlet, &a.title, &a.published, &a.lang, &a.text, &mentions_json],
        )?;
        outcome.articles_new += n as usize;
    }

    let stmt = s.statement(
        "INSERT INTO article_outlets (article_id, outlet, url, title, published, source_id, origin)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (article_id, coalesce(outlet, ''), coalesce(url, '')) DO NOTHING",
    )?;
    for x in &batch.sightings {
        let n = s
            .client
            .execute(&stmt, &[&x.article, &x.outlet, &x.url, &x.title, &x.published, &x.source_id, &x.origin])?;
        outcome.sightings_new += n as usize;
    }

    // A mention an upserted event carries is written (and assigned) with that event below; one
    // statement per row is what a write costs here, so it is not inserted twice.
    let carried: BTreeSet<&str> =
        batch.events_upserted.iter().flat_map(|e| e.mentions.iter().map(|m| m.mention.id.as_str())).collect();
    let mut listed: BTreeMap<&str, &SourcedMention> = BTreeMap::new();
    for mention in &batch.mentions {
        if carried.contains(mention.mention.id.as_str()) {
            listed.entry(mention.mention.id.as_str()).or_insert(mention);
        } else {
            insert_mention(s, mention, None)?;
        }
    }

    let stmt = s.statement("DELETE FROM events WHERE id = $1")?;
    for id in &batch.events_removed {
        // Foreign keys cascade to event_sources and attributions and unassign the mentions.
        outcome.events_removed += s.client.execute(&stmt, &[id])? as usize;
    }

    let mut written = Vec::with_capacity(batch.events_upserted.len());
    for event in &batch.events_upserted {
        match upsert_event(s, event)? {
            Upsert::New => outcome.events_new += 1,
            Upsert::Replaced => outcome.events_updated += 1,
            Upsert::Unchanged => {
                outcome.events_updated += 1;
                // Its mentions were not written with it: those the batch lists are added if new,
                // as every other mention of the batch was above.
                for sourced in &event.mentions {
                    if let Some(listed) = listed.get(sourced.mention.id.as_str()) {
                        insert_mention(s, listed, None)?;
                    }
                }
                continue;
            }
        }
        written.push(event);
    }
    // Actors and places named by the events written, once each (latest definition wins, as when
    // each event wrote its own).
    let mut actors: BTreeMap<&str, &ActorRef> = BTreeMap::new();
    let mut places: BTreeMap<&str, &PlaceRef> = BTreeMap::new();
    for event in written {
        let named = event
            .actor1
            .iter()
            .chain(&event.actor2)
            .chain(&event.assoc_actors)
            .chain(event.attributions.iter().flat_map(|a| std::iter::once(&a.actor).chain(&a.by)));
        for actor in named {
            actors.insert(actor.id.as_str(), actor);
        }
        if let Some(place) = &event.place {
            places.insert(place.id.as_str(), place);
        }
    }
    for actor in actors.into_values() {
        upsert_actor(s, actor)?;
    }
    for place in places.into_values() {
        upsert_place(s, place)?;
    }

    let stmt = s.statement("INSERT INTO ingest_log (origin, severity, code, message) VALUES ($1, $2, $3, $4)")?;
    for e in &batch.log {
        s.client.execute(&stmt, &[&e.origin, &severity_text(e.severity), &e.code, &e.message])?;
    }

    // Only touched when there are signatures: a batch without them writes to any schema version.
    if !batch.signatures.is_empty() {
        let signature = s.statement(
            "INSERT INTO article_signatures (article_id, minhash) VALUES ($1, $2) ON CONFLICT (article_id) DO NOTHING",
        )?;
        let bands = s.statement(
            "INSERT INTO article_bands (band, article_id) SELECT unnest($1::bigint[]), $2
             ON CONFLICT (band, article_id) DO NOTHING",
        )?;
        for sig in &batch.signatures {
            // PostgreSQL integers are signed: u64 values are kept as the i64 with the same bits.
            let minhash: Vec<i64> = sig.minhash.iter().map(|v| *v as i64).collect();
            let band_values: Vec<i64> = sig.bands.iter().map(|v| *v as i64).collect();
            s.client.execute(&signature, &[&sig.article, &minhash])?;
            s.client.execute(&bands, &[&band_values, &sig.article])?;
        }
    }
    Ok(outcome)
}

/// What [`upsert_event`] did.
enum Upsert {
    New,
    Replaced,
    /// The stored event has the same JSON: nothing was written.
    Unchanged,
}

/// Stores an event mention. With `event`, it is one carried by an upserted event: the stored
/// copy is refreshed (the merge stage may know more outlets by now) and assigned to that event.
/// Without, it is only added if new, and its assignment is left alone.
fn insert_mention(s: &mut Session, sourced: &SourcedMention, event: Option<&str>) -> Result<(), StoreError> {
    let m = &sourced.mention;
    let json = to_json(sourced, || format!("event mention {}", m.id))?;
    let time = m.time.as_ref().map(|t| t.value);
    let (start, end) = (time.map(|t| t.start), time.map(|t| t.end));
    let country = m.place.as_ref().map(|p| p.value.country.as_str());
    match event {
        Some(event) => {
            let stmt = s.statement(
                "INSERT INTO event_mentions
                     (id, article_id, sub_event_type, date_start, date_end, json, event_id, country)
                 VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8)
                 ON CONFLICT (id) DO UPDATE SET
                     article_id = excluded.article_id,
                     sub_event_type = excluded.sub_event_type,
                     date_start = excluded.date_start,
                     date_end = excluded.date_end,
                     json = excluded.json,
                     event_id = excluded.event_id,
                     country = excluded.country",
            )?;
            s.client.execute(
                &stmt,
                &[&m.id, &m.article, &m.sub_event_type.as_str(), &start, &end, &json, &event, &country],
            )?;
        }
        None => {
            let stmt = s.statement(
                "INSERT INTO event_mentions (id, article_id, sub_event_type, date_start, date_end, json, country)
                 VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7)
                 ON CONFLICT (id) DO NOTHING",
            )?;
            s.client.execute(&stmt, &[&m.id, &m.article, &m.sub_event_type.as_str(), &start, &end, &json, &country])?;
        }
    }
    Ok(())
}

/// Replaces one event and everything derived from it, unless it is stored exactly as it is.
fn upsert_event(s: &mut Session, event: &Event) -> Result<Upsert, StoreError> {
    let json = to_json(event, || format!("event {}", event.id))?;
    // Re-merging a window hands back every event in it, most of them unchanged: those are left
    // alone, so they neither cost writes nor show up in the change journal (kept by a trigger).
    let stmt = s.statement("SELECT json = $2::text::jsonb FROM events WHERE id = $1")?;
    let existed = match s.client.query_opt(&stmt, &[&event.id, &json])? {
        Some(row) if row.get::<_, bool>(0) => return Ok(Upsert::Unchanged),
        Some(_) => Upsert::Replaced,
        None => Upsert::New,
    };

    let date = event.date.as_ref();
    let place = event.place.as_ref();
    let assoc: Vec<&str> = event.assoc_actors.iter().map(|a| a.name.as_str()).collect();
    let outlets: BTreeSet<&str> =
        event.mentions.iter().flat_map(|m| m.source.outlets.iter().map(String::as_str)).collect();

    let stmt = s.statement(
        "INSERT INTO events (
             id, event_type, sub_event_type, date, date_end, date_precision,
             country, admin1, location, place_id, latitude, longitude, geo_precision,
             actor1, actor1_id, actor2, actor2_id, assoc_actors, weapon,
             fatalities_low, fatalities_best, fatalities_high, injured_low, injured_best, injured_high,
             n_articles, n_outlets, json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                 $20, $21, $22, $23, $24, $25, $26, $27, $28::text::jsonb)
         ON CONFLICT (id) DO UPDATE SET
             event_type = excluded.event_type,
             sub_event_type = excluded.sub_event_type,
             date = excluded.date,
             date_end = excluded.date_end,
             date_precision = excluded.date_precision,
             country = excluded.country,
             admin1 = excluded.admin1,
             location = excluded.location,
             place_id = excluded.place_id,
             latitude = excluded.latitude,
             longitude = excluded.longitude,
             geo_precision = excluded.geo_precision,
             actor1 = excluded.actor1,
             actor1_id = excluded.actor1_id,
             actor2 = excluded.actor2,
             actor2_id = excluded.actor2_id,
             assoc_actors = excluded.assoc_actors,
             weapon = excluded.weapon,
             fatalities_low = excluded.fatalities_low,
             fatalities_best = excluded.fatalities_best,
             fatalities_high = excluded.fatalities_high,
             injured_low = excluded.injured_low,
             injured_best = excluded.injured_best,
             injured_high = excluded.injured_high,
             n_articles = excluded.n_articles,
             n_outlets = excluded.n_outlets,
             json = excluded.json,
             updated_at = now()",
    )?;
    s.client.execute(
        &stmt,
        &[
            &event.id,
            &event.event_type().as_str(),
            &event.sub_event_type.as_str(),
            &date.map(|d| d.start),
            &date.map(|d| d.end),
            &date.map(|d| d.precision.as_str()),
            &place.map(|p| p.country.as_str()),
            &place.and_then(|p| p.admin1.as_deref()),
            &place.map(|p| p.name.as_str()),
            &place.map(|p| p.id.as_str()),
            &place.map(|p| p.lat),
            &place.map(|p| p.lon),
            &place.map(|p| i32::from(p.geo_precision)),
            &event.actor1.as_ref().map(|a| a.name.as_str()),
            &event.actor1.as_ref().map(|a| a.id.as_str()),
            &event.actor2.as_ref().map(|a| a.name.as_str()),
            &event.actor2.as_ref().map(|a| a.id.as_str()),
            &(!assoc.is_empty()).then(|| assoc.join("; ")),
            &event.weapon.as_ref().map(|w| w.kind.as_str()),
            &big(event.fatalities.low),
            &big(event.fatalities.best),
            &big(event.fatalities.high),
            &big(event.injured.low),
            &big(event.injured.best),
            &big(event.injured.high),
            &int(event.article_count()),
            &int(outlets.len()),
            &json,
        ],
    )?;

    // Full replacement: drop what the previous version of this event derived, then rebuild it.
    for sql in [
        "DELETE FROM event_sources WHERE event_id = $1",
        "DELETE FROM attributions WHERE event_id = $1",
        "UPDATE event_mentions SET event_id = NULL WHERE event_id = $1",
    ] {
        let stmt = s.statement(sql)?;
        s.client.execute(&stmt, &[&event.id])?;
    }

    for sourced in &event.mentions {
        insert_mention(s, sourced, Some(&event.id))?;
        let source = &sourced.source;
        let stmt = s.statement(
            "INSERT INTO event_sources
                 (event_id, mention_id, article_id, url, outlet, outlets, published,
                  sentence, sentence_start, sentence_end)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (event_id, mention_id) DO NOTHING",
        )?;
        s.client.execute(
            &stmt,
            &[
                &event.id,
                &sourced.mention.id,
                &source.article,
                &source.url,
                &source.outlets.first(),
                &(!source.outlets.is_empty()).then(|| source.outlets.join("; ")),
                &source.published,
                &source.sentence,
                &int(sourced.mention.sentence.start),
                &int(sourced.mention.sentence.end),
            ],
        )?;
    }

    let stmt = s.statement(
        "INSERT INTO attributions
             (event_id, actor, actor_id, stance, by_actor, by_actor_id, article_id, sentence_start, sentence_end)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )?;
    for a in &event.attributions {
        s.client.execute(
            &stmt,
            &[
                &event.id,
                &a.actor.name,
                &a.actor.id,
                &a.stance.as_str(),
                &a.by.as_ref().map(|b| &b.name),
                &a.by.as_ref().map(|b| &b.id),
                &a.article,
                &int(a.sentence.start),
                &int(a.sentence.end),
            ],
        )?;
    }

    Ok(existed)
}

fn upsert_actor(s: &mut Session, actor: &ActorRef) -> Result<(), StoreError> {
    let stmt = s.statement(
        "INSERT INTO actors (id, name, actor_type, country) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, actor_type = excluded.actor_type, country = excluded.country",
    )?;
    s.client.execute(&stmt, &[&actor.id, &actor.name, &actor.actor_type.as_str(), &actor.country])?;
    Ok(())
}

fn upsert_place(s: &mut Session, place: &PlaceRef) -> Result<(), StoreError> {
    let stmt = s.statement(
        "INSERT INTO places (id, name, country, admin1, latitude, longitude, kind)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, country = excluded.country, admin1 = excluded.admin1,
             latitude = excluded.latitude, longitude = excluded.longitude, kind = excluded.kind",
    )?;
    s.client.execute(
        &stmt,
        &[&place.id, &place.name, &place.country, &place.admin1, &place.lat, &place.lon, &place.kind],
    )?;
    Ok(())
}
