//! Writing a batch: articles, sightings, mentions, event removals and replacements, log entries,
//! all in one transaction.

use super::codec::{date_text, from_json, mentions_to_json, severity_text, to_json, without_mentions};
use crate::{Batch, BatchOutcome, StoreError};
use rusqlite::{named_params, params, Connection, OptionalExtension, Transaction};
use sitrep_model::{ActorRef, Event, PlaceRef, SourcedMention};
use std::collections::{BTreeSet, HashSet};

pub(crate) fn write_batch(conn: &mut Connection, batch: &Batch) -> Result<BatchOutcome, StoreError> {
    // Dropping the transaction on any error below rolls every part of the batch back.
    let tx = conn.transaction()?;
    let mut outcome = BatchOutcome::default();

    {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO articles
                 (id, source_id, url, outlet, title, published, lang, text, mentions_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for (article, mentions) in &batch.articles {
            let mentions_json = mentions_to_json(mentions, || format!("mentions of article {}", article.id))?;
            outcome.articles_new += insert.execute(params![
                article.id,
                article.source_id,
                article.url,
                article.outlet,
                article.title,
                date_text(article.published),
                article.lang,
                article.text,
                mentions_json,
            ])?;
        }
    }

    {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO article_outlets
                 (article_id, outlet, url, title, published, source_id, origin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for s in &batch.sightings {
            outcome.sightings_new += insert.execute(params![
                s.article,
                s.outlet,
                s.url,
                s.title,
                date_text(s.published),
                s.source_id,
                s.origin,
            ])?;
        }
    }

    for mention in &batch.mentions {
        insert_mention(&tx, mention)?;
    }

    {
        let mut delete = tx.prepare_cached("DELETE FROM events WHERE id = ?1")?;
        for id in &batch.events_removed {
            // Foreign keys cascade to event_sources and attributions and unassign the mentions.
            outcome.events_removed += delete.execute([id])?;
        }
    }

    for event in &batch.events_upserted {
        if upsert_event(&tx, event)? {
            outcome.events_updated += 1;
        } else {
            outcome.events_new += 1;
        }
    }

    {
        let mut insert =
            tx.prepare_cached("INSERT INTO ingest_log (origin, severity, code, message) VALUES (?1, ?2, ?3, ?4)")?;
        for entry in &batch.log {
            insert.execute(params![entry.origin, severity_text(entry.severity), entry.code, entry.message])?;
        }
    }

    // Only touched when there are signatures: a batch without them writes to any schema version.
    if !batch.signatures.is_empty() {
        let mut signature =
            tx.prepare_cached("INSERT OR IGNORE INTO article_signatures (article_id, minhash) VALUES (?1, ?2)")?;
        let mut band = tx.prepare_cached("INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?1, ?2)")?;
        let mut bands: Vec<(i64, &str)> = Vec::with_capacity(batch.signatures.len() * 32);
        for s in &batch.signatures {
            let blob: Vec<u8> = s.minhash.iter().flat_map(|v| v.to_le_bytes()).collect();
            signature.execute(params![s.article, blob])?;
            // SQLite integers are signed: the same 64 bits, read back the same way.
            bands.extend(s.bands.iter().map(|b| (*b as i64, s.article.as_str())));
        }
        // In key order, so that consecutive inserts land on the same pages of the index.
        bands.sort_unstable();
        for (key, article) in bands {
            band.execute(params![key, article])?;
        }
    }

    tx.commit()?;
    Ok(outcome)
}

/// Stores an event mention if it is new. A mention's row is written once: only its assignment to
/// an event changes later (see [`upsert_event`]).
fn insert_mention(tx: &Transaction<'_>, sourced: &SourcedMention) -> Result<(), StoreError> {
    let m = &sourced.mention;
    let json = to_json(sourced, || format!("event mention {}", m.id))?;
    let sql =
        "INSERT OR IGNORE INTO event_mentions (id, article_id, sub_event_type, date_start, date_end, json, country)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    let time = m.time.as_ref().map(|t| t.value);
    tx.prepare_cached(sql)?.execute(params![
        m.id,
        m.article,
        m.sub_event_type.as_str(),
        date_text(time.map(|t| t.start)),
        date_text(time.map(|t| t.end)),
        json,
        m.place.as_ref().map(|p| p.value.country.as_str()),
    ])?;
    Ok(())
}

/// Replaces one event and everything derived from it. Returns whether the id was already stored.
///
/// The event's row holds the event without its mentions and the ids of its mentions in order
/// (schema 8); each mention is written once, in its own row, and only its assignment to an event
/// changes afterwards. Sources' outlets are read from the sightings (see `read::complete`).
fn upsert_event(tx: &Transaction<'_>, event: &Event) -> Result<bool, StoreError> {
    let stored: Option<(String, String)> = tx
        .prepare_cached("SELECT json, mention_ids FROM events WHERE id = ?1")?
        .query_row([&event.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let existed = stored.is_some();

    let json = to_json(&without_mentions(event), || format!("event {}", event.id))?;
    let ids: Vec<&str> = event.mentions.iter().map(|m| m.mention.id.as_str()).collect();
    let ids_json = to_json(&ids, || format!("mention ids of event {}", event.id))?;
    // Re-merging a window hands back every event in it, most of them unchanged: those are left
    // alone, so they neither cost writes nor show up in the change journal (kept by triggers).
    let mut members: HashSet<String> = match stored {
        Some((old_json, old_ids)) if old_json == json && old_ids == ids_json => return Ok(true),
        Some((_, old_ids)) => from_json(&old_ids, || format!("mention ids of event {}", event.id))?,
        None => HashSet::new(),
    };

    let date = event.date.as_ref();
    let place = event.place.as_ref();
    let assoc: Vec<&str> = event.assoc_actors.iter().map(|a| a.name.as_str()).collect();
    let outlets: BTreeSet<&str> =
        event.mentions.iter().flat_map(|m| m.source.outlets.iter().map(String::as_str)).collect();

    tx.prepare_cached(
        "INSERT INTO events (
             id, event_type, sub_event_type, date, date_end, date_precision,
             country, admin1, location, place_id, latitude, longitude, geo_precision,
             actor1, actor1_id, actor2, actor2_id, assoc_actors, weapon,
             fatalities_low, fatalities_best, fatalities_high, injured_low, injured_best, injured_high,
             n_articles, n_outlets, json, mention_ids)
         VALUES (
             :id, :event_type, :sub_event_type, :date, :date_end, :date_precision,
             :country, :admin1, :location, :place_id, :latitude, :longitude, :geo_precision,
             :actor1, :actor1_id, :actor2, :actor2_id, :assoc_actors, :weapon,
             :fatalities_low, :fatalities_best, :fatalities_high, :injured_low, :injured_best, :injured_high,
             :n_articles, :n_outlets, :json, :mention_ids)
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
             mention_ids = excluded.mention_ids,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
    )?
    .execute(named_params! {
        ":id": event.id,
        ":event_type": event.event_type().as_str(),
        ":sub_event_type": event.sub_event_type.as_str(),
        ":date": date_text(date.map(|d| d.start)),
        ":date_end": date_text(date.map(|d| d.end)),
        ":date_precision": date.map(|d| d.precision.as_str()),
        ":country": place.map(|p| p.country.as_str()),
        ":admin1": place.and_then(|p| p.admin1.as_deref()),
        ":location": place.map(|p| p.name.as_str()),
        ":place_id": place.map(|p| p.id.as_str()),
        ":latitude": place.map(|p| p.lat),
        ":longitude": place.map(|p| p.lon),
        ":geo_precision": place.map(|p| p.geo_precision),
        ":actor1": event.actor1.as_ref().map(|a| a.name.as_str()),
        ":actor1_id": event.actor1.as_ref().map(|a| a.id.as_str()),
        ":actor2": event.actor2.as_ref().map(|a| a.name.as_str()),
        ":actor2_id": event.actor2.as_ref().map(|a| a.id.as_str()),
        ":assoc_actors": (!assoc.is_empty()).then(|| assoc.join("; ")),
        ":weapon": event.weapon.as_ref().map(|w| w.kind.as_str()),
        ":fatalities_low": event.fatalities.low,
        ":fatalities_best": event.fatalities.best,
        ":fatalities_high": event.fatalities.high,
        ":injured_low": event.injured.low,
        ":injured_best": event.injured.best,
        ":injured_high": event.injured.high,
        ":n_articles": event.article_count(),
        ":n_outlets": outlets.len(),
        ":json": json,
        ":mention_ids": ids_json,
    })?;

    // What the previous version of this event derived is brought up to date by difference: a
    // much-reported event gains a source or two per batch, and rewriting all its mentions and
    // sources each time made writing it cost as much as its whole history.
    tx.prepare_cached("DELETE FROM attributions WHERE event_id = ?1")?.execute([&event.id])?;

    for sourced in &event.mentions {
        // Already this event's: its row and its source row stand as they are.
        if members.remove(&sourced.mention.id) {
            continue;
        }
        // A mention moved here from another event leaves that event's source row behind.
        let previous: Option<Option<String>> = tx
            .prepare_cached("SELECT event_id FROM event_mentions WHERE id = ?1")?
            .query_row([&sourced.mention.id], |r| r.get(0))
            .optional()?;
        match &previous {
            None => insert_mention(tx, sourced)?,
            Some(Some(previous)) if previous != &event.id => {
                tx.prepare_cached("DELETE FROM event_sources WHERE event_id = ?1 AND mention_id = ?2")?
                    .execute([previous, &sourced.mention.id])?;
            }
            Some(_) => {}
        }
        tx.prepare_cached("UPDATE event_mentions SET event_id = ?1 WHERE id = ?2")?
            .execute([&event.id, &sourced.mention.id])?;
        let source = &sourced.source;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO event_sources
                 (event_id, mention_id, article_id, url, outlet, outlets, published,
                  sentence, sentence_start, sentence_end)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            event.id,
            sourced.mention.id,
            source.article,
            source.url,
            source.outlets.first(),
            (!source.outlets.is_empty()).then(|| source.outlets.join("; ")),
            date_text(source.published),
            source.sentence,
            sourced.mention.sentence.start,
            sourced.mention.sentence.end,
        ])?;
    }
    // Members no longer in the event: unassigned unless another event of this batch took them
    // already, their source rows here gone.
    for id in &members {
        tx.prepare_cached("UPDATE event_mentions SET event_id = NULL WHERE id = ?1 AND event_id = ?2")?
            .execute([id, &event.id])?;
        tx.prepare_cached("DELETE FROM event_sources WHERE event_id = ?1 AND mention_id = ?2")?
            .execute([&event.id, id])?;
    }

    for a in &event.attributions {
        tx.prepare_cached(
            "INSERT INTO attributions
                 (event_id, actor, actor_id, stance, by_actor, by_actor_id, article_id,
                  sentence_start, sentence_end)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            event.id,
            a.actor.name,
            a.actor.id,
            a.stance.as_str(),
            a.by.as_ref().map(|b| &b.name),
            a.by.as_ref().map(|b| &b.id),
            a.article,
            a.sentence.start,
            a.sentence.end,
        ])?;
    }

    let actors = event
        .actor1
        .iter()
        .chain(&event.actor2)
        .chain(&event.assoc_actors)
        .chain(event.attributions.iter().flat_map(|a| std::iter::once(&a.actor).chain(&a.by)));
    for actor in actors {
        upsert_actor(tx, actor)?;
    }
    if let Some(place) = place {
        upsert_place(tx, place)?;
    }
    Ok(existed)
}

fn upsert_actor(tx: &Transaction<'_>, actor: &ActorRef) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO actors (id, name, actor_type, country) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, actor_type = excluded.actor_type, country = excluded.country",
    )?
    .execute(params![actor.id, actor.name, actor.actor_type.as_str(), actor.country])?;
    Ok(())
}

fn upsert_place(tx: &Transaction<'_>, place: &PlaceRef) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO places (id, name, country, admin1, latitude, longitude, kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, country = excluded.country, admin1 = excluded.admin1,
             latitude = excluded.latitude, longitude = excluded.longitude, kind = excluded.kind",
    )?
    .execute(params![place.id, place.name, place.country, place.admin1, place.lat, place.lon, place.kind])?;
    Ok(())
}
