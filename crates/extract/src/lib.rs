//! Extraction: `RawArticle` -> `Article` (placeholder until issue 3 lands).
#![deny(missing_docs)]
use storyfold_model::{
    Article, ArticleId, ContentHash, DateSource, Published, RawArticle, RawBody,
};

/// Errors of extraction.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nothing readable was found.
    #[error("{input}: no article text found")]
    Empty {
        /// The input.
        input: String,
    },
}
/// Result of extraction.
pub type Result<T> = std::result::Result<T, Error>;

/// Extraction settings.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractConfig {}

impl ExtractConfig {
    /// Builds an extractor.
    pub fn build(&self) -> Result<Extractor> {
        Ok(Extractor {})
    }
}

/// Turns raw articles into clean ones.
#[derive(Clone, Debug)]
pub struct Extractor {}

impl Extractor {
    /// Extracts main text and metadata.
    ///
    /// # Errors
    /// [`Error::Empty`] when nothing readable is found.
    pub fn extract(&self, raw: &RawArticle) -> Result<Article> {
        let text = match &raw.body {
            RawBody::Text(t) => t.clone(),
            RawBody::Html(b) => String::from_utf8_lossy(b).into_owned(),
        };
        let mut paragraphs: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if paragraphs.is_empty() {
            return Err(Error::Empty {
                input: raw.source.clone(),
            });
        }
        let title = raw.title.clone().or_else(|| Some(paragraphs.remove(0)));
        let body = paragraphs.join("\n\n");
        Ok(Article {
            id: ArticleId(raw.id.0.clone()),
            source: raw.source.clone(),
            url: raw.url.clone(),
            outlet: raw.outlet.clone(),
            title,
            byline: None,
            published: raw
                .published
                .as_deref()
                .and_then(|p| Published::parse_iso(p, DateSource::Given)),
            language: None,
            content_hash: ContentHash::of_text(&body),
            paragraphs,
            boilerplate: Vec::new(),
        })
    }
}
