//! The HTTP API over a real demo ledger on loopback: every endpoint, pagination, filters, errors,
//! the token rule, live updates and a hostile article coming back inert.

mod common;

use common::{get, request, SseReader, TestServer};
use serde_json::Value;
use sitrep_server::Options;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::Duration;

/// One demo ledger and one read-only server for the read tests (building the ledger takes a
/// while in debug builds).
fn server() -> &'static TestServer {
    static SERVER: OnceLock<(tempfile::TempDir, TestServer)> = OnceLock::new();
    &SERVER
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let db = common::demo_db(dir.path());
            let server = TestServer::start(&db, Options::default());
            (dir, server)
        })
        .1
}

fn events(query: &str) -> Value {
    let r = get(&server().url(&format!("/api/events?{query}")));
    assert_eq!(r.status, 200, "{r:?}");
    r.json()
}

fn ids(page: &Value) -> Vec<String> {
    page["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
}

fn all(query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("{query}&cursor={c}"),
            None => query.to_string(),
        };
        let page = events(&q);
        out.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
        assert!(out.len() < 10_000);
    }
}

#[test]
fn health_reports_the_ledger() {
    let r = get(&server().url("/api/health"));
    assert_eq!(r.status, 200);
    let h = r.json();
    assert_eq!(h["status"], "ok");
    assert!(h["events"].as_u64().unwrap() > 5, "{h}");
    assert_eq!(h["writes_enabled"], false);
    assert!(h["latest_change"].as_u64().unwrap() > 0);
}

#[test]
fn pages_cover_every_event_once_in_order() {
    let total = get(&server().url("/api/health")).json()["events"].as_u64().unwrap() as usize;
    let first = events("limit=3");
    assert_eq!(ids(&first).len(), 3);
    assert!(first["next"].is_string());
    let every = all("limit=3");
    assert_eq!(every.len(), total);
    let distinct: BTreeSet<&str> = every.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(distinct.len(), total, "no event twice");
    let dates: Vec<&str> = every.iter().filter_map(|e| e["date"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    // Newest first is the same set the other way round.
    let newest: Vec<String> = all("limit=4&sort=-date").iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(newest.len(), total);
    let deadliest = all("limit=2&sort=-fatalities");
    let best: Vec<i64> = deadliest.iter().map(|e| e["fatalities"]["best"].as_i64().unwrap_or(-1)).collect();
    assert!(best.windows(2).all(|w| w[0] >= w[1]), "{best:?}");
}

#[test]
fn filters_narrow_the_list() {
    let every = all("limit=500");
    let check = |query: &str, keep: &dyn Fn(&Value) -> bool| {
        let got = all(query);
        let expected: Vec<&Value> = every.iter().filter(|e| keep(e)).collect();
        assert!(!got.is_empty(), "{query} matched nothing");
        assert_eq!(got.len(), expected.len(), "{query}");
        assert!(got.iter().all(keep), "{query}");
    };
    check("country=iq", &|e| e["country"] == "IQ");
    check("type=Air/drone%20strike", &|e| e["sub_event_type"] == "Air/drone strike");
    check("type=Explosions/Remote%20violence", &|e| e["event_type"] == "Explosions/Remote violence");
    check("admin1=Baghdad", &|e| e["admin1"] == "Baghdad");
    check("since=2023-01-01", &|e| e["date_end"].as_str().is_some_and(|d| d >= "2023-01-01"));
    check("until=2020-01-31", &|e| e["date"].as_str().is_some_and(|d| d <= "2020-01-31"));
    let in_box = |e: &Value| {
        let (lat, lon) = (e["latitude"].as_f64(), e["longitude"].as_f64());
        matches!((lat, lon), (Some(lat), Some(lon)) if (33.0..=33.6).contains(&lat) && (44.0..=44.7).contains(&lon))
    };
    check("bbox=44.0,33.0,44.7,33.6", &in_box);
    let actor = all("actor=hezbollah");
    assert!(!actor.is_empty());
    assert!(actor.len() < every.len());
    let text = all("text=embassy");
    assert!(!text.is_empty() && text.len() < every.len());
    // Filters combine with paging.
    let iq: Vec<Value> = all("country=IQ&limit=1");
    assert_eq!(iq.len(), all("country=IQ").len());
}

#[test]
fn errors_are_json_with_stable_codes() {
    let s = server();
    for (path, status, code) in [
        ("/api/events?contry=IQ", 400, "unknown_parameter"),
        ("/api/events?since=yesterday", 400, "invalid_parameter"),
        ("/api/events?limit=0", 400, "invalid_parameter"),
        ("/api/events?bbox=1,2,3", 400, "invalid_parameter"),
        ("/api/events?type=Picnic", 400, "invalid_parameter"),
        ("/api/events?cursor=not-a-cursor", 400, "invalid_cursor"),
        ("/api/events/ev-does-not-exist", 404, "not_found"),
        ("/api/articles/no-such-article", 404, "not_found"),
        ("/api/timeline?bucket=year", 400, "invalid_parameter"),
        ("/api/actors?x=1", 400, "unknown_parameter"),
        ("/api/nothing-here", 404, "not_found"),
    ] {
        let r = get(&s.url(path));
        assert_eq!((r.status, r.error_code().as_str()), (status, code), "{path}: {}", r.body);
        assert!(!r.json()["error"]["message"].as_str().unwrap().is_empty());
    }
    // A cursor of one order is refused by another.
    let cursor = events("limit=1&sort=date")["next"].as_str().unwrap().to_string();
    let r = get(&s.url(&format!("/api/events?sort=-date&cursor={cursor}")));
    assert_eq!((r.status, r.error_code().as_str()), (400, "invalid_cursor"));
    let r = request("DELETE", &s.url("/api/events"), &[], None);
    assert_eq!((r.status, r.error_code().as_str()), (405, "method_not_allowed"));
    // An id prefix shared by every event ("ev-") is ambiguous.
    let r = get(&s.url("/api/events/ev-"));
    assert_eq!((r.status, r.error_code().as_str()), (409, "ambiguous_id"));
}

/// Slices a UTF-8 byte span out of a text, checking it falls on character boundaries.
fn slice(text: &str, span: &Value) -> String {
    let (a, b) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
    text.get(a..b)
        .unwrap_or_else(|| panic!("span {a}..{b} is not on char boundaries of a {}-byte text", text.len()))
        .to_string()
}

#[test]
fn an_event_shows_each_field_with_its_sources_and_evidence() {
    let s = server();
    // The K1 rocket attack: several outlets, wounded figures that differ.
    let k1 = all("text=K1&type=Shelling/artillery/missile%20attack");
    let id = k1[0]["id"].as_str().unwrap();
    let r = get(&s.url(&format!("/api/events/{id}")));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["id"], id);
    let names: Vec<&str> = v["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["date", "place", "actor1", "actor2", "weapon", "killed", "wounded"]);
    assert!(v["event"]["mentions"].as_array().unwrap().len() >= 2);
    assert_eq!(v["injured"]["conflict"], true, "{}", v["injured"]);
    assert!(v["injured"]["reports"].as_array().unwrap().len() >= 2);
    // Every evidence span is real text of its article: the field's value is in the words cited.
    let mut checked = 0;
    for f in v["fields"].as_array().unwrap() {
        for src in f["sources"].as_array().unwrap() {
            if src["span"]["end"].as_u64() == src["span"]["start"].as_u64() {
                continue;
            }
            let article = get(&s.url(&format!("/api/articles/{}", src["article"].as_str().unwrap()))).json();
            let text = article["article"]["text"].as_str().unwrap();
            let words = slice(text, &src["span"]);
            let sentence = slice(text, &src["sentence"]);
            assert!(sentence.contains(&words), "{words:?} not in {sentence:?}");
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} evidence spans");
    // A unique prefix finds the same event.
    assert_eq!(get(&s.url(&format!("/api/events/{}", &id[..10]))).json()["id"], id);
}

#[test]
fn an_article_comes_with_mentions_and_the_evidence_events_rest_on() {
    let s = server();
    let strike = &all("type=Air/drone%20strike")[0];
    let event = get(&s.url(&format!("/api/events/{}", strike["id"].as_str().unwrap()))).json();
    let article_id = event["event"]["mentions"][0]["source"]["article"].as_str().unwrap().to_string();
    let a = get(&s.url(&format!("/api/articles/{article_id}"))).json();
    let text = a["article"]["text"].as_str().unwrap();
    assert!(a["events"].as_array().unwrap().iter().any(|e| e == &strike["id"]));
    assert!(!a["mentions"].as_array().unwrap().is_empty());
    let evidence = a["evidence"].as_array().unwrap();
    assert!(evidence.iter().any(|e| e["role"] == "trigger"));
    for e in evidence {
        assert!(!slice(text, &e["span"]).is_empty());
    }
    assert!(!a["sightings"].as_array().unwrap().is_empty());
}

#[test]
fn actors_places_and_timeline_answer() {
    let s = server();
    let actors = get(&s.url("/api/actors")).json();
    let kh = actors["actors"].as_array().unwrap().iter().find(|a| a["name"] == "Kata'ib Hezbollah").expect("KH");
    assert!(kh["events"].as_u64().unwrap() + kh["attributions"].as_u64().unwrap() > 0);
    let places = get(&s.url("/api/places")).json();
    assert!(places["places"].as_array().unwrap().iter().any(|p| p["events"].as_u64().unwrap() > 0));

    let t = get(&s.url("/api/timeline?bucket=week&by=type")).json();
    let periods = t["periods"].as_array().unwrap();
    let starts: Vec<chrono::NaiveDate> =
        periods.iter().map(|p| p["start"].as_str().unwrap().parse().unwrap()).collect();
    assert!(starts.windows(2).all(|w| (w[1] - w[0]).num_days() == 7), "weeks are contiguous");
    let total: u64 = periods.iter().map(|p| p["total"].as_u64().unwrap()).sum();
    let dated = all("limit=500").iter().filter(|e| e["date"].is_string()).count() as u64;
    assert_eq!(total, dated);
    // The demo's months-long quiet stretches are marked as lulls.
    assert!(t["marks"].as_array().unwrap().iter().any(|m| m["kind"] == "lull"), "{}", t["marks"]);
    let by_actor = get(&s.url("/api/timeline?bucket=day&by=actor&country=IQ")).json();
    assert!(!by_actor["keys"].as_array().unwrap().is_empty());
}

#[test]
fn a_reconnecting_stream_resumes_after_the_last_message_it_saw() {
    let s = server();
    let latest = get(&s.url("/api/health")).json()["latest_change"].as_u64().unwrap();
    let mut stream = SseReader::open_after(s.addr(), "/api/stream", Some(latest - 2));
    let ready: Value = serde_json::from_str(&stream.next_named("ready")).unwrap();
    assert_eq!(ready["seq"].as_u64(), Some(latest - 2));
    for expected in [latest - 1, latest] {
        let change: Value = serde_json::from_str(&stream.next_named("event")).unwrap();
        assert_eq!(change["seq"].as_u64(), Some(expected), "{change}");
        assert_eq!(change["change"], "created");
        assert!(change["event_id"].as_str().unwrap().starts_with("ev-"));
    }
}

#[test]
fn the_openapi_document_lists_every_endpoint_and_error_code() {
    let r = get(&server().url("/api/openapi.json"));
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let paths: BTreeSet<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    let routes = [
        "/api/health",
        "/api/events",
        "/api/events/{id}",
        "/api/articles",
        "/api/articles/{id}",
        "/api/actors",
        "/api/places",
        "/api/timeline",
        "/api/stream",
        "/api/openapi.json",
    ];
    assert_eq!(paths, routes.into_iter().collect());
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path}");
        }
    }
    // Every $ref points at a schema that exists.
    let text = r.body.as_str();
    for piece in text.split("#/components/schemas/").skip(1) {
        let name: String = piece.chars().take_while(|c| c.is_alphanumeric()).collect();
        assert!(doc["components"]["schemas"][&name].is_object(), "dangling $ref {name}");
    }
    let description = doc["info"]["description"].as_str().unwrap();
    for (_, code, status) in sitrep_server::ERROR_CODES {
        assert!(description.contains(&format!("{code} ({})", status.as_u16())), "{code} undocumented");
    }
}

#[test]
fn the_ui_and_its_libraries_are_served_from_the_binary_with_strict_headers() {
    let s = server();
    let index = get(&s.url("/"));
    assert_eq!(index.status, 200);
    assert!(index.header("content-type").unwrap().starts_with("text/html"));
    let csp = index.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("http"), "{csp}");
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    for script in ["/assets/app.js", "/assets/vendor/leaflet.js", "/assets/vendor/leaflet.markercluster.js"] {
        let r = get(&s.url(script));
        assert_eq!(r.status, 200, "{script}");
        assert!(r.header("content-type").unwrap().starts_with("text/javascript"));
        assert!(index.body.contains(script), "index.html loads {script}");
    }
    let outlines = get(&s.url("/assets/vendor/countries-50m.json"));
    assert_eq!(outlines.json()["type"], "Topology");
    // Nothing in the page points at another origin.
    assert!(!index.body.contains("src=\"http") && !index.body.contains("href=\"http"));
    assert_eq!(get(&s.url("/assets/nothing.js")).status, 404);
}

/// A server with writes enabled, on its own copy of the demo ledger.
fn writable(token: Option<&str>) -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let options =
        Options { token: token.map(str::to_string), poll_interval: Duration::from_millis(100), ..Options::default() };
    let server = TestServer::start(&db, options);
    (dir, server)
}

#[test]
fn writes_need_the_configured_token_and_a_hostile_article_comes_back_inert() {
    let article = common::hostile_article();
    // Without a configured token, writing is off whatever the request sends.
    let r = request("POST", &server().url("/api/articles"), &[("Authorization", "Bearer anything")], Some(&article));
    assert_eq!((r.status, r.error_code().as_str()), (403, "writes_disabled"));

    let (_dir, s) = writable(Some("s3cret-token"));
    assert_eq!(get(&s.url("/api/health")).json()["writes_enabled"], true);
    let url = s.url("/api/articles");
    for auth in [None, Some("Bearer wrong"), Some("s3cret-token"), Some("Bearer s3cret-toke")] {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("Authorization", a)).into_iter().collect();
        let r = request("POST", &url, &headers, Some(&article));
        assert_eq!((r.status, r.error_code().as_str()), (401, "unauthorized"), "{auth:?}");
        assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    }
    let auth = [("Authorization", "Bearer s3cret-token")];
    let r = request("POST", &url, &auth, Some("[1,"));
    assert_eq!((r.status, r.error_code().as_str()), (400, "invalid_body"));

    // Live updates: a stream opened before the write hears about the new event.
    let mut stream = SseReader::open(s.addr(), "/api/stream");
    let ready: Value = serde_json::from_str(&stream.next_named("ready")).unwrap();
    assert!(ready["seq"].as_u64().unwrap() > 0);

    let before = get(&s.url("/api/health")).json()["articles"].as_u64().unwrap();
    let r = request("POST", &url, &auth, Some(&article));
    assert_eq!(r.status, 200, "{}", r.body);
    let report = r.json();
    assert_eq!(report["articles_new"], 1, "{report}");
    assert_eq!(get(&s.url("/api/health")).json()["articles"].as_u64().unwrap(), before + 1);

    let change: Value = serde_json::from_str(&stream.next_named("event")).unwrap();
    assert!(change["seq"].as_u64().unwrap() > ready["seq"].as_u64().unwrap());
    let event_id = change["event_id"].as_str().unwrap();
    let event = get(&s.url(&format!("/api/events/{event_id}")));
    assert_eq!(event.status, 200, "{}", event.body);

    // The hostile markup is stored as text and returned with no raw `<` in the body at all.
    let hostile = all_on(&s, "text=Green%20Zone&since=2021-03-01");
    assert!(!hostile.is_empty());
    let ev = get(&s.url(&format!("/api/events/{}", hostile[0]["id"].as_str().unwrap())));
    let article_id = ev.json()["event"]["mentions"][0]["source"]["article"].as_str().unwrap().to_string();
    let a = get(&s.url(&format!("/api/articles/{article_id}")));
    assert!(!a.body.contains('<') && !a.body.contains('>'), "{}", a.body);
    assert!(a.body.contains("\\u003cscript\\u003e"));
    let v = a.json();
    assert!(v["article"]["text"].as_str().unwrap().contains("<script>window.__xss = 1</script>"));
    assert!(v["article"]["title"].as_str().unwrap().contains("<script>"));
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
}

fn all_on(s: &TestServer, query: &str) -> Vec<Value> {
    let r = get(&s.url(&format!("/api/events?{query}&limit=500")));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["events"].as_array().unwrap().clone()
}

/// `serve --db postgres://…`: the same demo ledger in PostgreSQL serves the same pages, in the
/// same order, and the same timeline as the SQLite one.
#[test]
fn a_postgres_ledger_serves_the_same_events_and_timeline() {
    let Some(db) = common::PgDatabase::create() else { return };
    common::demo_ledger(&db.url);
    let pg = TestServer::start_spec(&db.url, Options::default());
    let walk = |server: &TestServer, query: &str| -> Vec<Value> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let q = match &cursor {
                Some(c) => format!("{query}&cursor={c}"),
                None => query.to_string(),
            };
            let r = get(&server.url(&format!("/api/events?{q}")));
            assert_eq!(r.status, 200, "{r:?}");
            let page = r.json();
            out.extend(page["events"].as_array().unwrap().iter().cloned());
            match page["next"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return out,
            }
            assert!(out.len() < 10_000);
        }
    };
    let health = get(&pg.url("/api/health")).json();
    assert_eq!(health["events"], get(&server().url("/api/health")).json()["events"], "{health}");
    assert!(health["latest_change"].as_u64().unwrap() > 0, "{health}");
    for query in ["limit=3", "limit=4&sort=-date", "limit=2&sort=-fatalities", "limit=5&country=iq&since=2020-01-01"] {
        let got = walk(&pg, query);
        assert!(!got.is_empty(), "{query}");
        assert_eq!(got, walk(server(), query), "{query}");
    }
    for query in ["bucket=week&by=type", "bucket=day&by=actor&country=IQ"] {
        let r = get(&pg.url(&format!("/api/timeline?{query}")));
        assert_eq!(r.status, 200, "{r:?}");
        let t = r.json();
        assert!(!t["periods"].as_array().unwrap().is_empty(), "{query}: {t}");
        assert_eq!(t, get(&server().url(&format!("/api/timeline?{query}"))).json(), "{query}");
    }
    // Shutting down closes the PostgreSQL connections inside the server's runtime: cleanly.
    pg.stop_and_join();
}
