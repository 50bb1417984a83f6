//! One article through the pure stages: clean → identify → recognise → extract.

use crate::PipelineError;
use sitrep_extract::Extractor;
use sitrep_gazetteer::Gazetteer;
use sitrep_ingest::RawArticle;
use sitrep_model::{Article, ArticleAnalysis, Diagnostic, Span};
use sitrep_recognise::{Context, Recogniser};

/// The loaded dictionaries and rules: build once, use for every article.
pub struct Analyzer {
    gazetteer: Dictionaries,
    extractor: &'static Extractor,
}

/// The built-in gazetteer, shared by the process, or one extended with the user's files.
enum Dictionaries {
    Builtin(&'static Gazetteer),
    Extended(Box<Gazetteer>),
}

/// An article cleaned and identified, ready for analysis.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub article: Article,
    /// Byte regions of `article.text` that are content (boilerplate lines are outside them).
    pub regions: Vec<Span>,
    /// Boilerplate lines removed, with reason codes.
    pub removed: Vec<(Span, &'static str)>,
}

impl Analyzer {
    /// The built-in gazetteer and rules.
    pub fn builtin() -> Result<Analyzer, PipelineError> {
        let gazetteer = Gazetteer::builtin().map_err(|e| PipelineError::Gazetteer(e.to_string()))?;
        let extractor = Extractor::builtin().map_err(|e| PipelineError::Rules(e.to_string()))?;
        Ok(Analyzer { gazetteer: Dictionaries::Builtin(gazetteer), extractor })
    }

    /// The built-in dictionaries extended with the user's files, given as (name, contents): a
    /// `.toml` file adds actors (format of `data/actors.toml`), a TSV whose column line names
    /// `geonameid` adds GeoNames places (as `sitrep gazetteer import` writes them), any other TSV
    /// adds curated places (format of `data/places/curated.tsv`).
    pub fn with_extras(files: &[(String, String)]) -> Result<Analyzer, PipelineError> {
        let base = Analyzer::builtin()?;
        if files.is_empty() {
            return Ok(base);
        }
        let mut gazetteer = Gazetteer::from_sources(&sitrep_gazetteer::Sources::builtin())
            .map_err(|e| PipelineError::Gazetteer(e.to_string()))?;
        for (name, content) in files {
            let result = if name.ends_with(".toml") {
                gazetteer.load_extra_actors(content).map(|_| ())
            } else if content.lines().take(5).any(|l| l.starts_with('#') && l.contains("geonameid")) {
                gazetteer.load_extra_geonames(content).map(|_| ())
            } else {
                gazetteer.load_extra_places(content)
            };
            result.map_err(|e| PipelineError::Gazetteer(format!("{name}: {e}")))?;
        }
        Ok(Analyzer { gazetteer: Dictionaries::Extended(Box::new(gazetteer)), extractor: base.extractor })
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        match &self.gazetteer {
            Dictionaries::Builtin(g) => g,
            Dictionaries::Extended(g) => g,
        }
    }

    /// Cleans and identifies a raw article. `None` when nothing but boilerplate is left.
    pub fn prepare(&self, raw: &RawArticle) -> Option<Prepared> {
        prepare(raw)
    }

    /// Recognises and extracts everything in a prepared article.
    pub fn analyze(&self, prepared: &Prepared) -> ArticleAnalysis {
        let article = &prepared.article;
        let sentences = sitrep_text::sentences(&article.text, &prepared.regions);
        let recogniser = Recogniser::new(self.gazetteer());
        let ctx = Context { published: article.published, title: article.title.as_deref() };
        // Each region is folded once, for the gazetteer and for the extractor's triggers.
        let folded: Vec<(Span, sitrep_text::Folded)> = prepared
            .regions
            .iter()
            .map(|r| (*r, sitrep_text::Folded::new(article.text.get(r.start..r.end).unwrap_or_default())))
            .collect();
        let mentions = recogniser.recognise_folded(&article.text, &folded, &ctx);
        let out = self.extractor.extract(&sitrep_extract::Input {
            article,
            sentences: &sentences,
            mentions: &mentions,
            folded: &folded,
        });
        let mut diagnostics: Vec<Diagnostic> = prepared
            .removed
            .iter()
            .map(|(span, reason)| {
                let mut d = Diagnostic::info("boilerplate", format!("removed line ({reason})"));
                d.span = Some(*span);
                d
            })
            .collect();
        if article.published.is_none() {
            diagnostics.push(Diagnostic::warning(
                "no_date",
                "no publication date in metadata or dateline: relative dates stay unresolved",
            ));
        }
        diagnostics.extend(out.diagnostics);
        ArticleAnalysis { article: article.id.clone(), sentences, mentions, events: out.events, diagnostics }
    }
}

/// Cleans and identifies a raw article — boilerplate lines out, content id, publication date and
/// outlet from the dateline when metadata gave none. `None` when nothing but boilerplate is left.
/// Needs no dictionaries: `sitrep clean` uses it alone.
pub fn prepare(raw: &RawArticle) -> Option<Prepared> {
    let identify = |text: &str, regions: &[Span]| (sitrep_text::content_id(text, regions), None);
    prepare_text(raw, raw.text.clone(), identify).map(|(p, _)| p)
}

/// [`prepare`], and the article's near-duplicate signature, folding its text once for both. The
/// text moves from `raw` into the article instead of being copied (a batch's worth of texts).
pub(crate) fn prepare_signed(raw: &mut RawArticle) -> Option<(Prepared, Option<sitrep_text::Signature>)> {
    let text = std::mem::take(&mut raw.text);
    prepare_text(raw, text, sitrep_text::identify)
}

/// Prepares `raw` with `text` as its text.
fn prepare_text(
    raw: &RawArticle,
    text: String,
    identify: impl FnOnce(&str, &[Span]) -> (String, Option<sitrep_text::Signature>),
) -> Option<(Prepared, Option<sitrep_text::Signature>)> {
    let cleaned = sitrep_text::clean(&text);
    if cleaned.regions.is_empty() {
        return None;
    }
    let (id, signature) = identify(&text, &cleaned.regions);
    let first = cleaned.regions.first().map(|r| r.slice(&text)).unwrap_or("");
    let dateline = sitrep_recognise::dateline(first, raw.published);
    // Without metadata, the dateline may give the date (with a year) and the outlet.
    let published = raw.published.or_else(|| dateline.as_ref().and_then(|d| d.date));
    let outlet = raw.outlet.clone().or_else(|| dateline.as_ref().and_then(|d| d.outlet.clone()));
    let prepared = Prepared {
        article: Article {
            id,
            source_id: raw.source_id.clone(),
            url: raw.url.clone(),
            outlet,
            title: raw.title.clone(),
            published,
            lang: raw.lang.clone(),
            text,
        },
        regions: cleaned.regions,
        removed: cleaned.removed,
    };
    Some((prepared, signature))
}
