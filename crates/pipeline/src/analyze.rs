//! One article through the pure stages: clean → identify → recognise → extract.

use crate::PipelineError;
use sitrep_extract::Extractor;
use sitrep_gazetteer::Gazetteer;
use sitrep_ingest::RawArticle;
use sitrep_model::{Article, ArticleAnalysis, Diagnostic, Span};
use sitrep_recognise::{Context, Recogniser};

/// The loaded dictionaries and rules: build once, use for every article.
pub struct Analyzer {
    gazetteer: &'static Gazetteer,
    extractor: &'static Extractor,
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
        Ok(Analyzer { gazetteer, extractor })
    }

    pub fn gazetteer(&self) -> &'static Gazetteer {
        self.gazetteer
    }

    /// Cleans and identifies a raw article. `None` when nothing but boilerplate is left.
    pub fn prepare(&self, raw: &RawArticle) -> Option<Prepared> {
        let cleaned = sitrep_text::clean(&raw.text);
        if cleaned.regions.is_empty() {
            return None;
        }
        let id = sitrep_text::content_id(&raw.text, &cleaned.regions);
        let first = cleaned.regions.first().map(|r| r.slice(&raw.text)).unwrap_or("");
        let dateline = sitrep_recognise::dateline(first, raw.published);
        // Without metadata, the dateline may give the date (with a year) and the outlet.
        let published = raw.published.or_else(|| dateline.as_ref().and_then(|d| d.date));
        let outlet = raw.outlet.clone().or_else(|| dateline.as_ref().and_then(|d| d.outlet.clone()));
        Some(Prepared {
            article: Article {
                id,
                source_id: raw.source_id.clone(),
                url: raw.url.clone(),
                outlet,
                title: raw.title.clone(),
                published,
                lang: Some("en".into()),
                text: raw.text.clone(),
            },
            regions: cleaned.regions,
            removed: cleaned.removed,
        })
    }

    /// Recognises and extracts everything in a prepared article.
    pub fn analyze(&self, prepared: &Prepared) -> ArticleAnalysis {
        let article = &prepared.article;
        let sentences = sitrep_text::sentences(&article.text, &prepared.regions);
        let recogniser = Recogniser::new(self.gazetteer);
        let ctx = Context { published: article.published, title: article.title.as_deref() };
        let mentions = recogniser.recognise(&article.text, &prepared.regions, &ctx);
        let out =
            self.extractor.extract(&sitrep_extract::Input { article, sentences: &sentences, mentions: &mentions });
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
