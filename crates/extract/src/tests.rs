//! Every rule's example sentences run through the real recognisers and extractor.

use super::*;
use sitrep_model::{Article, Stance};

/// Runs one sentence (published 2020-01-05 unless a date is given) and returns its event mentions.
fn run(text: &str, published: &str) -> Vec<EventMention> {
    let gazetteer = sitrep_gazetteer::Gazetteer::builtin().expect("built-in gazetteer loads");
    let recogniser = sitrep_recognise::Recogniser::new(gazetteer);
    let article = Article {
        id: "a".into(),
        published: NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
        text: text.to_string(),
        ..Default::default()
    };
    let regions = vec![Span::new(0, text.len())];
    let sentences = sitrep_text::sentences(text, &regions);
    let ctx = sitrep_recognise::Context { published: article.published, title: None };
    let mentions = recogniser.recognise(text, &regions, &ctx);
    Extractor::builtin()
        .unwrap()
        .extract(&Input { article: &article, sentences: &sentences, mentions: &mentions, folded: &[] })
        .events
}

#[test]
fn every_rule_example_gives_its_type() {
    let mut failures = Vec::new();
    let extractor = Extractor::builtin().unwrap();
    for rule in extractor.rules() {
        for ex in &rule.examples {
            let got = run(&ex.text, "2020-01-05");
            let got = got.first().map(|e| e.sub_event_type.as_str()).unwrap_or("none");
            if got != ex.expect {
                failures.push(format!("rule {}: {:?}\n    expected {}, got {}", rule.id, ex.text, ex.expect, got));
            }
        }
    }
    assert!(failures.is_empty(), "{} rule examples failed:\n{}", failures.len(), failures.join("\n"));
}

/// (sentence, published, expected summary of the first event mention).
fn check(text: &str, published: &str, expect: &str) {
    let events = run(text, published);
    let got = match events.first() {
        None => "none".to_string(),
        Some(e) => {
            let q = |q: &Option<Evidence<sitrep_model::Quantity>>| {
                q.as_ref()
                    .map(|q| format!("{}..{}", q.value.low, q.value.high.map(|h| h.to_string()).unwrap_or_default()))
                    .unwrap_or("-".into())
            };
            format!(
                "{} | {} | {} | a1={} a2={} | killed {} wounded {}",
                e.sub_event_type,
                e.time
                    .as_ref()
                    .map(|t| format!("{}/{}", t.value.start, t.value.precision.as_str()))
                    .unwrap_or("-".into()),
                e.place.as_ref().map(|p| format!("{}/{}", p.value.name, p.value.geo_precision)).unwrap_or("-".into()),
                e.actor1.as_ref().map(|a| a.value.id.as_str()).unwrap_or("-"),
                e.actor2.as_ref().map(|a| a.value.id.as_str()).unwrap_or("-"),
                q(&e.killed),
                q(&e.wounded),
            )
        }
    };
    assert_eq!(got, expect, "text: {text}");
}

#[test]
fn roles_tolls_and_dates() {
    check(
        "Seven rockets hit Baghdad's Green Zone late on Tuesday, killing a girl and wounding five civilians.",
        "2020-11-18",
        "Shelling/artillery/missile attack | 2020-11-17/day | Green Zone/1 | a1=- a2=civilians | killed 1..1 wounded 5..5",
    );
    check("The US background: US troops have been in Iraq since 2014 to fight Islamic State.", "2020-11-18", "none");
    check("The base was also targeted by rockets in 2019.", "2023-10-19", "none");
    check(
        "Iraq could become an arena for a wider war, and militias vowed to fire rockets at US bases.",
        "2020-01-05",
        "none",
    );
}

#[test]
fn attributions_are_linked() {
    let text = "Seven rockets hit the Green Zone on Tuesday. Ashab al-Kahf claimed responsibility for the attack on Telegram. Kata'ib Hezbollah distanced itself from the attack.";
    let events = run(text, "2020-11-18");
    assert_eq!(events.len(), 1, "{events:#?}");
    let stances: Vec<(String, Stance)> =
        events[0].attributions.iter().map(|a| (a.actor.name.clone(), a.stance)).collect();
    assert!(stances.iter().any(|(_, s)| *s == Stance::Claimed), "{stances:?}");
    assert!(stances.iter().any(|(_, s)| *s == Stance::Denied), "{stances:?}");
}
