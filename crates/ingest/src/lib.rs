//! Ingest: files, folders, JSONL, feeds, WARC, stdin -> `RawArticle` (placeholder until the
//! ingest work lands).
#![deny(missing_docs)]
use std::path::{Path, PathBuf};
use storyfold_model::{ArticleId, RawArticle, RawBody};

/// Errors of ingest; each names the input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The input.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}
/// Result of ingest.
pub type Result<T> = std::result::Result<T, Error>;

/// Ingest settings.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestConfig {
    /// Larger files are refused with an error naming them.
    pub max_file_bytes: u64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 64 << 20,
        }
    }
}

/// Opens inputs (files, folders, JSONL, `-` for stdin) as a stream of raw articles; one bad
/// input or record yields one `Err` and the stream goes on.
pub fn open(inputs: &[PathBuf], _config: &IngestConfig) -> Inputs {
    Inputs {
        pending: inputs.iter().rev().cloned().collect(),
    }
}

/// The stream of raw articles from [`open`].
pub struct Inputs {
    pending: Vec<PathBuf>,
}

impl Iterator for Inputs {
    type Item = Result<RawArticle>;
    fn next(&mut self) -> Option<Self::Item> {
        let path = self.pending.pop()?;
        Some(read_text(&path))
    }
}

fn read_text(path: &Path) -> Result<RawArticle> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    Ok(RawArticle {
        id: ArticleId(
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
        source: name,
        body: RawBody::Text(text),
        url: None,
        outlet: None,
        title: None,
        published: None,
        fetched_at: None,
    })
}
