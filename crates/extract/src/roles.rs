//! Role assignment around a trigger: agent, target, place, time, weapon, killed and wounded,
//! plus the modality test that keeps threats, plans and negations out of the ledger.

use regex::Regex;
use sitrep_model::{ActorRef, DateRange, Evidence, Mention, MentionKind, PlaceRef, Quantity, Span, Weapon};
use std::sync::LazyLock;

/// Words that, shortly before a trigger in the same clause, mean it did not (yet) happen.
const MODALITY_CUES: &[&str] = &[
    "will",
    "would",
    "could",
    "might",
    "may",
    "shall",
    "should",
    "can",
    "cannot",
    "vowed",
    "vow",
    "vows",
    "vowing",
    "threatened",
    "threaten",
    "threatens",
    "threatening",
    "threat",
    "threats",
    "warned",
    "warns",
    "warning",
    "plan",
    "plans",
    "planned",
    "planning",
    "plot",
    "plotted",
    "plotting",
    "intend",
    "intends",
    "intended",
    "prepare",
    "prepares",
    "preparing",
    "pledged",
    "pledge",
    "promised",
    "promise",
    "considering",
    "consider",
    "possible",
    "potential",
    "possibly",
    "risk",
    "risks",
    "fear",
    "fears",
    "feared",
    "if",
    "unless",
    "whether",
    "right",
    "urged",
    "urge",
    "demanded",
    "calls",
    "called",
    "seek",
    "seeking",
    "sought",
    "trying",
    "tried",
    "bid",
    "aim",
    "aims",
    "ready",
    "no",
    "not",
    "never",
    "without",
    "nor",
    "neither",
    // Contractions fold without their apostrophe.
    "didnt",
    "doesnt",
    "dont",
    "wont",
    "cant",
    "couldnt",
    "wouldnt",
    "wasnt",
    "werent",
    "isnt",
    "arent",
    "hasnt",
    "havent",
    "hadnt",
    "t",
    "avoid",
    "prevent",
    "prevented",
    "deter",
    "further",
    "pause",
    "halt",
    "truce",
    "ceasefire",
    "suspend",
    "suspended",
    "stop",
    "ending",
    "ended",
    "end",
];

/// Cues that negate violence but are themselves what an agreement reports ("announced a truce").
pub const PAUSE_CUES: &[&str] =
    &["pause", "halt", "truce", "ceasefire", "suspend", "suspended", "stop", "ending", "ended", "end"];

/// Words that start a new clause: the modality window stops there.
const CLAUSE_BREAKS: &[&str] =
    &["after", "following", "when", "as", "because", "since", "while", "which", "who", "that", "and", "but", "where"];

/// The modality cue governing `trigger`, if any.
pub fn modality_cue(text: &str, sentence: Span, trigger: Span) -> Option<String> {
    let before = text.get(sentence.start..trigger.start).unwrap_or("");
    // Only the clause the trigger is in: after the last comma, semicolon, colon or dash.
    let clause = before.rsplit([',', ';', ':', '—', '–', '(']).next().unwrap_or(before);
    // "without a fight" tells how something happened, not that it did not.
    let unopposed = |s: String| {
        ["without a fight", "without fighting", "without any resistance", "without resistance", "without a shot"]
            .iter()
            .fold(s, |s, p| s.replace(p, "unopposed"))
    };
    let folded = unopposed(sitrep_text::fold(clause));
    let mut window: Vec<&str> = Vec::new();
    for w in folded.split(' ').rev().filter(|w| !w.is_empty()) {
        if CLAUSE_BREAKS.contains(&w) || window.len() >= 6 {
            break;
        }
        window.push(w);
    }
    let inside = unopposed(sitrep_text::fold(trigger.slice(text)));
    // A modal right after the trigger ("further strikes could follow") counts too.
    let after = sitrep_text::fold(text.get(trigger.end..sentence.end).unwrap_or(""));
    let next_modal =
        after.split(' ').take(2).find(|w| matches!(*w, "could" | "would" | "will" | "may" | "might" | "should"));
    window
        .into_iter()
        .chain(inside.split(' ').skip(1))
        .find(|w| MODALITY_CUES.contains(w))
        .or(next_modal)
        .map(str::to_string)
}

/// "In a separate attack", "a second drone", "another rocket": the sentence starts a new event.
pub fn separate_cue(text: &str, sentence: Span, trigger: Span) -> bool {
    let before = sitrep_text::fold(text.get(sentence.start..trigger.end).unwrap_or(""));
    before
        .split(' ')
        .any(|w| matches!(w, "separate" | "second" | "another" | "third" | "separately" | "meanwhile" | "elsewhere"))
}

/// "several attacks", "dozens of rockets have hit": the trigger counts
/// many events rather than telling one.
pub fn counted_trigger(text: &str, sentence: Span, trigger: Span, mentions: &[&Mention]) -> bool {
    let before = sitrep_text::fold(text.get(sentence.start..trigger.start).unwrap_or(""));
    let last: Vec<&str> = before.split(' ').rev().filter(|w| !w.is_empty()).take(3).collect();
    let many = |w: &str| matches!(w, "dozens" | "scores" | "hundreds" | "several");
    // The word counts the trigger ("several attacks", "dozens of rockets", "several deadly attacks"),
    // not the people doing it ("hundreds of teachers staged a protest", "hundreds surrendered").
    let first_word = sitrep_text::fold(trigger.slice(text));
    let verb = first_word.split(' ').next().is_some_and(|w| w.ends_with("ed"));
    let counts = match last.as_slice() {
        [w, ..] if many(w) => true,
        ["of", w, ..] if many(w) => true,
        [_, w, ..] if many(w) => true,
        _ => false,
    };
    if counts && !verb {
        return true;
    }
    // "weeks of protests", "months of attacks": a period's worth; "the 11th attack since October",
    // "the latest in a string of attacks": a place in a series, told for its count.
    let recent: Vec<&str> = before.split(' ').rev().filter(|w| !w.is_empty()).take(5).collect();
    let period = recent.windows(2).any(|w| w[0] == "of" && matches!(w[1], "days" | "weeks" | "months" | "years"));
    let ordinal = last.first().is_some_and(|w| {
        w.len() > 2
            && w.chars().next().is_some_and(|c| c.is_ascii_digit())
            && (w.ends_with("th") || w.ends_with("st") || w.ends_with("nd") || w.ends_with("rd"))
    });
    if period || ordinal {
        return true;
    }
    mentions.iter().any(|m| match &m.kind {
        MentionKind::Quantity(q) => {
            q.unit.as_deref().is_some_and(|u| matches!(u, "attacks" | "strikes"))
                && q.low > 1
                && trigger.overlaps(m.span)
        }
        _ => false,
    })
}

/// Whether a sentence gives a rule the context it needs (any one of `needs`; none needed when empty).
pub fn context_met(needs: &[crate::rules::Need], sentence: Span, mentions: &[&Mention], text: &str) -> bool {
    use crate::rules::Need;
    use sitrep_model::ActorType::*;
    if needs.is_empty() {
        return true;
    }
    needs.iter().any(|need| match need {
        Need::ConflictActor => mentions.iter().any(|m| {
            matches!(&m.kind, MentionKind::Actor(a) if matches!(
                a.actor_type,
                StateForces | RebelGroup | PoliticalMilitia | IdentityMilitia | Rioters | Protesters | ExternalForces
            ))
        }),
        Need::Weapon => mentions.iter().any(|m| matches!(m.kind, MentionKind::Weapon(_))),
        Need::Toll => {
            let f = figures(text, sentence, mentions);
            f.killed.is_some() || f.wounded.is_some()
        }
        Need::Place => mentions.iter().any(|m| matches!(m.kind, MentionKind::Place(_)) && m.qualifier != "dateline"),
        Need::Words(pattern) => {
            let folded = sitrep_text::fold(sentence.slice(text));
            let words: Vec<&str> = folded.split(' ').collect();
            pattern.find(&words).is_some()
        }
    })
}

/// Time qualifiers that set context rather than date the event itself.
const CONTEXT_TIME: &[&str] = &["since", "until", "by", "before", "after", "from"];

fn in_parentheses(text: &str, span: Span, sentence: Span) -> bool {
    let before = text.get(sentence.start..span.start).unwrap_or("");
    before.matches('(').count() > before.matches(')').count()
}

/// "officials said on Monday", "Iran on Wednesday rejected": the date of a statement, not of the event.
fn is_report_time(text: &str, span: Span, sentence: Span) -> bool {
    const REPORTING: &[&str] = &[
        "said",
        "says",
        "told",
        "announced",
        "reported",
        "added",
        "stated",
        "confirmed",
        "denied",
        "rejected",
        "itself",
        "themselves",
        "claimed",
        "condemned",
        "blamed",
        "accused",
        "dismissed",
        "warned",
        "insisted",
        "called",
        "vowed",
        "published",
        "issued",
        "statement",
    ];
    let raw_before = text.get(sentence.start..span.start).unwrap_or("");
    let raw_after = text.get(span.end..sentence.end).unwrap_or("");
    let before = sitrep_text::fold(raw_before);
    let after = sitrep_text::fold(raw_after);
    let prev: Vec<&str> = before.split(' ').rev().take(2).collect();
    let next = after.split(' ').next().unwrap_or("");
    // Only a verb that follows the date at once dates the statement ("Iran on Monday denied");
    // after a comma it belongs to the sentence's subject ("... at the weekend, announced ...").
    let next_counts = !raw_after.trim_start().starts_with([',', ';', ')']);
    let prev_counts = !raw_before.trim_end().ends_with([',', ';', '(']);
    (prev_counts && prev.iter().any(|w| REPORTING.contains(w))) || (next_counts && REPORTING.contains(&next))
}

/// The resolved time mention in `sentence` nearest to the trigger.
pub fn time_in(text: &str, sentence: Span, trigger: Span, mentions: &[&Mention]) -> Option<Evidence<DateRange>> {
    mentions
        .iter()
        .filter_map(|m| match &m.kind {
            MentionKind::Time(r) if !CONTEXT_TIME.contains(&m.qualifier.as_str()) => Some((m, *r)),
            _ => None,
        })
        .filter(|(m, _)| !is_report_time(text, m.span, sentence))
        // A time in parentheses is usually a conversion ("1:30 a.m. local time (2230 GMT on Tuesday)").
        .min_by_key(|(m, _)| (in_parentheses(text, m.span, sentence), distance(m.span, trigger)))
        .map(|(m, r)| Evidence { value: r, span: m.span, sentence })
}

fn distance(a: Span, b: Span) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// Agent (actor1), target (actor2) and associated actors.
pub type Roles = (Option<Evidence<ActorRef>>, Option<Evidence<ActorRef>>, Vec<Evidence<ActorRef>>);

/// Agent (actor1), target (actor2) and associated actors of a trigger.
pub fn actors(text: &str, sentence: Span, trigger: Span, mentions: &[&Mention], excluded: &[Span]) -> Roles {
    let mut candidates: Vec<(Span, &ActorRef)> = Vec::new();
    for m in mentions {
        if let MentionKind::Actor(a) = &m.kind {
            if excluded.iter().any(|e| e.overlaps(m.span)) {
                continue;
            }
            // The same span can name a state and a place; keep one actor per span.
            if candidates.iter().any(|(s, _)| *s == m.span) {
                continue;
            }
            candidates.push((m.span, a));
        }
    }
    let ev = |(span, a): (Span, &ActorRef)| Evidence { value: a.clone(), span, sentence };
    let word_before = |span: Span| -> String {
        let before = text.get(sentence.start..span.start).unwrap_or("");
        sitrep_text::fold(before).rsplit(' ').next().unwrap_or("").to_string()
    };
    let target_marker = ["on", "at", "against", "targeting", "hosting", "housing", "killing", "near", "of", "in", "to"];
    let mut agent: Option<(Span, &ActorRef)> = None;
    // "by X" after the trigger names the agent outright.
    for &(span, a) in &candidates {
        if span.start >= trigger.end && word_before(span) == "by" {
            agent = Some((span, a));
            break;
        }
    }
    // An actor inside the trigger ("US air strikes", "Kata'ib Hizbollah rockets") is the agent.
    if agent.is_none() {
        agent = candidates.iter().copied().find(|(span, _)| trigger.contains(*span));
    }
    if agent.is_none() {
        // Otherwise the last actor before the trigger in the trigger's own clause that is neither
        // a target, a victim ("a contractor was killed when rockets hit") nor a speaker ("X said").
        let clause_start = clause_start(text, sentence, trigger);
        agent = candidates
            .iter()
            .copied()
            .filter(|(span, _)| span.start >= clause_start && span.end <= trigger.end && span.start < trigger.start)
            .filter(|(span, _)| !target_marker.contains(&word_before(*span).as_str()))
            .rfind(|(span, _)| !is_victim(text, *span, sentence) && !is_speaker(text, *span, sentence));
    }
    let target = candidates
        .iter()
        .copied()
        .filter(|(span, a)| {
            span.start >= trigger.start && Some(*span) != agent.map(|x| x.0) && Some(&a.id) != agent.map(|x| &x.1.id)
        })
        .find(|(span, _)| span.start >= trigger.end || !trigger.contains(*span));
    let assoc = candidates
        .iter()
        .copied()
        .filter(|(span, _)| Some(*span) != agent.map(|x| x.0) && Some(*span) != target.map(|x| x.0))
        .filter(|(_, a)| Some(&a.id) != agent.map(|x| &x.1.id) && Some(&a.id) != target.map(|x| &x.1.id))
        .map(ev)
        .collect();
    (agent.map(ev), target.map(ev), assoc)
}

/// Where the trigger's clause ends: at a semicolon or dash, or at a comma that opens an
/// attribution or a consequence (", officials said", ", drawing condemnation", ", as ...").
fn clause_end(text: &str, sentence: Span, trigger: Span) -> usize {
    static END: LazyLock<Regex> = LazyLock::new(|| {
        sitrep_text::regex::compile(r"(?i)[;—–]|,\s+(?:[\w'-]+\s+){0,5}?(?:said|says|told|according|drawing|prompting|sparking|triggering|as|which|while|amid|officials|sources)\b")
            .expect("clause end pattern compiles")
    });
    let after = text.get(trigger.end..sentence.end).unwrap_or("");
    END.find(after).map(|m| trigger.end + m.start()).unwrap_or(sentence.end)
}

/// Where the clause holding the trigger starts: after the last comma, semicolon or clause word
/// ("when", "after", "as", "while", "because") before it.
fn clause_start(text: &str, sentence: Span, trigger: Span) -> usize {
    let before = text.get(sentence.start..trigger.start).unwrap_or("");
    let mut cut = 0;
    for (i, c) in before.char_indices() {
        if matches!(c, ',' | ';' | ':' | '(' | ')' | '—' | '–') {
            cut = i + c.len_utf8();
        }
    }
    let lower = before.to_ascii_lowercase();
    for w in [" when ", " after ", " as ", " while ", " because ", " following ", " since ", " before ", " until "] {
        if let Some(i) = lower.rfind(w) {
            cut = cut.max(i + w.len());
        }
    }
    sentence.start + cut
}

/// "X said", "X told reporters": the actor is reporting, not acting.
fn is_speaker(text: &str, span: Span, sentence: Span) -> bool {
    static SPEAKER: LazyLock<Regex> = LazyLock::new(|| {
        sitrep_text::regex::compile(r"(?i)^\s*(?:[a-z-]+\s+){0,2}?(?:said|says|say|told|reported|announced|stated|confirmed|added|claimed|denied)\b")
            .expect("speaker pattern compiles")
    });
    SPEAKER.is_match(text.get(span.end..sentence.end).unwrap_or(""))
}

/// "X was killed", "X were wounded": the actor is a victim, not an agent.
fn is_victim(text: &str, span: Span, sentence: Span) -> bool {
    static VICTIM: LazyLock<Regex> = LazyLock::new(|| {
        sitrep_text::regex::compile(r"(?i)^\s*(?:[a-z-]+\s+){0,3}?(?:was|were|had been|have been|has been|are|is|got)\s+(?:killed|wounded|injured|hurt|hit|targeted|attacked|struck)\b")
            .expect("victim pattern compiles")
    });
    VICTIM.is_match(text.get(span.end..sentence.end).unwrap_or(""))
}

/// How specific a kind of place is: lower is more precise.
fn kind_rank(p: &PlaceRef) -> u8 {
    match p.kind.as_str() {
        "country" => 4,
        "admin1" => 3,
        "city" => 2,
        _ => 1,
    }
}

fn places_in<'a>(mentions: impl Iterator<Item = &'a Mention>) -> Vec<(Span, &'a PlaceRef)> {
    // A dateline says where the reporter filed from, not where the event happened.
    mentions
        .filter(|m| m.qualifier != "dateline")
        .filter_map(|m| match &m.kind {
            MentionKind::Place(p) => Some((m.span, p)),
            _ => None,
        })
        .collect()
}

/// The event's place: the most specific place in the sentence (nearest the trigger on ties); when
/// the sentence names only a province or country, a more specific place in the same country from
/// the previous or lead sentence.
pub fn place(
    text: &str,
    sentence: Span,
    trigger: Span,
    in_sentence: &[&Mention],
    context: &[Span],
    all: &[Mention],
) -> Option<Evidence<PlaceRef>> {
    fn best_of(places: Vec<(Span, &PlaceRef)>, anchor: Span) -> Option<(Span, &PlaceRef)> {
        places.into_iter().min_by_key(|(span, p)| (kind_rank(p), p.geo_precision, distance(*span, anchor)))
    }
    // Places near the trigger say where it happened; a long sentence also names places of
    // reactions and earlier events ("..., drawing condemnation outside the US embassy").
    let (start, end) = (clause_start(text, sentence, trigger), clause_end(text, sentence, trigger));
    let near: Vec<(Span, &PlaceRef)> = places_in(in_sentence.iter().copied())
        .into_iter()
        .filter(|(span, _)| span.start >= start && span.start < end)
        .collect();
    let here =
        if near.is_empty() { best_of(places_in(in_sentence.iter().copied()), trigger) } else { best_of(near, trigger) };
    if let Some((span, p)) = here {
        if kind_rank(p) <= 2 {
            return Some(Evidence { value: p.clone(), span, sentence });
        }
    }
    for &ctx in context {
        let there = best_of(places_in(all.iter().filter(|m| ctx.contains(m.span))), Span::new(ctx.end, ctx.end));
        if let Some((span, p)) = there {
            let same_country = here.is_none_or(|(_, h)| h.country == p.country);
            if kind_rank(p) <= 2 && same_country {
                return Some(Evidence { value: p.clone(), span, sentence: ctx });
            }
            if here.is_none() {
                return Some(Evidence { value: p.clone(), span, sentence: ctx });
            }
        }
    }
    here.map(|(span, p)| Evidence { value: p.clone(), span, sentence })
}

/// The weapon named nearest the trigger in the sentence.
pub fn weapon(sentence: Span, trigger: Span, mentions: &[&Mention]) -> Option<Evidence<Weapon>> {
    mentions
        .iter()
        .filter_map(|m| match &m.kind {
            MentionKind::Weapon(w) if w.kind != "tear_gas" => Some((m.span, w)),
            _ => None,
        })
        .min_by_key(|(span, _)| distance(*span, trigger))
        .map(|(span, w)| Evidence { value: w.clone(), span, sentence })
}

#[derive(Debug, Default)]
pub struct Figures {
    pub killed: Option<Evidence<Quantity>>,
    pub wounded: Option<Evidence<Quantity>>,
}

static KILLED_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)^[\s,]*(?:[A-Za-z'-]+\s+){0,5}?(?:(?:were|was|have been|has been|had been|are|is|been|being|got)\s+)?(?:killed|dead|died|slain|deaths?|lost their lives|perished|fatalities)\b")
        .expect("killed pattern compiles")
});
static WOUNDED_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)^[\s,]*(?:[A-Za-z'-]+\s+){0,5}?(?:(?:were|was|have been|has been|had been|are|is|been|being|got)\s+)?(?:wounded|injured|hurt|injuries)\b")
        .expect("wounded pattern compiles")
});
static KILLED_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)\b(?:killing|killed|kills|kill|claimed the lives of|death toll (?:rose |climbed |rising )?(?:to|at|of)|toll (?:\w+ ){0,6}?(?:has |had )?(?:risen|rose|climbed|reached|stood at|stands at|jumped)(?: to)?)\s*$")
        .expect("killed-before pattern compiles")
});
static WOUNDED_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)\b(?:wounding|wounded|injuring|injured|hurting|hurt|wounds)\s*$")
        .expect("wounded-before pattern compiles")
});

static KILLED_CUE: LazyLock<Regex> =
    LazyLock::new(|| sitrep_text::regex::compile(r"(?i)\b(?:killed|killing|kills)\b").expect("killed cue compiles"));

/// Distinct people named between two offsets (victims listed after "killed").
fn people_between(mentions: &[&Mention], start: usize, end: usize) -> u32 {
    let mut ids: Vec<&str> = mentions
        .iter()
        .filter(|m| m.span.start >= start && m.span.end <= end)
        .filter_map(|m| match &m.kind {
            MentionKind::Actor(a) if a.actor_type == sitrep_model::ActorType::Person => Some(a.id.as_str()),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len() as u32
}

/// The sentence's mentions without the counts that belong to another event it names: in "stormed
/// the embassy over US strikes that killed 25 fighters" the 25 are the strikes' dead.
pub fn own_counts<'m>(text: &str, trigger: Span, mentions: &[&'m Mention]) -> Vec<&'m Mention> {
    static OTHER_EVENT: LazyLock<Regex> = LazyLock::new(|| {
        sitrep_text::regex::compile(
            r"(?i)\b(?:strikes?|airstrikes?|attacks?|raids?|bombings?|shelling|blasts?|explosions?|clashes)\b",
        )
        .expect("other-event pattern compiles")
    });
    mentions
        .iter()
        .copied()
        .filter(|m| {
            if !matches!(m.kind, MentionKind::Quantity(_)) {
                return true;
            }
            let between = if m.span.start >= trigger.end {
                text.get(trigger.end..m.span.start)
            } else {
                text.get(m.span.end.min(trigger.start)..trigger.start)
            };
            !between.is_some_and(|b| OTHER_EVENT.is_match(b))
        })
        .collect()
}

/// Killed and wounded figures stated in a sentence.
pub fn figures(text: &str, sentence: Span, mentions: &[&Mention]) -> Figures {
    let mut out = Figures::default();
    for m in mentions {
        let MentionKind::Quantity(q) = &m.kind else {
            continue;
        };
        if q.unit.as_deref().is_some_and(|u| u != "people") {
            continue;
        }
        let own = m.span.slice(text).to_ascii_lowercase();
        let after = text.get(m.span.end..sentence.end).unwrap_or("");
        let after = after.get(..after.len().min(60)).unwrap_or(after);
        let before_start = m.span.start.saturating_sub(40).max(sentence.start);
        let before = (before_start..=m.span.start).find_map(|s| text.get(s..m.span.start)).unwrap_or("");
        let ev = || Evidence { value: q.clone(), span: m.span, sentence };
        let zero_kind = |w: &str| own.contains(w);
        // "25 dead", "more than 60 wounded": the count names its own kind.
        let last_word = own.rsplit(' ').next().unwrap_or("");
        if matches!(last_word, "dead" | "killed") && out.killed.is_none() {
            out.killed = Some(ev());
            continue;
        }
        if matches!(last_word, "wounded" | "injured") && out.wounded.is_none() {
            out.wounded = Some(ev());
            continue;
        }
        // "killed Soleimani, al-Muhandis and at least five others": the named people count too.
        if last_word == "others" {
            let sentence_before = text.get(sentence.start..m.span.start).unwrap_or("");
            if let Some(cue) = KILLED_CUE.find_iter(sentence_before).last() {
                let cue_at = sentence.start + cue.end();
                let named = people_between(mentions, cue_at, m.span.start);
                let mut value = q.clone();
                value.low += named;
                value.high = value.high.map(|h| h + named);
                if out.killed.is_none() {
                    out.killed =
                        Some(Evidence { value, span: Span::new(cue_at.min(m.span.start), m.span.end), sentence });
                }
                continue;
            }
        }
        let is_killed = if q.low == 0 && q.high == Some(0) {
            zero_kind("death") || zero_kind("fatalit") || zero_kind("casualt") || KILLED_AFTER.is_match(after)
        } else {
            KILLED_AFTER.is_match(after) || KILLED_BEFORE.is_match(before)
        };
        let is_wounded = if q.low == 0 && q.high == Some(0) {
            zero_kind("injur") || zero_kind("casualt") || WOUNDED_AFTER.is_match(after)
        } else {
            WOUNDED_AFTER.is_match(after) || WOUNDED_BEFORE.is_match(before)
        };
        // A before-cue belongs to the nearest verb: "killing 25 and wounding 55" must not give 55 killed.
        let (is_killed, is_wounded) = match (is_killed, is_wounded) {
            (true, true) if q.low > 0 => {
                let kb = KILLED_BEFORE.find(before).map(|m| m.start());
                let wb = WOUNDED_BEFORE.find(before).map(|m| m.start());
                match (kb, wb) {
                    (Some(k), Some(w)) => (k > w, w > k),
                    (Some(_), None) => (true, false),
                    (None, Some(_)) => (false, true),
                    (None, None) => {
                        let ka = KILLED_AFTER.find(after).map(|m| m.end()).unwrap_or(usize::MAX);
                        let wa = WOUNDED_AFTER.find(after).map(|m| m.end()).unwrap_or(usize::MAX);
                        (ka <= wa, wa < ka)
                    }
                }
            }
            other => other,
        };
        if is_killed && out.killed.is_none() {
            out.killed = Some(ev());
        }
        if is_wounded && out.wounded.is_none() {
            out.wounded = Some(ev());
        }
    }
    out
}

/// Who takes territory in a territorial trigger: `Some(true)` for state forces ("troops retook"),
/// `Some(false)` for a non-state group ("rebels seized", "was captured by militants"), `None` when
/// the sentence does not say. The agent named by "by" after the trigger wins, then the group word
/// nearest before the trigger in its clause.
pub fn territory_taker_is_state(text: &str, sentence: Span, trigger: Span) -> Option<bool> {
    const STATE: &[&str] = &[
        "army",
        "armies",
        "troops",
        "soldiers",
        "military",
        "government",
        "police",
        "security",
        "forces",
        "regime",
        "gendarmes",
        "marines",
        "paratroopers",
        "commandos",
        "loyalist",
        "loyalists",
        "afghan",
        "peshmerga",
    ];
    const NON_STATE: &[&str] = &[
        "militants",
        "militant",
        "rebels",
        "rebel",
        "insurgents",
        "insurgent",
        "jihadists",
        "jihadist",
        "terrorists",
        "extremists",
        "islamists",
        "islamist",
        "taliban",
        "houthi",
        "houthis",
        "shabaab",
        "boko",
        "isis",
        "isil",
        "daesh",
        "qaeda",
        "maoists",
        "maoist",
        "separatists",
        "separatist",
        "militia",
        "militias",
        "militiamen",
        "bandits",
        "gunmen",
        "jihadi",
        "opposition",
        "tribal",
        "tribesmen",
        "fighters",
        "hts",
        "m23",
        "nusra",
        "janjaweed",
        "rsf",
        "tplf",
        "mujahideen",
    ];
    let classify = |words: &[&str], i: usize| -> Option<bool> {
        let w = words[i];
        // "rebel forces", "militia fighters", "Taliban troops": the qualifier decides.
        if matches!(w, "forces" | "troops" | "fighters" | "soldiers") {
            if let Some(prev) = i.checked_sub(1).map(|j| words[j]) {
                if NON_STATE.contains(&prev) {
                    return Some(false);
                }
                if matches!(prev, "government" | "state" | "army" | "security" | "regime" | "loyalist") {
                    return Some(true);
                }
            }
        }
        if NON_STATE.contains(&w) && w != "fighters" {
            return Some(false);
        }
        if STATE.contains(&w) {
            return Some(true);
        }
        if w == "fighters" {
            return Some(false);
        }
        None
    };
    let after = sitrep_text::fold(text.get(trigger.end..sentence.end).unwrap_or(""));
    let after: Vec<&str> = after.split(' ').filter(|w| !w.is_empty()).take(8).collect();
    if let Some(by) = after.iter().take(4).position(|w| *w == "by") {
        let rest = &after[by + 1..];
        if let Some(found) = (0..rest.len()).find_map(|i| classify(rest, i)) {
            return Some(found);
        }
    }
    let start = clause_start(text, sentence, trigger);
    let before = sitrep_text::fold(text.get(start..trigger.start).unwrap_or(""));
    let words: Vec<&str> = before.split(' ').filter(|w| !w.is_empty()).collect();
    (0..words.len()).rev().find_map(|i| classify(&words, i))
}
