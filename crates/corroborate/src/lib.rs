//! Corroboration: a story's analysed articles -> claims, quote groups, timeline and entities.
//! Sits after cluster (which says which articles form a story) and dedup (which says who copied
//! whom), and before brief.
//!
//! - **Claims**: each article is split into claim units (sentences; long ones into clauses). Units
//!   of different articles are aligned by the weighted overlap of their stemmed content words,
//!   story-level entities, numbers (with the word they count) and dates (as calendar intervals);
//!   weights are inverse article frequencies within the story, so the words every outlet uses
//!   for the story count less than the details. A shared date range, or a shared specific day
//!   other than the publication day, anchors two units that agree on little else.
//! - **Independence**: copies (any kind, chains followed) and articles of one outlet collapse into
//!   one source; a claim is `corroborated` with two or more sources, else `single-source`.
//! - **Contradictions**: two units that agree on the rest of the claim but give different
//!   numbers (for the same thing counted), dates (same grain and tense), places (same role) or
//!   people (same role) are kept as two claims, each `contradicted`, with both spans.
//! - **Quotes**: the same utterance across outlets (content-word overlap and speaker agreement,
//!   or, for one- or two-word fragments, the same place in agreeing sentences); a wording that
//!   changes words, beyond punctuation, case or quoting a contiguous part, is `altered`.
//! - **Timeline**: dated events from the time expressions, grouped across articles, ordered by
//!   event date, grain kept; publication dates are kept apart in `reported`.
//!
//! ```
//! use storyfold_corroborate::CorroborateConfig;
//! use storyfold_model::{Article, ContentHash, Doc, Sentence, Span, Story, StoryId};
//!
//! fn doc(id: &str, text: &str) -> Doc {
//!     let article = Article {
//!         id: id.into(), source: "example".into(), url: None, outlet: None, title: None,
//!         byline: None, published: None, language: None, paragraphs: vec![text.into()],
//!         boilerplate: vec![], content_hash: ContentHash::of_text(text),
//!     };
//!     Doc {
//!         article, text: text.into(), language: None, published: None,
//!         sentences: vec![Sentence { span: Span::new(0, text.len()), paragraph: 0 }],
//!         entities: vec![], times: vec![], quotes: vec![],
//!     }
//! }
//! let docs = vec![
//!     doc("a", "The harbour bridge reopened after three weeks of repairs."),
//!     doc("b", "After three weeks of repairs the harbour bridge has reopened."),
//! ];
//! let story = Story {
//!     id: StoryId::from("s-1"), aliases: vec![], articles: vec!["a".into(), "b".into()],
//!     title: "Bridge".into(), first_seen: None, last_seen: None, reasons: vec![],
//! };
//! let corroborator = CorroborateConfig::default().build().unwrap();
//! let result = corroborator.corroborate(&story, &docs, &[]);
//! assert_eq!(result.claims.len(), 1);
//! assert_eq!(result.claims[0].independent_sources, 2);
//! assert_eq!(result.claims[0].status.as_str(), "corroborated");
//! ```
#![deny(missing_docs)]
mod claims;
pub mod dates;
mod entities;
mod quotes;
mod sources;
pub mod terms;
// Hand-built docs for this crate's tests and for the brief's, which builds on the same stories.
#[cfg(any(test, feature = "testutil"))]
#[doc(hidden)]
pub mod testutil;
mod timeline;

pub use quotes::word_changes;
pub use sources::Sources;
use std::sync::Mutex;
use storyfold_model::{CopyLink, Corroboration, Doc, Story};
use terms::Lexicon;
use tracing::debug;

/// Errors of corroboration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range.
    #[error("invalid corroborate config: {0}")]
    Config(String),
}
/// Result of corroboration.
pub type Result<T> = std::result::Result<T, Error>;

/// Corroboration settings. Defaults were tuned on the crate's fixtures and the project's
/// examples (see docs/RESULTS.md).
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CorroborateConfig {
    /// Independent sources a claim needs to be `corroborated`.
    pub min_independent_sources: usize,
    /// Weighted Dice similarity at which two units of different articles are the same claim.
    pub align_similarity: f32,
    /// Similarity at which two passages of one article are a repetition of the same claim.
    pub repeat_similarity: f32,
    /// Similarity of the rest of two units (conflicting values left out) above which a
    /// disagreement on a number or date is a contradiction; places and people need 0.1 more.
    pub contradiction_similarity: f32,
    /// Sentences with more words than this are split into clauses.
    pub max_clause_words: usize,
    /// Units with fewer terms (content words, entities, numbers, dates) are not claims.
    pub min_unit_terms: usize,
    /// Share of the shorter quote's content words the other must contain to be the same quote.
    pub quote_overlap: f32,
    /// Whether articles of one named outlet count as one source.
    pub collapse_same_outlet: bool,
    /// Similarity at which sentences with the same date report the same event (nested dates of
    /// different grain need 0.1 more).
    pub timeline_similarity: f32,
    /// Content words a sentence needs outside its time expression to be an event (not a
    /// dateline).
    pub timeline_min_words: usize,
}

impl Default for CorroborateConfig {
    fn default() -> Self {
        Self {
            min_independent_sources: 2,
            align_similarity: 0.45,
            repeat_similarity: 0.7,
            contradiction_similarity: 0.6,
            max_clause_words: 40,
            min_unit_terms: 3,
            quote_overlap: 0.6,
            collapse_same_outlet: true,
            timeline_similarity: 0.3,
            timeline_min_words: 3,
        }
    }
}

impl CorroborateConfig {
    /// Builds a corroborator.
    ///
    /// # Errors
    /// [`Error::Config`] when a similarity is outside (0, 1] or a count is zero.
    pub fn build(&self) -> Result<Corroborator> {
        for (name, value) in [
            ("align_similarity", self.align_similarity),
            ("repeat_similarity", self.repeat_similarity),
            ("contradiction_similarity", self.contradiction_similarity),
            ("quote_overlap", self.quote_overlap),
            ("timeline_similarity", self.timeline_similarity),
        ] {
            if !(value > 0.0 && value <= 1.0) {
                return Err(Error::Config(format!(
                    "{name} must be in (0, 1], got {value}"
                )));
            }
        }
        if self.min_independent_sources == 0 || self.max_clause_words == 0 {
            return Err(Error::Config(
                "min_independent_sources and max_clause_words must be positive".into(),
            ));
        }
        Ok(Corroborator {
            config: self.clone(),
            lexicon: Mutex::new(None),
        })
    }
}

/// Cross-checks a story's articles.
///
/// Keeps the written words it has met (at most 65,536 spellings) from story to story, so that
/// each spelling is folded, classified and stemmed once; that memo of a pure function is all
/// the state it has, and a story's result does not depend on the stories before it.
#[derive(Debug)]
pub struct Corroborator {
    config: CorroborateConfig,
    /// Taken out for the length of one story and put back; a story that finds it taken (by
    /// another thread) starts an empty one, which gives the same result.
    lexicon: Mutex<Option<Lexicon>>,
}

impl Clone for Corroborator {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            lexicon: Mutex::new(None),
        }
    }
}

impl Corroborator {
    /// Claims, quotes, timeline and entities of one story. `docs` are the story's articles in
    /// story order; `links` are the copy links among them.
    pub fn corroborate(&self, story: &Story, docs: &[Doc], links: &[CopyLink]) -> Corroboration {
        let sources = Sources::new(docs, links, self.config.collapse_same_outlet);
        let entities = entities::merge(docs);
        // A poisoned lock only means a story panicked; the lexicon is rebuilt from nothing.
        let lexicon = self
            .lexicon
            .lock()
            .map(|mut slot| slot.take())
            .unwrap_or_default()
            .unwrap_or_default();
        let mut aligned = claims::align(&self.config, docs, &entities, &sources, lexicon);
        let mut words = std::mem::take(&mut aligned.words);
        let quotes = quotes::group(
            &self.config,
            docs,
            &entities,
            &sources,
            &aligned.doc_words,
            &mut words,
        );
        let timeline = timeline::build(&self.config, docs, &aligned, &sources, &mut words);
        if let Ok(mut slot) = self.lexicon.lock() {
            slot.get_or_insert(words.into_lexicon());
        }
        debug!(
            story = %story.id,
            articles = docs.len(),
            claims = aligned.claims.len(),
            quotes = quotes.len(),
            timeline = timeline.len(),
            "Corroborated story."
        );
        Corroboration {
            claims: aligned.claims,
            quotes,
            timeline,
            entities: entities.entities,
            copy_links: links.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests;
