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
    let info = whatlang::detect(head)?;
    if !info.is_reliable() {
        return None;
    }
    let code = info.lang().code();
    Some(ISO_639_1.iter().find(|(three, _)| *three == code).map_or(code, |(_, two)| two).to_string())
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
}
