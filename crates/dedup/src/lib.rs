//! Near-duplicates: `Doc` -> `Option<CopyLink>` (placeholder until issue 5 lands).
#![deny(missing_docs)]
use storyfold_model::{ArticleId, ContentHash, CopyKind, CopyLink, DirectionRule, Doc};

/// Errors of dedup.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range.
    #[error("invalid dedup config: {0}")]
    Config(String),
}
/// Result of dedup.
pub type Result<T> = std::result::Result<T, Error>;

/// Dedup settings.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedupConfig {}

impl DedupConfig {
    /// Builds a deduper.
    pub fn build(&self) -> Result<Deduper> {
        Ok(Deduper {
            state: DedupState::default(),
        })
    }
}

/// The index, as the store saves it.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct DedupState {
    seen: Vec<(ContentHash, ArticleId)>,
}

/// Finds copies among the articles seen so far.
#[derive(Clone, Debug)]
pub struct Deduper {
    state: DedupState,
}

impl Deduper {
    /// Compares `doc` with every article seen so far, then remembers it. Returns the links this
    /// article created or changed: its own link to an original, or links from earlier articles
    /// that turn out to copy it. The caller keeps one link per copy (the latest wins).
    pub fn observe(&mut self, doc: &Doc) -> Vec<CopyLink> {
        let found = self
            .state
            .seen
            .iter()
            .find(|(h, _)| *h == doc.article.content_hash)
            .cloned();
        self.state
            .seen
            .push((doc.article.content_hash.clone(), doc.article.id.clone()));
        found
            .into_iter()
            .map(|(_, original)| CopyLink {
                copy: doc.article.id.clone(),
                original,
                kind: CopyKind::Verbatim,
                similarity: 1.0,
                direction: DirectionRule::ArrivalOrder,
                evidence: Vec::new(),
            })
            .collect()
    }
    /// The index state, for the store.
    pub fn state(&self) -> &DedupState {
        &self.state
    }
    /// Resumes from saved state.
    pub fn resume(_config: &DedupConfig, state: DedupState) -> Result<Self> {
        Ok(Self { state })
    }
}
