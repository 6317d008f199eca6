//! The brief: a story's corroboration -> cited, checked sentences (placeholder until issue 7).
#![deny(missing_docs)]
use storyfold_model::{Brief, Corroboration, Doc, Story};

/// Errors of the brief.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range.
    #[error("invalid brief config: {0}")]
    Config(String),
}
/// Result of the brief.
pub type Result<T> = std::result::Result<T, Error>;

/// Brief settings.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefConfig {}

impl BriefConfig {
    /// Builds a briefer.
    pub fn build(&self) -> Result<Briefer> {
        Ok(Briefer {})
    }
}

/// Writes briefs.
#[derive(Clone, Debug)]
pub struct Briefer {}

impl Briefer {
    /// The brief of one story.
    pub fn brief(&self, _story: &Story, _docs: &[Doc], _corroboration: &Corroboration) -> Brief {
        Brief::default()
    }
}
