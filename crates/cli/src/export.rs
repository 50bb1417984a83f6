//! Export formats: JSONL exactly as the brief's export contract, ACLED-column CSV, GeoJSON.

use anyhow::Result;
use serde_json::{json, Value};
use sitrep_model::{ActorRef, ActorType, Event, EventType, Figures, SubEventType};
use std::io::Write;

fn figures(f: &Figures) -> Value {
    json!({"low": f.low, "best": f.best, "high": f.high})
}

/// One event as the export contract describes it. Unknown values are null.
pub fn contract(e: &Event) -> Value {
    let place = e.place.as_ref();
    let date = e.date.as_ref();
    json!({
        "id": e.id,
        "event_type": e.event_type().as_str(),
        "sub_event_type": e.sub_event_type.as_str(),
        "date": date.map(|d| d.start.to_string()),
        "date_end": date.map(|d| d.end.to_string()),
        "date_precision": date.map(|d| d.precision.as_str()),
        "country": place.map(|p| p.country.clone()),
        "admin1": place.and_then(|p| p.admin1.clone()),
        "location": place.map(|p| p.name.clone()),
        "latitude": place.map(|p| p.lat),
        "longitude": place.map(|p| p.lon),
        "geo_precision": place.map(|p| p.geo_precision),
        "actor1": e.actor1.as_ref().map(|a| a.name.clone()),
        "actor2": e.actor2.as_ref().map(|a| a.name.clone()),
        "assoc_actors": e.assoc_actors.iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
        "fatalities": figures(&e.fatalities),
        "injured": figures(&e.injured),
        "attributions": e.attributions.iter().map(|a| json!({
            "actor": a.actor.name,
            "stance": a.stance.as_str(),
            "by": a.by.as_ref().map(|b| b.name.clone()),
            "article": a.article,
        })).collect::<Vec<_>>(),
        "sources": e.mentions.iter().map(|m| json!({
            "article": m.source.article,
            "url": m.source.url,
            "outlet": m.source.outlets.first(),
            "outlets": m.source.outlets,
            "published": m.source.published.map(|d| d.to_string()),
            "sentence": m.source.sentence,
            "start": m.mention.sentence.start,
            "end": m.mention.sentence.end,
        })).collect::<Vec<_>>(),
    })
}

pub fn jsonl(out: &mut dyn Write, events: &[Event]) -> Result<()> {
    for e in events {
        serde_json::to_writer(&mut *out, &contract(e))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// ACLED's export columns in ACLED's order, then sitrep's own.
pub const CSV_COLUMNS: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
    "sitrep_id",
    "event_date_end",
    "fatalities_low",
    "fatalities_high",
    "injured_low",
    "injured_best",
    "injured_high",
    "n_sources",
];

/// ACLED's inter codes for actor types (people and organisations have none).
fn inter(a: Option<&ActorRef>) -> String {
    let Some(a) = a else { return String::new() };
    match a.actor_type {
        ActorType::StateForces | ActorType::State => "1",
        ActorType::RebelGroup => "2",
        ActorType::PoliticalMilitia => "3",
        ActorType::IdentityMilitia => "4",
        ActorType::Rioters => "5",
        ActorType::Protesters => "6",
        ActorType::Civilians => "7",
        ActorType::ExternalForces => "8",
        ActorType::Person | ActorType::Organisation => "",
    }
    .to_string()
}

fn disorder_type(e: &Event) -> &'static str {
    match e.event_type() {
        EventType::Protests | EventType::Riots if e.sub_event_type == SubEventType::ExcessiveForceAgainstProtesters => {
            "Political violence; Demonstrations"
        }
        EventType::Protests | EventType::Riots => "Demonstrations",
        EventType::StrategicDevelopments => "Strategic developments",
        _ => "Political violence",
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub fn csv(out: &mut dyn Write, events: &[Event]) -> Result<()> {
    let gaz = sitrep_gazetteer::Gazetteer::builtin().ok();
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    for e in events {
        let place = e.place.as_ref();
        let country_name = place
            .map(|p| {
                gaz.and_then(|g| g.country(&p.country)).map(|c| c.name.clone()).unwrap_or_else(|| p.country.clone())
            })
            .unwrap_or_default();
        let i1 = inter(e.actor1.as_ref());
        let i2 = inter(e.actor2.as_ref());
        let interaction = match (i1.as_str(), i2.as_str()) {
            ("", _) => String::new(),
            (a, "") => format!("{a}0"),
            (a, b) => {
                let (x, y) = if a <= b { (a, b) } else { (b, a) };
                format!("{x}{y}")
            }
        };
        let civilian_targeting = if e.actor2.as_ref().is_some_and(|a| a.actor_type == ActorType::Civilians) {
            "Civilian targeting"
        } else {
            ""
        };
        let mut outlets: Vec<String> = e.mentions.iter().flat_map(|m| m.source.outlets.iter().cloned()).collect();
        outlets.sort();
        outlets.dedup();
        let notes = e.mentions.first().map(|m| m.source.sentence.clone()).unwrap_or_default();
        let record: Vec<String> = vec![
            e.id.clone(),
            opt(e.date.map(|d| d.start)),
            opt(e.date.map(|d| chrono::Datelike::year(&d.start))),
            e.date
                .map(|d| match d.precision {
                    sitrep_model::DatePrecision::Day => "1",
                    sitrep_model::DatePrecision::Week => "2",
                    _ => "3",
                })
                .unwrap_or("")
                .to_string(),
            disorder_type(e).to_string(),
            e.event_type().to_string(),
            e.sub_event_type.to_string(),
            opt(e.actor1.as_ref().map(|a| a.name.clone())),
            e.assoc_actors.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join("; "),
            i1.clone(),
            opt(e.actor2.as_ref().map(|a| a.name.clone())),
            String::new(),
            i2.clone(),
            interaction,
            civilian_targeting.to_string(),
            String::new(),
            String::new(),
            country_name,
            opt(place.and_then(|p| p.admin1.clone())),
            String::new(),
            String::new(),
            opt(place.map(|p| p.name.clone())),
            opt(place.map(|p| p.lat)),
            opt(place.map(|p| p.lon)),
            opt(place.map(|p| p.geo_precision)),
            outlets.join("; "),
            String::new(),
            notes,
            opt(e.fatalities.best),
            String::new(),
            String::new(),
            e.id.clone(),
            opt(e.date.map(|d| d.end)),
            opt(e.fatalities.low),
            opt(e.fatalities.high),
            opt(e.injured.low),
            opt(e.injured.best),
            opt(e.injured.high),
            e.article_count().to_string(),
        ];
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// A FeatureCollection of the events that have coordinates; properties follow the export contract.
pub fn geojson(out: &mut dyn Write, events: &[Event]) -> Result<()> {
    let features: Vec<Value> = events
        .iter()
        .filter_map(|e| {
            let p = e.place.as_ref()?;
            let mut props = contract(e);
            if let Some(obj) = props.as_object_mut() {
                obj.remove("sources");
                obj.insert("n_sources".into(), json!(e.article_count()));
            }
            Some(json!({
                "type": "Feature",
                "id": e.id,
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": props,
            }))
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &json!({"type": "FeatureCollection", "features": features}))?;
    out.write_all(b"\n")?;
    Ok(())
}
