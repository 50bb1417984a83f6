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
    ActorType, Article, DatePrecision, DateRange, Diagnostic, EventMention, EventType, Evidence, Mention, MentionKind,
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
    index: rules::TriggerIndex,
}

/// What the extractor needs to know about one article.
pub struct Input<'a> {
    pub article: &'a Article,
    pub sentences: &'a [Span],
    /// Recognised mentions, sorted by start.
    pub mentions: &'a [Mention],
    /// The content regions with their folding (`Folded::new` of each region's text), as the
    /// recogniser made them: a sentence's words are read out of its region's folding. Sentences
    /// outside them (or with none given) are folded on their own.
    pub folded: &'a [(Span, sitrep_text::Folded)],
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
        let rules = rules::parse_rules(text)?;
        Ok(Extractor { index: rules::TriggerIndex::new(&rules), rules })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The best trigger in one sentence whose rule has the context it needs, if any rule fires;
    /// otherwise the best trigger that lacked its context (for the diagnostic).
    fn trigger<'r>(
        &'r self,
        text: &str,
        sentence: Span,
        regions: &[(Span, sitrep_text::Folded)],
        in_sentence: &[&Mention],
    ) -> (Option<Trigger<'r>>, Option<Trigger<'r>>) {
        // The sentence's folded words: read out of its region's folding, whose offsets map back
        // into the region (`origin`); else folded on their own.
        let own;
        let (folded, origin, (from, to)) = match regions.iter().find(|(r, _)| r.contains(sentence)) {
            Some((region, folded)) => {
                let local = Span::new(sentence.start - region.start, sentence.end - region.start);
                (folded, region.start, folded.folded_range(local))
            }
            None => {
                own = sitrep_text::Folded::new(sentence.slice(text));
                (&own, sentence.start, (0, own.text.len()))
            }
        };
        let mut offsets = Vec::new();
        let mut words = Vec::new();
        let mut pos = from;
        for w in folded.text.get(from..to).unwrap_or_default().split(' ') {
            offsets.push((pos, pos + w.len()));
            words.push(w);
            pos += w.len() + 1;
        }
        // Each rule's earliest trigger (the first of its patterns matching there); rules are then
        // tried by priority, earliest trigger first. Words are visited in order and only the
        // patterns that can start at a word are tried there.
        let mut earliest: Vec<Option<(usize, usize)>> = vec![None; self.rules.len()];
        let mut starting = Vec::new();
        for (i, word) in words.iter().enumerate() {
            self.index.starting_with(word, &mut starting);
            for &(r, p) in &starting {
                if earliest[r].is_none() {
                    if let Some(end) = self.rules[r].patterns[p].match_from(&words, i) {
                        earliest[r] = Some((i, end));
                    }
                }
            }
        }
        let mut candidates: Vec<Trigger<'r>> = Vec::new();
        for (rule, found) in self.rules.iter().zip(earliest) {
            let Some((a, b)) = found else {
                continue;
            };
            if rule.unless.iter().any(|p| p.find(&words).is_some()) {
                continue;
            }
            let local = folded.to_original(offsets[a].0, offsets[b].1);
            let span = Span::new(origin + local.start, origin + local.end);
            candidates.push(Trigger { rule, span });
        }
        candidates.sort_by_key(|t| (std::cmp::Reverse(t.rule.priority), t.span.start));
        let mut unmet = None;
        for t in candidates {
            if roles::context_met(&t.rule.needs, sentence, in_sentence, text) {
                return (Some(t), unmet);
            }
            if unmet.is_none() {
                unmet = Some(t);
            }
        }
        (None, unmet)
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
            let in_sentence: Vec<&Mention> = input.mentions.iter().filter(|m| sentence.contains(m.span)).collect();
            let attr_here: Vec<&attribution::Found> =
                attributions.iter().filter(|a| a.mention.sentence == sentence).collect();
            let (found, unmet) = self.trigger(text, sentence, input.folded, &in_sentence);
            let Some(trigger) = found else {
                if let Some(t) = unmet {
                    let what = format!("{:?} lacks the context rule {} needs", t.span.slice(text), t.rule.id);
                    out.diagnostics.push(diag("no_context", what, t.span));
                }
                let figures = roles::figures(text, sentence, &in_sentence);
                if figures.killed.is_some() || figures.wounded.is_some() {
                    pending_figures.push((si, figures));
                }
                continue;
            };
            let Some(sub_event_type) = self.sub_event_type(&trigger, &in_sentence, article_weapon.as_deref()) else {
                out.diagnostics.push(diag(
                    "no_type",
                    format!("rule {} fired but no weapon names the type", trigger.rule.id),
                    trigger.span,
                ));
                continue;
            };
            // Who takes the territory decides between ACLED's two territorial sub-event types.
            let sub_event_type = match sub_event_type {
                SubEventType::GovernmentRegainsTerritory | SubEventType::NonStateActorOvertakesTerritory => {
                    match roles::territory_taker_is_state(text, sentence, trigger.span) {
                        Some(true) => SubEventType::GovernmentRegainsTerritory,
                        Some(false) => SubEventType::NonStateActorOvertakesTerritory,
                        None => sub_event_type,
                    }
                }
                other => other,
            };
            let cue = roles::modality_cue(text, sentence, trigger.span)
                .filter(|c| sub_event_type.is_violent() || !roles::PAUSE_CUES.contains(&c.as_str()));
            if let Some(cue) = cue {
                let what = format!("{:?} is not reported as having happened (cue {cue:?})", trigger.span.slice(text));
                out.diagnostics.push(diag("modality", what, trigger.span));
                continue;
            }
            let own_time = roles::time_in(text, sentence, trigger.span, &in_sentence);
            // "attacks this year", "several attacks since October": a tally, not an event.
            let tally = own_time.as_ref().is_some_and(|t| t.value.precision == DatePrecision::Year)
                || roles::counted_trigger(text, sentence, trigger.span, &in_sentence);
            if tally {
                out.diagnostics.push(diag(
                    "tally",
                    format!("{:?} counts events over a period", trigger.span.slice(text)),
                    trigger.span,
                ));
                continue;
            }
            if let Some(reason) = own_time.as_ref().and_then(|t| background(t, published)) {
                out.diagnostics.push(diag("background", reason, trigger.span));
                continue;
            }
            let excluded: Vec<Span> = attr_here.iter().flat_map(|a| a.actor_spans.iter().copied()).collect();
            let (actor1, actor2, assoc) = roles::actors(text, sentence, trigger.span, &in_sentence, &excluded);
            if actor1.as_ref().is_some_and(|a| matches!(a.value.actor_type, ActorType::StateForces | ActorType::State))
                && matches!(sub_event_type.event_type(), EventType::Riots | EventType::Protests)
            {
                // Security forces storming a site is a raid, not a riot.
                out.diagnostics.push(diag(
                    "state_crowd",
                    "a crowd event whose agent is a state force".into(),
                    trigger.span,
                ));
                continue;
            }
            let separate = roles::separate_cue(text, sentence, trigger.span);
            let first = out.events.is_empty();
            // Later sentences that name no time of their own either tell more about an event already
            // told (absorbed into it) or refer back to one from elsewhere (dropped: that event is
            // reported in its own right). Only the lead event and events with their own date count.
            let lead_time = out.events.first().and_then(|e| e.time.as_ref().map(|t| t.value));
            let same_day_as_lead =
                own_time.as_ref().is_some_and(|t| lead_time.is_some_and(|l| l.overlaps(&t.value, 0)));
            let previous = si.checked_sub(1).and_then(|i| input.sentences.get(i)).copied();
            let context_sentences: Vec<Span> = if own_time.is_none() || same_day_as_lead || first {
                [previous, lead].into_iter().flatten().filter(|s| *s != sentence).collect()
            } else {
                Vec::new()
            };
            let place = roles::place(text, sentence, trigger.span, &in_sentence, &context_sentences, input.mentions);
            let weapon = roles::weapon(sentence, trigger.span, &in_sentence);
            let figures = roles::figures(text, sentence, &roles::own_counts(text, trigger.span, &in_sentence));
            let had_own_time = own_time.is_some();
            let time = own_time
                .or_else(|| {
                    context_sentences.iter().find_map(|&s| {
                        let ms: Vec<&Mention> = input.mentions.iter().filter(|m| s.contains(m.span)).collect();
                        roles::time_in(text, s, Span::new(s.end, s.end), &ms)
                            .filter(|t| background(t, published).is_none())
                    })
                })
                .or_else(|| publication_fallback(published, lead.unwrap_or(sentence)));
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
            if !sub_event_type.is_violent() {
                mention.killed = mention.killed.filter(|k| k.value.low > 0);
            }
            if !first && !separate {
                let earlier = out.events.iter_mut().rev().find(|e| same_event(e, &mention, had_own_time, sentence));
                if let Some(e) = earlier {
                    absorb(e, mention);
                    continue;
                }
                // A dated mention of another day that names no place and no toll of its own is a
                // back-reference ("fighters killed in Sunday's strikes"): that event has its own reports.
                let bare = mention.place.as_ref().is_none_or(|p| p.sentence != sentence)
                    && mention.killed.is_none()
                    && mention.wounded.is_none();
                if !had_own_time || bare {
                    out.diagnostics.push(diag(
                        "reference",
                        format!("{:?} refers back to an event told elsewhere", trigger.span.slice(text)),
                        trigger.span,
                    ));
                    continue;
                }
            }
            out.events.push(mention);
        }
        attach_figures(&mut out.events, input.sentences, pending_figures);
        attribution::link(&mut out.events, attributions, &mut out.diagnostics);
        out
    }

    fn sub_event_type(
        &self,
        trigger: &Trigger<'_>,
        in_sentence: &[&Mention],
        article_weapon: Option<&str>,
    ) -> Option<SubEventType> {
        match &trigger.rule.sub_event_type {
            RuleType::Fixed(t) => Some(*t),
            RuleType::FromWeapon(default) => {
                let weapon = in_sentence.iter().find_map(|m| match &m.kind {
                    MentionKind::Weapon(w) if w.kind != "tear_gas" => Some(w.kind.as_str()),
                    _ => None,
                });
                weapon.or(article_weapon).and_then(type_for_weapon).or(*default)
            }
        }
    }
}

/// Whether a later mention in the same article tells of the same event as `earlier`.
fn same_event(earlier: &EventMention, later: &EventMention, later_dated: bool, sentence: Span) -> bool {
    let (a, b) = (earlier.sub_event_type, later.sub_event_type);
    let crowd = |t: SubEventType| matches!(t.event_type(), EventType::Protests | EventType::Riots);
    // Within one article, the same family on the same day is the same event ("a drone fired
    // missiles" after "a drone strike"); across articles merge is stricter.
    let types = a.event_type() == b.event_type() || (crowd(a) && crowd(b));
    if !types {
        return false;
    }
    if later_dated {
        let overlap = match (&earlier.time, &later.time) {
            (Some(x), Some(y)) => x.value.overlaps(&y.value, 0),
            _ => false,
        };
        if !overlap {
            return false;
        }
    }
    // Only a place the later sentence names itself can tell the events apart.
    let own_place = later.place.as_ref().filter(|p| p.sentence == sentence).map(|p| &p.value);
    match (own_place, earlier.place.as_ref().map(|p| &p.value)) {
        (None, _) | (_, None) => true,
        (Some(x), Some(y)) => {
            x.id == y.id
                || (x.country == y.country
                    && (matches!(x.kind.as_str(), "country" | "admin1")
                        || matches!(y.kind.as_str(), "country" | "admin1")))
        }
    }
}

/// Fills what an earlier mention of the same event lacks from a later sentence about it. Agents
/// are not taken: later sentences name speakers and reactions more often than perpetrators.
fn absorb(into: &mut EventMention, from: EventMention) {
    if into.killed.is_none() {
        into.killed = from.killed;
    }
    if into.wounded.is_none() {
        into.wounded = from.wounded;
    }
    if into.actor2.is_none() {
        into.actor2 = from.actor2;
    }
    if into.weapon.is_none() {
        into.weapon = from.weapon;
    }
    // A more specific place in the same country refines the event's place ("in Jordan" → "Tower 22").
    let rank = |p: &sitrep_model::PlaceRef| match p.kind.as_str() {
        "country" => 4,
        "admin1" => 3,
        "city" => 2,
        _ => 1,
    };
    // A later sentence that dates the event more precisely refines its date.
    if let (Some(old), Some(new)) = (&into.time, &from.time) {
        if new.value.precision < old.value.precision && old.value.overlaps(&new.value, 0) {
            into.time = from.time.clone();
        }
    }
    match (&into.place, from.place) {
        (None, Some(p)) => into.place = Some(p),
        // Only a province or country is refined: a town or site already named stays.
        (Some(old), Some(p))
            if old.value.country == p.value.country && rank(&old.value) >= 3 && rank(&p.value) < rank(&old.value) =>
        {
            into.place = Some(p)
        }
        _ => {}
    }
}

/// Figures stated in a sentence without a trigger belong to the nearest violent event told in the
/// two sentences before it, unless that event already has the figure from its own sentence.
fn attach_figures(events: &mut [EventMention], sentences: &[Span], pending: Vec<(usize, roles::Figures)>) {
    for (si, figures) in pending {
        let Some(sentence) = sentences.get(si) else {
            continue;
        };
        let target = events
            .iter_mut()
            .filter(|e| e.sub_event_type.is_violent() && e.sentence.end <= sentence.start)
            .rfind(|e| sentences.iter().position(|s| *s == e.sentence).is_some_and(|ei| si - ei <= 2));
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
        "rocket" | "mortar" | "missile" | "artillery" => SubEventType::ShellingArtilleryMissileAttack,
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
        value: DateRange { start: p - Duration::days(6), end: p, precision: DatePrecision::Week },
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
