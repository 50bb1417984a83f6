//! Attribution statements: who claimed, was blamed for, or denied an event, and which event they
//! refer to.

use regex::Regex;
use sitrep_model::{
    ActorRef, ActorType, AttributionMention, Diagnostic, EventMention, Mention, MentionKind, Span, Stance,
};
use std::sync::LazyLock;

/// A statement found in a sentence, before it is linked to an event.
pub struct Found {
    pub mention: AttributionMention,
    /// Actor spans the statement used, so role assignment does not take them as agent or target.
    pub actor_spans: Vec<Span>,
}

static CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)\b(?:claimed|claiming|claims|claim of|took|takes|taking|assumed|accepted|admitted)\s+(?:(?:full|sole|its|the)\s+)?(?:responsibility|credit)\b|\bclaimed\s+(?:the|an|a|its|this|that|both|all|these)?\s*(?:[a-z-]+\s+){0,2}?(?:attacks?|strikes?|operations?|assaults?|bombings?)\b|\bclaimed it\b|\bclaimed by\b|\bsaid\b[^.]{0,60}?\b(?:it|they) (?:had )?(?:fired|launched|carried out|conducted|targeted|attacked|struck|was behind|were behind)\b")
        .expect("claim pattern compiles")
});
static BLAME: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)\b(?:blamed|blames|blaming|accused|accuses|accusing|held|holds|suspected|suspects|suspect|pointed the finger at|attributed the attack to|attributed it to)\b").expect("blame pattern compiles")
});
static DENY: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)\b(?:denied|denies|denying|rejected|rejects|dismissed)\s+(?:any\s+)?(?:involvement|responsibility|role|links?|part|a role|being behind|that it)\b|\bdistanced (?:itself|themselves|himself)\b|\bdisavowed\b|\bhad nothing to do with\b|\bwas not involved\b|\bnot behind\b")
        .expect("deny pattern compiles")
});

fn actors_in(sentence: Span, mentions: &[Mention]) -> Vec<(Span, &ActorRef)> {
    let mut out: Vec<(Span, &ActorRef)> = Vec::new();
    for m in mentions.iter().filter(|m| sentence.contains(m.span)) {
        if let MentionKind::Actor(a) = &m.kind {
            if !out.iter().any(|(s, _)| *s == m.span) {
                out.push((m.span, a));
            }
        }
    }
    out
}

/// Finds every attribution statement in the article's sentences.
pub fn find(text: &str, sentences: &[Span], mentions: &[Mention]) -> Vec<Found> {
    let mut out = Vec::new();
    for &sentence in sentences {
        let s = sentence.slice(text);
        let actors = actors_in(sentence, mentions);
        if actors.is_empty() {
            continue;
        }
        let abs = |start: usize, end: usize| Span::new(sentence.start + start, sentence.start + end);
        let before = |at: usize| actors.iter().copied().rfind(|(sp, _)| sp.end <= at);
        // Claimants are armed groups far more often than states or people.
        let group = |a: &ActorRef| {
            matches!(a.actor_type, ActorType::RebelGroup | ActorType::PoliticalMilitia | ActorType::IdentityMilitia)
        };
        let named_before = |at: usize| {
            let named = actors.iter().copied().filter(|(sp, a)| sp.end <= at && !a.generic);
            named.clone().rfind(|(_, a)| group(a)).or_else(|| named.clone().next_back()).or_else(|| before(at))
        };
        let after = |at: usize| actors.iter().copied().find(|(sp, _)| sp.start >= at);
        let mut push = |actor: (Span, &ActorRef), by: Option<(Span, &ActorRef)>, stance: Stance, cue: Span| {
            let mut spans = vec![actor.0];
            spans.extend(by.map(|b| b.0));
            out.push(Found {
                mention: AttributionMention {
                    actor: actor.1.clone(),
                    stance,
                    by: by.map(|b| b.1.clone()),
                    span: cue,
                    sentence,
                },
                actor_spans: spans,
            });
        };
        if let Some(m) = CLAIM.find(s) {
            let cue = abs(m.start(), m.end());
            let claimant = if m.as_str().to_ascii_lowercase().ends_with("claimed by") {
                // "claimed by X" only when X follows at once ("a city claimed by both ..." is not a claim).
                after(cue.end).filter(|(sp, _)| sp.start <= cue.end + 12)
            } else {
                named_before(cue.start).or_else(|| after(cue.end))
            };
            if let Some(c) = claimant {
                push(c, Some(c), Stance::Claimed, cue);
            }
        }
        if let Some(m) = DENY.find(s) {
            let cue = abs(m.start(), m.end());
            if let Some(d) = before(cue.start) {
                push(d, Some(d), Stance::Denied, cue);
            }
        }
        if let Some(m) = BLAME.find(s) {
            let cue = abs(m.start(), m.end());
            let rest = s.get(m.end()..).unwrap_or("").to_ascii_lowercase();
            let held = m.as_str().eq_ignore_ascii_case("held") || m.as_str().eq_ignore_ascii_case("holds");
            if held && !rest.contains("responsible") {
                continue;
            }
            let passive = rest.trim_start().starts_with("on ");
            let relative = rest.trim_start().starts_with("for ");
            if relative {
                // "X, which Washington has blamed for ...": the blamed one comes before the accuser.
                let accuser = before(cue.start);
                if let Some(x) = accuser.and_then(|(sp, _)| before(sp.start)) {
                    push(x, accuser, Stance::Blamed, cue);
                }
            } else if passive {
                // "the attack was blamed on X"
                if let Some(x) = after(cue.end) {
                    push(x, None, Stance::Blamed, cue);
                }
            } else if let Some(x) = after(cue.end) {
                push(x, before(cue.start), Stance::Blamed, cue);
            }
        }
    }
    out
}

/// Links each statement to the event it refers to: one in the same sentence, else the nearest
/// event told before it in the article, else the first one after it.
pub fn link(events: &mut [EventMention], found: Vec<Found>, diagnostics: &mut Vec<Diagnostic>) {
    for f in found {
        let s = f.mention.sentence;
        let idx = events
            .iter()
            .position(|e| e.sentence == s)
            // Otherwise the article's main (first) violent event: claims and blame in a report are
            // nearly always about what the report is about.
            .or_else(|| events.iter().position(|e| e.sub_event_type.is_violent()))
            // Claims and blame are about violence; an arrest or a truce carries none.
            .filter(|&i| events.get(i).is_some_and(|e| e.sub_event_type.is_violent()));
        match idx {
            Some(i) => {
                if let Some(e) = events.get_mut(i) {
                    if !e.attributions.iter().any(|a| a.actor.id == f.mention.actor.id && a.stance == f.mention.stance)
                    {
                        e.attributions.push(f.mention);
                    }
                }
            }
            None => {
                let mut d = Diagnostic::info(
                    "unlinked_attribution",
                    format!(
                        "{} {} but the article reports no event to link it to",
                        f.mention.actor.name, f.mention.stance
                    ),
                );
                d.span = Some(f.mention.span);
                diagnostics.push(d);
            }
        }
    }
}
