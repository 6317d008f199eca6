//! Analysis: `Article` -> `Doc` (placeholder until issue 4 lands).
#![deny(missing_docs)]
use storyfold_model::{Article, Doc, Sentence, Span};

/// Errors of analysis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range.
    #[error("invalid analyze config: {0}")]
    Config(String),
}
/// Result of analysis.
pub type Result<T> = std::result::Result<T, Error>;

/// Analysis settings.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeConfig {}

impl AnalyzeConfig {
    /// Builds an analyzer.
    pub fn build(&self) -> Result<Analyzer> {
        Ok(Analyzer {})
    }
}

/// Finds sentences, entities, time expressions and quotes.
#[derive(Clone, Debug)]
pub struct Analyzer {}

impl Analyzer {
    /// Analyses one article.
    pub fn analyze(&self, article: Article) -> Doc {
        let text = article.text();
        let mut sentences = Vec::new();
        let mut offset = 0;
        for (paragraph, part) in text.split("\n\n").enumerate() {
            sentences.push(Sentence {
                span: Span::new(offset, offset + part.len()),
                paragraph,
            });
            offset += part.len() + 2;
        }
        Doc {
            language: article.language.clone(),
            published: article.published.clone(),
            article,
            text,
            sentences,
            entities: Vec::new(),
            times: Vec::new(),
            quotes: Vec::new(),
        }
    }
}
