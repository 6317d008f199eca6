//! Corroboration: a story's docs -> claims, quote groups, timeline (placeholder until issue 7).
#![deny(missing_docs)]
use storyfold_model::{CopyLink, Corroboration, Doc, Story};

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

/// Corroboration settings.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorroborateConfig {}

impl CorroborateConfig {
    /// Builds a corroborator.
    pub fn build(&self) -> Result<Corroborator> {
        Ok(Corroborator {})
    }
}

/// Cross-checks a story's articles.
#[derive(Clone, Debug)]
pub struct Corroborator {}

impl Corroborator {
    /// Claims, quotes and timeline of one story. `docs` are the story's articles in story order;
    /// `links` are the copy links among them.
    pub fn corroborate(&self, _story: &Story, _docs: &[Doc], links: &[CopyLink]) -> Corroboration {
        Corroboration {
            copy_links: links.to_vec(),
            ..Default::default()
        }
    }
}
