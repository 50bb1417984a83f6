//! Extraction: from recognised mentions to event mentions with roles, tolls and attributions.
//!
//! Pure: no IO, never panics on input. Trigger rules are data (`data/rules/events.toml`) with
//! example sentences that run as tests; modality, history, roles and attribution are code because
//! they apply to every rule alike. What is dropped is reported as a diagnostic with a reason.

mod attribution;
mod roles;
pub mod rules;

use chrono::{Duration, NaiveDate};
use sha2::{Digest, Sha256};
use sitrep_model::{
    Article, DatePrecision, DateRange, Diagnostic, EventMention, Evidence, Mention, MentionKind,
    Span, SubEventType,
};
use std::sync::OnceLock;

pub use rules::{Rule, RuleType};

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("invalid event rules: {0}")]
    Rules(String),
}

/// The built-in rule file, embedded in the binary.
pub const BUILTIN_RULES: &str = include_str!("../../../data/rules/events.toml");

/// How far before publication a stated date may lie and still be news rather than background.
const BACKGROUND_DAYS: i64 = 45;

pub struct Extractor {
    rules: Vec<Rule>,
}

/// What the extractor needs to know about one article.
pub struct Input<'a> {
    pub article: &'a Article,
    pub sentences: &'a [Span],
    /// Recognised mentions, sorted by start.
    pub mentions: &'a [Mention],
}

#[derive(Debug, Default)]
pub struct Output {
    pub events: Vec<EventMention>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A trigger found in a sentence before roles are assigned.
struct Trigger<'r> {
    rule: &'r Rule,
    span: Span,
}

impl Extractor {
    /// The built-in rules, parsed once.
    pub fn builtin() -> Result<&'static Extractor, ExtractError> {
        static BUILTIN: OnceLock<Result<Extractor, String>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Extractor::from_toml(BUILTIN_RULES).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ExtractError::Rules(e.clone()))
    }

    pub fn from_toml(text: &str) -> Result<Extractor, ExtractError> {
        Ok(Extractor {
            rules: rules::parse_rules(text)?,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The best trigger in one sentence, if any rule fires.
    fn trigger<'r>(&'r self, text: &str, sentence: Span) -> Option<Trigger<'r>> {
        let sentence_text = sentence.slice(text);
        let folded = sitrep_text::Folded::new(sentence_text);
        let mut offsets = Vec::new();
        let mut words = Vec::new();
        let mut pos = 0;
        for w in folded.text.split(' ') {
            offsets.push((pos, pos + w.len()));
            words.push(w);
            pos += w.len() + 1;
        }
        let mut best: Option<(i32, usize, Trigger<'r>)> = None;
        for rule in &self.rules {
            for pattern in &rule.patterns {
                let Some((a, b)) = pattern.find(&words) else {
                    continue;
                };
                let local = folded.to_original(offsets[a].0, offsets[b].1);
                let span = Span::new(sentence.start + local.start, sentence.start + local.end);
                let better = match &best {
                    None => true,
                    Some((p, start, _)) => {
                        rule.priority > *p || (rule.priority == *p && span.start < *start)
                    }
                };
                if better {
                    best = Some((rule.priority, span.start, Trigger { rule, span }));
                }
            }
        }
        best.map(|(_, _, t)| t)
    }

    /// Extracts event mentions from one article.
    pub fn extract(&self, input: &Input<'_>) -> Output {
        let mut out = Output::default();
        let text = &input.article.text;
        let published = input.article.published;
        let lead = input.sentences.first().copied();
        let article_weapon = input.mentions.iter().find_map(|m| match &m.kind {
            MentionKind::Weapon(w) => Some(w.kind.clone()),
            _ => None,
        });
        let attributions = attribution::find(text, input.sentences, input.mentions);
        let mut pending_figures: Vec<(usize, roles::Figures)> = Vec::new();

        for (si, &sentence) in input.sentences.iter().enumerate() {
            let in_sentence: Vec<&Mention> = input
                .mentions
                .iter()
                .filter(|m| sentence.contains(m.span))
                .collect();
            let attr_here: Vec<&attribution::Found> = attributions
                .iter()
                .filter(|a| a.mention.sentence == sentence)
                .collect();
            let Some(trigger) = self.trigger(text, sentence) else {
                let figures = roles::figures(text, sentence, &in_sentence);
                if figures.killed.is_some() || figures.wounded.is_some() {
                    pending_figures.push((si, figures));
                }
                continue;
            };
            let sub_event_type = match &trigger.rule.sub_event_type {
                RuleType::Fixed(t) => Some(*t),
                RuleType::FromWeapon(default) => {
                    let weapon = in_sentence
                        .iter()
                        .find_map(|m| match &m.kind {
                            MentionKind::Weapon(w) => Some(w.kind.clone()),
                            _ => None,
                        })
                        .or_else(|| article_weapon.clone());
                    weapon.as_deref().and_then(type_for_weapon).or(*default)
                }
            };
            let Some(sub_event_type) = sub_event_type else {
                out.diagnostics.push(diag(
                    "no_type",
                    format!(
                        "rule {} fired but no weapon names the type",
                        trigger.rule.id
                    ),
                    trigger.span,
                ));
                continue;
            };
            if let Some(cue) = roles::modality_cue(text, sentence, trigger.span) {
                out.diagnostics.push(diag(
                    "modality",
                    format!(
                        "{:?} is not reported as having happened (cue {cue:?})",
                        trigger.span.slice(text)
                    ),
                    trigger.span,
                ));
                continue;
            }
            // Attribution sentences mostly refer back to an event told elsewhere; they make a new
            // mention only when nothing else in the article reports one.
            if !attr_here.is_empty()
                && out
                    .events
                    .iter()
                    .any(|e| e.sub_event_type.event_type() == sub_event_type.event_type())
            {
                continue;
            }
            let time = roles::time_in(text, sentence, trigger.span, &in_sentence);
            if let Some(t) = &time {
                if let Some(reason) = background(t, published) {
                    out.diagnostics
                        .push(diag("background", reason, trigger.span));
                    continue;
                }
            }
            let previous = si
                .checked_sub(1)
                .and_then(|i| input.sentences.get(i))
                .copied();
            let context_sentences: Vec<Span> = [previous, lead]
                .into_iter()
                .flatten()
                .filter(|s| *s != sentence)
                .collect();
            let time = time
                .or_else(|| {
                    context_sentences.iter().find_map(|&s| {
                        let ms: Vec<&Mention> = input
                            .mentions
                            .iter()
                            .filter(|m| s.contains(m.span))
                            .collect();
                        roles::time_in(text, s, Span::new(s.end, s.end), &ms)
                            .filter(|t| background(t, published).is_none())
                    })
                })
                .or_else(|| publication_fallback(published, lead.unwrap_or(sentence)));
            let excluded: Vec<Span> = attr_here
                .iter()
                .flat_map(|a| a.actor_spans.iter().copied())
                .collect();
            let (actor1, actor2, assoc) =
                roles::actors(text, sentence, trigger.span, &in_sentence, &excluded);
            let place = roles::place(
                text,
                sentence,
                trigger.span,
                &in_sentence,
                &context_sentences,
                input.mentions,
            );
            let weapon = roles::weapon(sentence, trigger.span, &in_sentence);
            let figures = roles::figures(text, sentence, &in_sentence);
            let mut mention = EventMention {
                id: mention_id(&input.article.id, trigger.span),
                article: input.article.id.clone(),
                sub_event_type,
                rule: trigger.rule.id.clone(),
                trigger: trigger.span,
                sentence,
                actor1,
                actor2,
                assoc_actors: assoc,
                place,
                time,
                weapon,
                killed: figures.killed,
                wounded: figures.wounded,
                attributions: Vec::new(),
            };
            // One mention per sentence; a sentence with no trigger of its own may still add figures
            // to the event told just before it (handled below).
            if !sub_event_type.is_violent() {
                mention.killed = mention.killed.filter(|k| k.value.low > 0);
            }
            out.events.push(mention);
        }
        attach_figures(&mut out.events, input.sentences, pending_figures);
        attribution::link(&mut out.events, attributions, &mut out.diagnostics);
        out
    }
}

/// Figures stated in a sentence without a trigger belong to the nearest violent event told in the
/// two sentences before it, unless that event already has the figure from its own sentence.
fn attach_figures(
    events: &mut [EventMention],
    sentences: &[Span],
    pending: Vec<(usize, roles::Figures)>,
) {
    for (si, figures) in pending {
        let Some(sentence) = sentences.get(si) else {
            continue;
        };
        let target = events
            .iter_mut()
            .filter(|e| e.sub_event_type.is_violent() && e.sentence.end <= sentence.start)
            .filter(|e| {
                sentences
                    .iter()
                    .position(|s| *s == e.sentence)
                    .is_some_and(|ei| si - ei <= 2)
            })
            .next_back();
        if let Some(e) = target {
            if e.killed.is_none() {
                e.killed = figures.killed;
            }
            if e.wounded.is_none() {
                e.wounded = figures.wounded;
            }
        }
    }
}

/// The sub-event type a weapon implies when a rule defers to it.
pub fn type_for_weapon(kind: &str) -> Option<SubEventType> {
    Some(match kind {
        "rocket" | "mortar" | "missile" | "artillery" => {
            SubEventType::ShellingArtilleryMissileAttack
        }
        "drone" | "airstrike" => SubEventType::AirDroneStrike,
        "ied" => SubEventType::RemoteExplosive,
        "suicide_bomb" => SubEventType::SuicideBomb,
        "grenade" => SubEventType::Grenade,
        "gunfire" => SubEventType::ArmedClash,
        _ => return None,
    })
}

/// Why a time makes the mention background history rather than news, if it does.
fn background(t: &Evidence<DateRange>, published: Option<NaiveDate>) -> Option<String> {
    let published = published?;
    if t.value.end < published - Duration::days(BACKGROUND_DAYS) {
        return Some(format!(
            "dated {}..{}, more than {BACKGROUND_DAYS} days before publication ({published}): background, not news",
            t.value.start, t.value.end
        ));
    }
    None
}

/// Without any stated time, the event happened in the week up to publication; precision says so.
fn publication_fallback(published: Option<NaiveDate>, lead: Span) -> Option<Evidence<DateRange>> {
    let p = published?;
    Some(Evidence {
        value: DateRange {
            start: p - Duration::days(6),
            end: p,
            precision: DatePrecision::Week,
        },
        span: Span::new(lead.start, lead.start),
        sentence: lead,
    })
}

fn mention_id(article: &str, trigger: Span) -> String {
    let mut h = Sha256::new();
    h.update(article.as_bytes());
    h.update(trigger.start.to_le_bytes());
    h.update(trigger.end.to_le_bytes());
    format!("m-{}", &hex::encode(h.finalize())[..16])
}

fn diag(code: &str, message: String, span: Span) -> Diagnostic {
    let mut d = Diagnostic::info(code, message);
    d.span = Some(span);
    d
}

#[cfg(test)]
mod tests;
