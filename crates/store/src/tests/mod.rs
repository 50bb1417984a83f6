//! Tests for the ledger, with small builders for model values and one shared scenario
//! drawn from the 2019–2024 attacks on US forces in Iraq, Syria and Jordan.
//!
//! The behaviour tests (`reading`, `writing`, `merging`) run against both backends: each is a
//! function of a fresh, empty store, instantiated by [`suite!`] once for SQLite (in memory) and
//! once for PostgreSQL (a database of its own, dropped afterwards). PostgreSQL is found at
//! `$SITREP_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`, a database the
//! user may create databases from); when it is unreachable the PostgreSQL half prints SKIP and
//! passes, except under `CI=true`, where it fails.

/// Instantiates behaviour tests (functions of a [`Fresh`] store) for both backends.
macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(super::super::sqlite_fresh()) } )*
        }
        mod postgres {
            $( #[test] fn $name() { if let Some(fresh) = super::super::pg_fresh() { super::$name(fresh) } } )*
        }
    };
}

mod live;
mod merging;
mod migrations;
mod opening;
mod pg;
mod reading;
mod watching;
mod writing;

use crate::{ArticleSighting, Batch, LogEntry, SqliteStore, Store};
use chrono::NaiveDate;
pub(crate) use pg::{pg_fresh, Fresh, TestStore};
use sitrep_model::{
    ActorRef, ActorType, Article, Attribution, DateRange, Event, EventMention, Evidence, FigureReport, Figures,
    Mention, MentionKind, PlaceRef, Quantity, Severity, SourceMeta, SourcedMention, Span, Stance, SubEventType, Weapon,
};

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

pub(crate) fn actor(id: &str, name: &str, actor_type: ActorType, country: Option<&str>) -> ActorRef {
    ActorRef {
        id: id.to_string(),
        name: name.to_string(),
        actor_type,
        country: country.map(str::to_string),
        parents: Vec::new(),
        generic: false,
    }
}

pub(crate) fn kh() -> ActorRef {
    actor("kataib-hezbollah", "Kata'ib Hizbollah", ActorType::PoliticalMilitia, Some("IQ"))
}

pub(crate) fn us_forces() -> ActorRef {
    actor("us-military", "Military Forces of the United States", ActorType::ExternalForces, Some("US"))
}

pub(crate) fn place(id: &str, name: &str, country: &str, admin1: Option<&str>, lat: f64, lon: f64) -> PlaceRef {
    PlaceRef {
        id: id.to_string(),
        name: name.to_string(),
        country: country.to_string(),
        admin1: admin1.map(str::to_string),
        lat,
        lon,
        geo_precision: 1,
        kind: "city".to_string(),
    }
}

/// The byte span of the first occurrence of `needle` in `text`.
pub(crate) fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in `{text}`"));
    Span::new(start, start + needle.len())
}

pub(crate) fn article(id: &str, outlet: &str, published: NaiveDate, text: &str) -> Article {
    Article {
        id: id.to_string(),
        source_id: Some(format!("{id}.txt")),
        url: Some(format!("https://{}/{id}", outlet.to_lowercase().replace(' ', "-"))),
        outlet: Some(outlet.to_string()),
        title: text.split('.').next().map(str::to_string),
        published: Some(published),
        lang: Some("en".to_string()),
        text: text.to_string(),
    }
}

pub(crate) fn sighting(article: &Article, outlet: &str) -> ArticleSighting {
    ArticleSighting {
        article: article.id.clone(),
        outlet: Some(outlet.to_string()),
        url: Some(format!("https://{}/{}", outlet.to_lowercase().replace(' ', "-"), article.id)),
        title: article.title.clone(),
        published: article.published,
        source_id: article.source_id.clone(),
        origin: format!("feeds/{}.jsonl:1", outlet.to_lowercase().replace(' ', "-")),
    }
}

/// An event mention whose trigger is `trigger` inside the sentence `sentence` of `article`.
pub(crate) fn mention(
    article: &Article,
    n: usize,
    sub_event_type: SubEventType,
    sentence: &str,
    trigger: &str,
    time: Option<DateRange>,
    outlets: &[&str],
) -> SourcedMention {
    let sentence_span = span_of(&article.text, sentence);
    let trigger_span = span_of(&article.text, trigger);
    SourcedMention {
        mention: EventMention {
            id: format!("{}-m{n}", article.id),
            article: article.id.clone(),
            sub_event_type,
            rule: "test-rule".to_string(),
            trigger: trigger_span,
            sentence: sentence_span,
            actor1: None,
            actor2: None,
            assoc_actors: Vec::new(),
            place: None,
            time: time.map(|value| Evidence { value, span: trigger_span, sentence: sentence_span }),
            weapon: None,
            killed: None,
            wounded: None,
            attributions: Vec::new(),
        },
        source: SourceMeta {
            article: article.id.clone(),
            url: article.url.clone(),
            outlets: outlets.iter().map(|o| o.to_string()).collect(),
            published: article.published,
            title: article.title.clone(),
            sentence: sentence.to_string(),
        },
    }
}

/// An event built from its mentions: type and date from the first one, nothing else set.
pub(crate) fn event(id: &str, mentions: Vec<SourcedMention>) -> Event {
    let first = &mentions[0].mention;
    Event {
        id: id.to_string(),
        sub_event_type: first.sub_event_type,
        date: first.time.as_ref().map(|t| t.value),
        place: None,
        actor1: None,
        actor2: None,
        assoc_actors: Vec::new(),
        weapon: None,
        fatalities: Figures::default(),
        injured: Figures::default(),
        attributions: Vec::new(),
        mentions,
    }
}

pub(crate) fn figures(low: Option<u32>, best: Option<u32>, high: Option<u32>) -> Figures {
    Figures { low, best, high, reports: Vec::new() }
}

/// The articles of the shared scenario, in the order [`scenario`] writes them.
pub(crate) struct Articles {
    pub k1: Article,
    pub strikes: Article,
    pub embassy: Article,
    pub green_zone: Article,
    pub tower22: Article,
}

pub(crate) fn articles() -> Articles {
    Articles {
        k1: article(
            "a-k1",
            "Wire A",
            d(2019, 12, 28),
            "Rockets struck the K1 base near Kirkuk on Friday, killing a US civilian contractor. \
             Several US service members and Iraqi personnel were wounded. \
             Washington blamed Kata'ib Hizbollah for the attack.",
        ),
        strikes: article(
            "a-strikes",
            "Daily B",
            d(2019, 12, 30),
            "US aircraft struck five Kata'ib Hizbollah sites in Iraq and Syria on Sunday. \
             At least 25 fighters were killed, officials said. \
             Sources close to the group put the toll at 31 dead and more than 60 wounded.",
        ),
        embassy: article(
            "a-embassy",
            "Wire A",
            d(2020, 1, 1),
            "Supporters of the militia stormed the outer compound of the US embassy in Baghdad on Tuesday \
             and set fires before they were driven back with tear gas. No one was killed. \
             Iran's supreme leader denied any role.",
        ),
        green_zone: article(
            "a-green",
            "Gazette C",
            d(2020, 11, 18),
            "Seven rockets hit Baghdad's Green Zone on Tuesday night, killing a girl and wounding five civilians. \
             A little-known group, Ashab al-Kahf, claimed the attack on Telegram.",
        ),
        tower22: article(
            "a-tower22",
            "Daily B",
            d(2024, 1, 29),
            "A drone attack on Tower 22, a small outpost in north-east Jordan, killed three American soldiers \
             on Sunday. The Islamic Resistance in Iraq claimed the attack.",
        ),
    }
}

/// Recognised mentions of every kind, so their JSON form is exercised.
pub(crate) fn recognised(article: &Article) -> Vec<Mention> {
    let text = &article.text;
    let mut out = vec![
        Mention {
            span: Span::new(0, 7),
            kind: MentionKind::Weapon(Weapon { kind: "rocket".into(), count: None }),
            qualifier: String::new(),
        },
        Mention {
            span: Span::new(8, 14),
            kind: MentionKind::Quantity(Quantity { low: 25, high: None, unit: Some("people".into()) }),
            qualifier: String::new(),
        },
        Mention {
            span: Span::new(15, 20),
            kind: MentionKind::Time(DateRange::day(d(2019, 12, 27))),
            qualifier: String::new(),
        },
        Mention {
            span: Span::new(21, 25),
            kind: MentionKind::UnresolvedTime { expression: "last week".into() },
            qualifier: String::new(),
        },
    ];
    if text.contains("Kirkuk") {
        out.push(Mention {
            span: span_of(text, "Kirkuk"),
            kind: MentionKind::Place(place("gn:94787", "Kirkuk", "IQ", Some("Kirkuk"), 35.46806, 44.39222)),
            qualifier: "near".to_string(),
        });
        out.push(Mention {
            span: span_of(text, "Kata'ib Hizbollah"),
            kind: MentionKind::Actor(kh()),
            qualifier: String::new(),
        });
    }
    out
}

/// The shared scenario: five articles (one syndicated), their mentions, five events and a log.
pub(crate) fn scenario() -> Batch {
    let a = articles();
    let k1_outlets = ["Wire A", "Daily B"];

    let k1_m1 = mention(
        &a.k1,
        1,
        SubEventType::ShellingArtilleryMissileAttack,
        "Rockets struck the K1 base near Kirkuk on Friday, killing a US civilian contractor.",
        "struck",
        Some(DateRange::day(d(2019, 12, 27))),
        &k1_outlets,
    );
    let mut k1 = event("ev-k1-rockets", vec![k1_m1.clone()]);
    k1.place = Some(PlaceRef {
        geo_precision: 2,
        ..place("cur:k1-base", "K1 Air Base", "IQ", Some("Kirkuk"), 35.5174, 44.2817)
    });
    k1.actor1 = Some(kh());
    k1.weapon = Some(Weapon { kind: "rocket".into(), count: None });
    k1.fatalities = Figures {
        reports: vec![FigureReport {
            article: a.k1.id.clone(),
            outlet: Some("Wire A".into()),
            low: 1,
            high: Some(1),
            sentence: k1_m1.mention.sentence,
        }],
        ..figures(Some(1), Some(1), Some(1))
    };
    k1.attributions = vec![Attribution {
        actor: kh(),
        stance: Stance::Blamed,
        by: Some(actor("us-government", "Government of the United States", ActorType::State, Some("US"))),
        article: a.k1.id.clone(),
        sentence: span_of(&a.k1.text, "Washington blamed Kata'ib Hizbollah for the attack."),
    }];

    let strikes_m1 = mention(
        &a.strikes,
        1,
        SubEventType::AirDroneStrike,
        "US aircraft struck five Kata'ib Hizbollah sites in Iraq and Syria on Sunday.",
        "struck",
        Some(DateRange::day(d(2019, 12, 29))),
        &["Daily B"],
    );
    let strikes_m2 = mention(
        &a.strikes,
        2,
        SubEventType::AirDroneStrike,
        "At least 25 fighters were killed, officials said.",
        "killed",
        Some(DateRange::day(d(2019, 12, 29))),
        &["Daily B"],
    );
    let mut strikes = event("ev-us-strikes", vec![strikes_m1, strikes_m2]);
    strikes.place =
        Some(PlaceRef { geo_precision: 3, kind: "country".into(), ..place("cc:IQ", "Iraq", "IQ", None, 33.0, 44.0) });
    strikes.actor1 = Some(us_forces());
    strikes.actor2 = Some(kh());
    strikes.weapon = Some(Weapon { kind: "airstrike".into(), count: Some(5) });
    strikes.fatalities = figures(Some(25), Some(25), Some(31));
    strikes.injured = figures(Some(0), None, Some(60));

    let embassy_m1 = mention(
        &a.embassy,
        1,
        SubEventType::ViolentDemonstration,
        "Supporters of the militia stormed the outer compound of the US embassy in Baghdad on Tuesday \
         and set fires before they were driven back with tear gas.",
        "stormed",
        Some(DateRange::day(d(2019, 12, 31))),
        &["Wire A"],
    );
    let mut embassy = event("ev-embassy", vec![embassy_m1]);
    embassy.place =
        Some(place("cur:us-embassy-baghdad", "US Embassy, Baghdad", "IQ", Some("Baghdad"), 33.2980, 44.3960));
    embassy.actor1 =
        Some(ActorRef { generic: true, ..actor("rioters-iq", "Rioters (Iraq)", ActorType::Rioters, Some("IQ")) });
    embassy.actor2 = Some(actor("us-embassy", "Embassy of the United States", ActorType::Organisation, Some("US")));
    embassy.assoc_actors =
        vec![kh(), actor("pmf", "Popular Mobilization Forces", ActorType::PoliticalMilitia, Some("IQ"))];
    embassy.fatalities = figures(Some(0), Some(0), Some(0));
    let iran = actor("iran", "Government of Iran", ActorType::State, Some("IR"));
    embassy.attributions = vec![Attribution {
        actor: iran.clone(),
        stance: Stance::Denied,
        by: Some(iran),
        article: a.embassy.id.clone(),
        sentence: span_of(&a.embassy.text, "Iran's supreme leader denied any role."),
    }];

    let green_m1 = mention(
        &a.green_zone,
        1,
        SubEventType::ShellingArtilleryMissileAttack,
        "Seven rockets hit Baghdad's Green Zone on Tuesday night, killing a girl and wounding five civilians.",
        "hit",
        Some(DateRange::day(d(2020, 11, 17))),
        &["Gazette C"],
    );
    let mut green = event("ev-green-zone", vec![green_m1]);
    green.place = Some(PlaceRef {
        kind: "zone".into(),
        ..place("cur:green-zone", "Green Zone", "IQ", Some("Baghdad"), 33.3031, 44.3936)
    });
    green.actor1 = Some(actor("ashab-al-kahf", "Ashab al-Kahf", ActorType::PoliticalMilitia, Some("IQ")));
    green.fatalities = figures(Some(1), Some(1), Some(1));
    green.injured = figures(Some(5), Some(5), Some(5));
    green.attributions = vec![Attribution {
        actor: actor("ashab-al-kahf", "Ashab al-Kahf", ActorType::PoliticalMilitia, Some("IQ")),
        stance: Stance::Claimed,
        by: None,
        article: a.green_zone.id.clone(),
        sentence: span_of(&a.green_zone.text, "A little-known group, Ashab al-Kahf, claimed the attack on Telegram."),
    }];

    let tower_m1 = mention(
        &a.tower22,
        1,
        SubEventType::AirDroneStrike,
        "A drone attack on Tower 22, a small outpost in north-east Jordan, killed three American soldiers \
         on Sunday.",
        "attack",
        Some(DateRange::day(d(2024, 1, 28))),
        &["Daily B"],
    );
    let mut tower = event("ev-tower-22", vec![tower_m1]);
    tower.place =
        Some(PlaceRef { kind: "base".into(), ..place("cur:tower-22", "Tower 22", "JO", None, 33.3167, 38.6914) });
    tower.actor1 =
        Some(actor("islamic-resistance-iraq", "Islamic Resistance in Iraq", ActorType::PoliticalMilitia, Some("IQ")));
    tower.actor2 = Some(us_forces());
    tower.fatalities = figures(Some(3), Some(3), Some(3));

    let events = vec![k1, strikes, embassy, green, tower];
    let all = [&a.k1, &a.strikes, &a.embassy, &a.green_zone, &a.tower22];
    Batch {
        articles: all.iter().map(|art| ((*art).clone(), recognised(art))).collect(),
        sightings: all
            .iter()
            .map(|art| sighting(art, art.outlet.as_deref().unwrap_or_default()))
            .chain([sighting(&a.k1, "Daily B")])
            .collect(),
        mentions: events.iter().flat_map(|e| e.mentions.clone()).collect(),
        events_removed: Vec::new(),
        events_upserted: events,
        signatures: Vec::new(),
        log: vec![
            LogEntry {
                origin: "feeds/wire-a.jsonl:7".into(),
                severity: Severity::Info,
                code: "duplicate".into(),
                message: "same text as a-k1".into(),
            },
            LogEntry {
                origin: "pages/broken.html".into(),
                severity: Severity::Warning,
                code: "empty".into(),
                message: "no article body found".into(),
            },
        ],
    }
}

/// Rows in one table, for checks the public API does not expose.
pub(crate) fn sqlite_fresh() -> Fresh {
    Box::new(SqliteStore::open_in_memory().expect("in-memory SQLite"))
}

impl TestStore for SqliteStore {
    fn column(&self, sql: &str) -> Vec<Option<String>> {
        let mut stmt = self.conn.prepare(sql).expect("test query");
        let rows = stmt.query_map([], |r| r.get::<_, Option<String>>(0)).expect("test query");
        rows.collect::<Result<_, _>>().expect("test query rows")
    }

    fn texts(&self, sql: &str) -> Vec<Option<String>> {
        let mut stmt = self.conn.prepare(sql).expect("test query");
        let n = stmt.column_count();
        stmt.query_row([], |r| (0..n).map(|i| r.get::<_, Option<String>>(i)).collect()).expect("test query row")
    }

    fn count(&self, sql: &str) -> i64 {
        self.conn.query_row(sql, [], |r| r.get(0)).expect("count query")
    }
}
