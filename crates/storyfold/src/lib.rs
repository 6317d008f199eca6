//! storyfold as a library: the [`Pipeline`] threads articles through every stage and keeps the
//! results in the [`Store`]; [`story_document`] renders stories as DESIGN.md's JSON contract.
//!
//! ```text
//! RawArticle -> extract -> analyze -> dedup -> cluster -> (on commit) corroborate -> brief
//! ```
//!
//! The pipeline is online: [`Pipeline::ingest`] takes one article at a time and updates the
//! near-duplicate and story indexes at once; [`Pipeline::commit`] recomputes the stories the
//! batch touched and writes everything in one transaction.
//!
//! ```
//! use storyfold::{Pipeline, PipelineConfig, Store};
//! use storyfold::model::{ArticleId, RawArticle, RawBody};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let store = Store::open(&dir.path().join("news.db")).unwrap();
//! let mut pipeline = Pipeline::open(store, &PipelineConfig::default()).unwrap();
//! let raw = RawArticle {
//!     id: ArticleId::from("wire-1"),
//!     source: "inline".into(),
//!     body: RawBody::Text("Harbour bridge reopens\n\nThe Lindqvist bridge reopened on Monday \
//!         after three weeks of repairs, the city council said.".into()),
//!     url: None, outlet: Some("Example Wire".into()), title: None,
//!     published: Some("2024-05-06".into()), fetched_at: None,
//! };
//! pipeline.ingest(raw).unwrap();
//! pipeline.commit().unwrap();
//! assert_eq!(pipeline.store().article_count().unwrap(), 1);
//! ```
#![deny(missing_docs)]

mod document;
mod pipeline;

pub use document::{story_document, story_document_for};
pub use pipeline::{assemble_story, Committed, Outcome, Pipeline, PipelineConfig};
pub use storyfold_store::{Store, StoredStory, StorySummary};

/// Stage crates, for callers that run one stage alone.
pub use storyfold_analyze as analyze;
/// Brief stage.
pub use storyfold_brief as brief;
/// Clustering stage.
pub use storyfold_cluster as cluster;
/// Corroboration stage.
pub use storyfold_corroborate as corroborate;
/// Near-duplicate stage.
pub use storyfold_dedup as dedup;
/// Extraction stage.
pub use storyfold_extract as extract;
/// Ingest (sources).
pub use storyfold_ingest as ingest;
/// The shared data model.
pub use storyfold_model as model;
/// The store.
pub use storyfold_store as store;

use storyfold_model::ArticleId;

/// Errors of the pipeline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// One article could not be extracted; the run goes on without it.
    #[error("{input}: {source}")]
    Extract {
        /// The input that failed.
        input: String,
        /// Why.
        source: storyfold_extract::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] storyfold_store::Error),
    /// A stage could not be configured.
    #[error("invalid {stage} configuration: {message}")]
    Config {
        /// The stage.
        stage: &'static str,
        /// Why.
        message: String,
    },
    /// A stage's saved state could not be encoded.
    #[error("cannot save {stage} state: {source}")]
    State {
        /// The stage.
        stage: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// A story id is unknown.
    #[error("no story {0}")]
    UnknownStory(String),
    /// An article id is unknown.
    #[error("no article {0}")]
    UnknownArticle(ArticleId),
}

/// Result of pipeline operations.
pub type Result<T> = std::result::Result<T, Error>;
