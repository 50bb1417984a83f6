//! Pure stages never panic on input: clean → recognise → extract over odd and random text, and
//! every span they return lies on character boundaries inside the text.

use sitrep_ingest::{Origin, RawArticle};
use sitrep_model::{MentionKind, Span};
use sitrep_pipeline::Analyzer;

fn raw(text: &str, published: Option<chrono::NaiveDate>) -> RawArticle {
    RawArticle {
        origin: Origin::file(std::path::Path::new("test")),
        source_id: None,
        url: None,
        title: Some("Rockets hit Baghdad".into()),
        outlet: None,
        published,
        lang: None,
        text: text.to_string(),
        warnings: Vec::new(),
    }
}

fn check_spans(text: &str, spans: impl Iterator<Item = Span>) {
    for s in spans {
        assert!(s.start <= s.end && s.end <= text.len(), "span {s:?} outside text of {} bytes", text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end), "span {s:?} splits a character");
    }
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn odd_and_random_text_never_panics() {
    let analyzer = Analyzer::builtin().unwrap();
    let pieces = [
        "Rockets",
        " hit",
        " the",
        " K1",
        " base",
        " near",
        " Kirkuk",
        " on Friday",
        ",",
        ".",
        " killing",
        " at least",
        " 25",
        " dozens of",
        " a girl",
        " Kata'ib Hizbollah",
        " claimed",
        " responsibility",
        " denied",
        "\n\n",
        "READ ALSO:",
        " ‘",
        "’s",
        " القاعدة",
        " بغداد",
        " é",
        "\u{200f}",
        "\t",
        " 31 February 2020",
        " 99999999999999 people",
        " —",
        " (Reuters) -",
        " BAGHDAD,",
        " Dec 31",
        " drone",
        " air strike",
        " blamed",
        " Iran",
        " US",
        " last week",
        " late last year",
        " in January",
        "🙂",
        "\u{0}",
        " stormed",
        " protesters",
        " tear gas",
        " arrested",
    ];
    let mut rng = Rng(0x5eed_cafe);
    let published = chrono::NaiveDate::from_ymd_opt(2020, 1, 3);
    for round in 0..400 {
        let n = (rng.next() % 60) as usize;
        let text: String = (0..n).map(|_| pieces[(rng.next() % pieces.len() as u64) as usize]).collect();
        let Some(prepared) = analyzer.prepare(&raw(&text, if round % 2 == 0 { published } else { None })) else {
            continue;
        };
        let analysis = analyzer.analyze(&prepared);
        let t = &prepared.article.text;
        check_spans(t, analysis.sentences.iter().copied());
        check_spans(t, analysis.mentions.iter().map(|m| m.span));
        for e in &analysis.events {
            check_spans(t, [e.trigger, e.sentence].into_iter());
            check_spans(t, e.place.iter().map(|p| p.span).chain(e.time.iter().map(|x| x.span)));
        }
        for m in &analysis.mentions {
            if let MentionKind::Quantity(q) = &m.kind {
                assert!(q.high.is_none_or(|h| h >= q.low), "quantity {q:?} in {text:?}");
            }
        }
    }
    for odd in [
        "",
        " ",
        "\n\n\n",
        ".",
        "..........",
        "'",
        "al-",
        "\u{feff}",
        &"a".repeat(100_000),
        &"Rockets hit. ".repeat(5000),
    ] {
        if let Some(p) = analyzer.prepare(&raw(odd, published)) {
            let a = analyzer.analyze(&p);
            check_spans(&p.article.text, a.mentions.iter().map(|m| m.span));
        }
    }
}
