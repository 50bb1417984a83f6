//! Prints how long the built-in gazetteer takes to load, its size, and the names it finds in the
//! arguments: `cargo run --release -p sitrep-gazetteer --example gazetteer_load -- "some text"`.

use sitrep_gazetteer::{EntryRef, Gazetteer};
use std::time::Instant;

fn main() {
    let started = Instant::now();
    let gazetteer = match Gazetteer::builtin() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let elapsed = started.elapsed();
    let (names, words) = gazetteer.index_size();
    println!(
        "builtin() loaded in {:.1} ms: {} actors, {} places, {} distinct names, {} distinct words",
        elapsed.as_secs_f64() * 1000.0,
        gazetteer.actors().len(),
        gazetteer.places().len(),
        names,
        words
    );
    for text in std::env::args().skip(1) {
        let started = Instant::now();
        let found = gazetteer.find(&text);
        println!("find() in {:.3} ms", started.elapsed().as_secs_f64() * 1000.0);
        for m in found {
            let entries: Vec<String> = m
                .entries
                .iter()
                .map(|e| match e {
                    EntryRef::Actor(i) => format!("actor:{}", gazetteer.actor_ref(*i).id),
                    EntryRef::Place(i) => format!("place:{}", gazetteer.place_ref(*i, 1).id),
                })
                .collect();
            println!("  {:?} [{}..{}] → {}", m.span.slice(&text), m.span.start, m.span.end, entries.join(", "));
        }
    }
}
