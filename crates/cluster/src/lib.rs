//! Story clustering: `Doc` -> `StoryUpdate` (placeholder until issue 6 lands).
#![deny(missing_docs)]
use storyfold_model::{Doc, GroupingReason, StoryId, StoryUpdate};

/// Errors of clustering.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range.
    #[error("invalid cluster config: {0}")]
    Config(String),
}
/// Result of clustering.
pub type Result<T> = std::result::Result<T, Error>;

/// Clustering settings.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {}

impl ClusterConfig {
    /// Builds a clusterer.
    pub fn build(&self) -> Result<Clusterer> {
        Ok(Clusterer {
            state: ClusterState::default(),
        })
    }
}

/// The story index, as the store saves it.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ClusterState {
    story: Option<StoryId>,
}

/// Groups articles into stories as they arrive.
#[derive(Clone, Debug)]
pub struct Clusterer {
    state: ClusterState,
}

impl Clusterer {
    /// Assigns `doc` to a story, then remembers it.
    pub fn observe(&mut self, doc: &Doc) -> StoryUpdate {
        let created = self.state.story.is_none();
        let story = self
            .state
            .story
            .get_or_insert_with(|| StoryId::for_first_article(&doc.article.id))
            .clone();
        StoryUpdate {
            article: doc.article.id.clone(),
            story,
            created,
            merged: Vec::new(),
            reason: GroupingReason {
                article: doc.article.id.clone(),
                ..Default::default()
            },
        }
    }
    /// The index state, for the store.
    pub fn state(&self) -> &ClusterState {
        &self.state
    }
    /// Resumes from saved state.
    pub fn resume(_config: &ClusterConfig, state: ClusterState) -> Result<Self> {
        Ok(Self { state })
    }
}
