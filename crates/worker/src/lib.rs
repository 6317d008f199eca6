//! storyfold beyond one machine: workers on NATS JetStream that give the same stories as one
//! process (DESIGN.md "Beyond one machine", docs/SCALING.md).
//!
//! ```text
//! publish ──► stream SF_ARTICLES (sf.articles.<partition>) ──► consumer sf-prepare (shared,
//!             explicit acks, ≤ 1,000 pending) ──► every worker: extract + analyze (parallel)
//!             ──► KV sf-docs (one entry per pulled batch, key = its sequences)
//!             ──► the sequencing worker (one at a time, leased through KV sf-state):
//!                 templates, dedup, cluster in sequence order; one story job per touched
//!                 story and commit, grouped ──► work queue SF_JOBS (consumer sf-recompute)
//!             ──► every worker: assemble, corroborate, brief (parallel) ──► KV sf-results
//!             ──► the sequencing worker publishes each commit in order
//!             ──► stream SF_STORIES (stories.>) ──► followers (`storyfold serve --nats`)
//! ```
//!
//! The order-independent, expensive work (extract, analyze, story recompute) runs on every
//! worker in parallel;
//! the order-dependent decisions (content-hash idempotence, near-duplicate links, story
//! membership) are applied strictly in article-stream order by the one worker that holds the
//! sequencing lease, so the stories equal those of `storyfold run` over the same input in the
//! same order, with any number of workers. The lease, the applied position (`head`) and the
//! state snapshot are kept in JetStream key-value and object stores with revision checks, so a
//! worker that lost the lease cannot overwrite its successor's decisions.
//!
//! The NATS client is behind the cargo feature `nats`; without it every entry point returns
//! [`Error::NoNats`]. [`Sequencer`] and [`Preparer`] (the two halves, no I/O) are always there.
#![deny(missing_docs)]

#[cfg(feature = "nats")]
mod nats;
mod sequencer;
mod wire;

pub use sequencer::{Applied, Ledger, Plan, Sequencer, StoryRecord};
pub use wire::{
    token, Prepared, Preparer, Recomputer, Snapshot, StoryJob, StoryMessage, StoryResult, Update,
};

use std::path::Path;
use std::time::Duration;
use storyfold::PipelineConfig;
use storyfold_model::{ArticleId, RawArticle};

/// Stream of published articles.
pub const ARTICLES_STREAM: &str = "SF_ARTICLES";
/// Subject prefix of published articles: `sf.articles.<partition>`.
pub const ARTICLES_SUBJECT: &str = "sf.articles";
/// Durable consumer shared by all workers for the prepare step.
pub const PREPARE_CONSUMER: &str = "sf-prepare";
/// Key-value bucket of prepared articles: one entry per pulled batch, keyed by its article-stream
/// sequences as runs (`1201-1208`, `17_40-46`); restated docs under `r.<sequence>`.
pub const DOCS_BUCKET: &str = "sf-docs";
/// Key-value bucket of the sequencing lease (`leader`) and applied position (`head`).
pub const STATE_BUCKET: &str = "sf-state";
/// Object store of sequencer snapshots.
pub const SNAPSHOT_BUCKET: &str = "sf-snapshots";
/// Work-queue stream of story recompute jobs (one per story and commit).
pub const JOBS_STREAM: &str = "SF_JOBS";
/// Subject of story recompute jobs.
pub const JOBS_SUBJECT: &str = "sf.jobs";
/// Durable consumer shared by all workers for story recompute jobs.
pub const RECOMPUTE_CONSUMER: &str = "sf-recompute";
/// Key-value bucket of recomputed stories: one entry per job message (its stories' updates),
/// keyed by the first job's [`StoryJob::key`] over the message.
pub const RESULTS_BUCKET: &str = "sf-results";
/// Stream of story updates.
pub const STORIES_STREAM: &str = "SF_STORIES";
/// Subject prefix of story updates: `stories.story.<id>`, `stories.failures`.
pub const STORIES_SUBJECT: &str = "stories";
/// Store state key under which a follower remembers the last story update it applied.
pub const FOLLOW_STATE: &str = "nats-follow";

/// Errors of the scale-out layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// This build was made without the `nats` feature.
    #[error(
        "this storyfold build has no NATS support; rebuild with \
         `cargo build --release -p storyfold-cli --features storyfold-worker/nats`"
    )]
    NoNats,
    /// Talking to NATS failed.
    #[error("NATS ({what}): {message}")]
    Nats {
        /// The operation.
        what: &'static str,
        /// Why.
        message: String,
    },
    /// A stage could not be built or its state encoded.
    #[error("{stage}: {message}")]
    Stage {
        /// The stage.
        stage: &'static str,
        /// Why.
        message: String,
    },
    /// A message on the wire could not be decoded.
    #[error("cannot decode {what}: {source}")]
    Decode {
        /// What it was.
        what: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// The sequencer was handed a sequence out of turn.
    #[error("sequence {got} applied out of turn (expected {expected})")]
    OutOfOrder {
        /// The sequence it expected.
        expected: u64,
        /// The sequence it got.
        got: u64,
    },
    /// A story member's doc is neither in memory nor supplied.
    #[error("no prepared doc for article {0}")]
    MissingDoc(ArticleId),
    /// Another worker holds the sequencing lease now.
    #[error("lost the sequencing lease")]
    Deposed,
    /// The local store failed.
    #[error(transparent)]
    Store(#[from] storyfold_store::Error),
    /// Waiting took longer than allowed.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
}

/// Result of the scale-out layer.
pub type Result<T> = std::result::Result<T, Error>;

/// Settings of a worker.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// NATS server URL, e.g. `nats://127.0.0.1:4222`.
    pub nats_url: String,
    /// This worker's name (unique among workers; shown in the lease).
    pub name: String,
    /// How long an article may stay unacknowledged before JetStream redelivers it.
    pub ack_wait: Duration,
    /// How long the sequencing lease lasts without a heartbeat.
    pub lease: Duration,
    /// Articles per story commit.
    pub commit_every: usize,
    /// Articles between sequencer snapshots (replay after a takeover is at most this long).
    pub snapshot_every: usize,
    /// Articles fetched per pull.
    pub fetch_batch: usize,
    /// Stage settings (must be the same on every worker, and as `storyfold run` for equality).
    pub pipeline: PipelineConfig,
}

impl WorkerOptions {
    /// Defaults for a worker on `nats_url`.
    pub fn new(nats_url: &str, name: &str) -> Self {
        Self {
            nats_url: nats_url.to_string(),
            name: name.to_string(),
            ack_wait: Duration::from_secs(30),
            lease: Duration::from_secs(5),
            commit_every: 500,
            snapshot_every: 2_000,
            fetch_batch: 8,
            pipeline: PipelineConfig::default(),
        }
    }
}

/// What `publish` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Published {
    /// Articles the stream accepted.
    pub articles: usize,
    /// Articles the stream had already (same id and bytes within its duplicate window).
    pub duplicates: usize,
    /// The stream's last sequence after publishing.
    pub last_seq: u64,
}

/// Where the cluster stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// The article stream's last sequence.
    pub published: u64,
    /// Articles applied and committed (the sequencer's head).
    pub applied: u64,
    /// The story stream's last sequence.
    pub story_updates: u64,
    /// Current holder of the sequencing lease.
    pub leader: Option<String>,
}

impl Progress {
    /// Whether every published article has been applied.
    pub fn done(&self) -> bool {
        self.applied >= self.published
    }
}

/// The partition of an article: a stable hash of its id.
pub fn partition_of(id: &ArticleId, partitions: u32) -> u32 {
    (xxhash_rust::xxh3::xxh3_64(id.as_str().as_bytes()) % u64::from(partitions.max(1))) as u32
}

/// Publishes articles to the article stream (creating the streams if needed), in the given
/// order, on `sf.articles.<partition>`.
///
/// # Errors
/// [`Error::NoNats`] without the `nats` feature; [`Error::Nats`] when NATS fails.
pub async fn publish<I>(nats_url: &str, articles: I, partitions: u32) -> Result<Published>
where
    I: IntoIterator<Item = RawArticle>,
{
    #[cfg(feature = "nats")]
    {
        nats::publish(nats_url, articles, partitions).await
    }
    #[cfg(not(feature = "nats"))]
    {
        let _ = (nats_url, articles.into_iter(), partitions);
        Err(Error::NoNats)
    }
}

/// Runs a worker until it fails (or its task is dropped): prepares articles and, while it holds
/// the lease, sequences them.
///
/// # Errors
/// [`Error::NoNats`] without the `nats` feature; [`Error::Nats`] when NATS fails.
pub async fn run_worker(options: &WorkerOptions) -> Result<()> {
    #[cfg(feature = "nats")]
    {
        nats::run_worker(options).await
    }
    #[cfg(not(feature = "nats"))]
    {
        let _ = options;
        Err(Error::NoNats)
    }
}

/// Where the cluster stands.
///
/// # Errors
/// [`Error::NoNats`] without the `nats` feature; [`Error::Nats`] when NATS fails.
pub async fn progress(nats_url: &str) -> Result<Progress> {
    #[cfg(feature = "nats")]
    {
        nats::progress(nats_url).await
    }
    #[cfg(not(feature = "nats"))]
    {
        let _ = nats_url;
        Err(Error::NoNats)
    }
}

/// Waits until every published article has been applied (polling [`progress`]).
///
/// # Errors
/// [`Error::Timeout`] after `timeout`; as [`progress`] otherwise.
pub async fn wait_done(nats_url: &str, timeout: Duration) -> Result<Progress> {
    #[cfg(feature = "nats")]
    {
        nats::wait_done(nats_url, timeout).await
    }
    #[cfg(not(feature = "nats"))]
    {
        let _ = (nats_url, timeout);
        Err(Error::NoNats)
    }
}

/// Follows `stories.>` forever, applying each story update to the store at `store_path` (one
/// transaction each, resuming after the last update applied). `storyfold serve --nats` runs it.
///
/// # Errors
/// [`Error::NoNats`] without the `nats` feature; [`Error::Nats`] or [`Error::Store`] on failure.
pub async fn follow_stories(nats_url: &str, store_path: &Path) -> Result<()> {
    #[cfg(feature = "nats")]
    {
        nats::follow(nats_url, store_path, false).await.map(|_| ())
    }
    #[cfg(not(feature = "nats"))]
    {
        let _ = (nats_url, store_path);
        Err(Error::NoNats)
    }
}

/// Applies every story update published so far to the store at `store_path`, then returns the
/// number applied.
///
/// # Errors
/// As [`follow_stories`].
pub async fn sync_stories(nats_url: &str, store_path: &Path) -> Result<u64> {
    #[cfg(feature = "nats")]
    {
        nats::follow(nats_url, store_path, true).await
    }
    #[cfg(not(feature = "nats"))]
    {
        let _ = (nats_url, store_path);
        Err(Error::NoNats)
    }
}

/// Runs a future to completion on a new multi-threaded runtime, for synchronous callers (the
/// CLI).
///
/// # Errors
/// [`Error::NoNats`] without the `nats` feature (there is no runtime then).
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output> {
    #[cfg(feature = "nats")]
    {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Error::Nats {
                what: "runtime",
                message: e.to_string(),
            })?;
        Ok(runtime.block_on(future))
    }
    #[cfg(not(feature = "nats"))]
    {
        drop(future);
        Err(Error::NoNats)
    }
}

/// Whether this build has NATS support.
pub const HAS_NATS: bool = cfg!(feature = "nats");
