//! The language of an article: as declared by its source, else detected from its text.

/// The primary language subtag of a declared language ("en-GB", "en_US", "AR" → "en", "en",
/// "ar"); `None` for what is not a language tag.
pub fn primary_lang(declared: &str) -> Option<String> {
    let primary = declared.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let valid = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    valid.then_some(primary)
}

/// Fewest letters a text needs before its language is guessed: a headline is too short.
const MIN_DETECT_CHARS: usize = 40;

/// How much of a text the detector reads: a paragraph is plenty for its trigram statistics, and
/// reading 4 KB made detection an eighth of all ingest time.
const DETECT_BYTES: usize = 1024;

/// The language of `text` when the detector is confident: ISO 639-1 where the language has such
/// a code, else ISO 639-3. Only the first [`DETECT_BYTES`] of a long text are read.
pub fn detect_lang(text: &str) -> Option<String> {
    let mut end = text.len().min(DETECT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text.get(..end)?;
    if head.chars().filter(|c| c.is_alphabetic()).count() < MIN_DETECT_CHARS {
        return None;
    }
    if plainly_english(head) {
        return Some("en".to_string());
    }
    let info = whatlang::detect(head)?;
    if !info.is_reliable() {
        return None;
    }
    let code = info.lang().code();
    Some(ISO_639_1.iter().find(|(three, _)| *three == code).map_or(code, |(_, two)| two).to_string())
}

/// English function words: together they make a quarter to a third of the words of English
/// running text, and "the" alone one word in twenty to thirty.
const ENGLISH_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "had", "has", "have", "he", "his", "in", "is",
    "it", "its", "not", "of", "on", "or", "said", "that", "the", "their", "they", "this", "to", "was", "were", "which",
    "who", "with",
];

/// Whether `head` is so plainly English that the trigram detector need not run: ASCII letters in
/// all but one word in twenty, English function words at least a fifth of the words and "the"
/// at least one in sixty. No other language has "the" as a common word, so a text passing
/// all three is English; anything less clear goes to the detector. Trigram detection was 14% of ingest time on an
/// English news corpus, and this check is a few per cent of that.
fn plainly_english(head: &str) -> bool {
    let (mut words, mut foreign, mut function, mut the) = (0usize, 0usize, 0usize, 0usize);
    for word in head.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
        words += 1;
        if !word.is_ascii() {
            foreign += 1;
            continue;
        }
        let mut lower = [0u8; 6];
        if word.len() <= lower.len() {
            for (l, b) in lower.iter_mut().zip(word.bytes()) {
                *l = b.to_ascii_lowercase();
            }
            let lower = &lower[..word.len()];
            if ENGLISH_WORDS.iter().any(|w| w.as_bytes() == lower) {
                function += 1;
                the += usize::from(lower == b"the");
            }
        }
    }
    words >= 20 && foreign * 20 <= words && function * 5 >= words && the * 60 >= words
}

/// ISO 639-3 codes whatlang reports, with their ISO 639-1 equivalents.
const ISO_639_1: &[(&str, &str)] = &[
    ("afr", "af"),
    ("aka", "ak"),
    ("amh", "am"),
    ("ara", "ar"),
    ("aze", "az"),
    ("bel", "be"),
    ("ben", "bn"),
    ("bul", "bg"),
    ("cat", "ca"),
    ("ces", "cs"),
    ("cmn", "zh"),
    ("dan", "da"),
    ("deu", "de"),
    ("ell", "el"),
    ("eng", "en"),
    ("epo", "eo"),
    ("est", "et"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("guj", "gu"),
    ("heb", "he"),
    ("hin", "hi"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("hye", "hy"),
    ("ind", "id"),
    ("ita", "it"),
    ("jav", "jv"),
    ("jpn", "ja"),
    ("kan", "kn"),
    ("kat", "ka"),
    ("khm", "km"),
    ("kor", "ko"),
    ("lat", "la"),
    ("lav", "lv"),
    ("lit", "lt"),
    ("mal", "ml"),
    ("mar", "mr"),
    ("mkd", "mk"),
    ("mya", "my"),
    ("nep", "ne"),
    ("nld", "nl"),
    ("nob", "nb"),
    ("ori", "or"),
    ("pan", "pa"),
    ("pes", "fa"),
    ("pol", "pl"),
    ("por", "pt"),
    ("ron", "ro"),
    ("rus", "ru"),
    ("sin", "si"),
    ("slk", "sk"),
    ("slv", "sl"),
    ("sna", "sn"),
    ("spa", "es"),
    ("srp", "sr"),
    ("swe", "sv"),
    ("tam", "ta"),
    ("tel", "te"),
    ("tgl", "tl"),
    ("tha", "th"),
    ("tuk", "tk"),
    ("tur", "tr"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("uzb", "uz"),
    ("vie", "vi"),
    ("yid", "yi"),
    ("zul", "zu"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared() {
        let cases = [
            ("en-GB", Some("en")),
            ("en_US", Some("en")),
            ("AR", Some("ar")),
            (" fa ", Some("fa")),
            ("", None),
            ("x", None),
            ("1234", None),
            ("english", None),
        ];
        for (declared, expected) in cases {
            assert_eq!(primary_lang(declared).as_deref(), expected, "{declared:?}");
        }
    }

    #[test]
    fn detected() {
        let cases = [
            (
                "Seven rockets struck the Green Zone in Baghdad on Tuesday night, breaking a month-long truce.",
                Some("en"),
            ),
            ("سقطت سبعة صواريخ على المنطقة الخضراء في بغداد ليل الثلاثاء، منهية هدنة استمرت شهرا.", Some("ar")),
            ("Sept roquettes ont frappé la zone verte de Bagdad mardi soir, rompant une trêve d'un mois.", Some("fr")),
            (
                "Семь ракет упали в зелёной зоне Багдада во вторник вечером, нарушив месячное перемирие. \
                 Погибла девочка, пятеро мирных жителей получили ранения, сообщили в полиции.",
                Some("ru"),
            ),
            ("Rockets hit.", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(detect_lang(text).as_deref(), expected, "{text:?}");
        }
    }

    #[test]
    fn plainly_english_only_when_it_is() {
        let cases = [
            (
                "The army said on Monday that the convoy was hit by a roadside bomb near the town of Hit, \
                 and that two of its soldiers were killed in the attack.",
                true,
            ),
            // English, but too short to be sure: left to the detector.
            ("The convoy was hit by a bomb.", false),
            // Headline English without "the": left to the detector.
            (
                "Rockets strike Green Zone in Baghdad overnight, breaking month-long truce; girl killed, \
                 five civilians wounded, police say, as militia denies role",
                false,
            ),
            (
                "Het leger zei maandag dat het konvooi in de stad werd geraakt door een bermbom en dat \
                 twee van zijn soldaten bij de aanval werden gedood, aldus de woordvoerder.",
                false,
            ),
            (
                "L'armée a déclaré lundi que le convoi avait été touché par une bombe près de la ville, \
                 et que deux de ses soldats avaient été tués dans l'attaque, selon le porte-parole.",
                false,
            ),
            (
                "The spokesman said: الجيش قال يوم الاثنين إن القافلة أصيبت بعبوة ناسفة قرب المدينة وإن اثنين من \
                 جنوده قتلا في الهجوم بحسب المتحدث",
                false,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(plainly_english(text), expected, "{text:?}");
        }
    }

    /// The fast path never contradicts the detector on real text: every head it calls English,
    /// the detector calls English too (or is unsure). Reads the real articles of `../shared/data`.
    #[test]
    fn plainly_english_agrees_with_the_detector_on_real_text() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
        let mut texts: Vec<String> = Vec::new();
        if let Ok(truth) = std::fs::read_to_string(data.join("article-extraction-benchmark/ground-truth.json")) {
            let truth: serde_json::Value = serde_json::from_str(&truth).expect("ground-truth.json is JSON");
            for page in truth.as_object().into_iter().flat_map(|o| o.values()) {
                texts.extend(page["articleBody"].as_str().map(str::to_string));
            }
        }
        if let Ok(docs) = std::fs::read_to_string(data.join("wikievents/test.jsonl")) {
            for line in docs.lines() {
                let doc: serde_json::Value = serde_json::from_str(line).expect("wikievents line is JSON");
                texts.extend(doc["text"].as_str().map(str::to_string));
            }
        }
        if texts.is_empty() {
            eprintln!("skipped: ../shared/data (benchmark pages, WikiEvents) is absent");
            return;
        }
        let mut fast = 0;
        for text in &texts {
            let mut end = text.len().min(DETECT_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let head = &text[..end];
            if plainly_english(head) {
                fast += 1;
                let detected = whatlang::detect(head).filter(|i| i.is_reliable()).map(|i| i.lang().code());
                assert!(matches!(detected, Some("eng") | None), "{detected:?}: {head:?}");
            }
        }
        assert!(fast * 10 >= texts.len() * 8, "fast path took only {fast} of {} real texts", texts.len());
    }
}
