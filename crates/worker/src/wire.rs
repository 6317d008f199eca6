//! What travels between publisher, workers and followers (JSON on the wire), and the
//! order-independent half of the pipeline ([`Preparer`]: extract and analyze).
use crate::sequencer::Ledger;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use storyfold::analyze::Analyzer;
use storyfold::assemble_story;
use storyfold::brief::Briefer;
use storyfold::corroborate::Corroborator;
use storyfold::extract::Extractor;
use storyfold::PipelineConfig;
use storyfold_model::{
    ArticleId, Brief, CopyLink, Corroboration, Doc, GroupingReason, RawArticle, Story, StoryId,
};
use storyfold_store::{Batch, StoredStory};

/// One article after the order-independent work: analysed, or why it could not be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Prepared {
    /// Extracted and analysed (under the id the source gave; the sequencer may rename it).
    Doc(Box<Doc>),
    /// Extraction failed.
    Failed {
        /// The input, as `RawArticle::source` named it.
        input: String,
        /// Why.
        reason: String,
    },
}

impl Prepared {
    /// The doc, when there is one.
    pub fn doc(&self) -> Option<&Doc> {
        match self {
            Self::Doc(doc) => Some(doc),
            Self::Failed { .. } => None,
        }
    }
}

/// Extract and analyze: the expensive, order-independent half, run by every worker in parallel.
pub struct Preparer {
    extractor: Extractor,
    analyzer: Analyzer,
}

impl Preparer {
    /// Builds the extractor and analyzer.
    ///
    /// # Errors
    /// When their configuration is invalid.
    pub fn new(config: &PipelineConfig) -> Result<Self> {
        Ok(Self {
            extractor: config.extract.build().map_err(|e| Error::Stage {
                stage: "extract",
                message: e.to_string(),
            })?,
            analyzer: config.analyze.build().map_err(|e| Error::Stage {
                stage: "analyze",
                message: e.to_string(),
            })?,
        })
    }

    /// Extracts and analyzes one article.
    pub fn prepare(&self, raw: &RawArticle) -> Prepared {
        match self.extractor.extract(raw) {
            Ok(article) => Prepared::Doc(Box::new(self.analyzer.analyze(article))),
            Err(error) => Prepared::Failed {
                input: raw.source.clone(),
                reason: error.to_string(),
            },
        }
    }

    /// Decodes a published article (JSON `RawArticle`) and prepares it.
    pub fn prepare_bytes(&self, payload: &[u8], what: &str) -> Prepared {
        match serde_json::from_slice::<RawArticle>(payload) {
            Ok(raw) => self.prepare(&raw),
            Err(error) => Prepared::Failed {
                input: what.to_string(),
                reason: format!("not a storyfold article: {error}"),
            },
        }
    }
}

/// The sequencer's whole state: its ledger and the two order-dependent stage indexes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Snapshot {
    /// Decisions so far.
    pub ledger: Ledger,
    /// `TemplateLearner::state()` (null in snapshots from before the learner: start afresh).
    #[serde(default)]
    pub templates: serde_json::Value,
    /// `Deduper::state()`.
    pub dedup: serde_json::Value,
    /// `Clusterer::state()`.
    pub cluster: serde_json::Value,
}

/// One message on `stories.>`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Update {
    /// A story as of `applied_seq`.
    Story(Box<StoryMessage>),
    /// Articles new since the previous commit, sent before the story updates that refer to
    /// them (split over several messages when large).
    Docs {
        /// Articles applied up to this stream sequence.
        applied_seq: u64,
        /// The docs.
        docs: Vec<Doc>,
    },
    /// Inputs that could not be extracted.
    Failures {
        /// Articles applied up to this stream sequence.
        applied_seq: u64,
        /// (input, reason).
        failures: Vec<(String, String)>,
    },
    /// Story updates stored in the results bucket (`sf-results`) by the workers that computed
    /// them, named by key, in the order to apply them. The leader publishes this small record
    /// instead of fetching and republishing each update's bytes, so a story update crosses
    /// the server once on its way in; a follower reads each key and applies the
    /// [`Update::Story`] stored there as if it had come on the stream.
    Results {
        /// Articles applied up to this stream sequence.
        applied_seq: u64,
        /// Keys in the results bucket, each holding the encoded [`Update::Story`] updates of
        /// one job message (a JSON array, in job order) or, from older workers, one update.
        keys: Vec<String>,
    },
}

/// A story's full state after the articles up to `applied_seq` were applied. A follower applies
/// it as one store transaction; the docs it refers to came in an earlier [`Update::Docs`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoryMessage {
    /// Articles applied up to this article-stream sequence.
    pub applied_seq: u64,
    /// The story record.
    pub story: Story,
    /// Its cross-check.
    pub corroboration: Corroboration,
    /// Its brief.
    pub brief: Brief,
    /// Docs carried with the update (the sequencer sends docs in [`Update::Docs`] first and
    /// leaves this empty).
    #[serde(default)]
    pub docs: Vec<Doc>,
    /// Copy links of its members that are new or changed.
    pub links: Vec<CopyLink>,
    /// Every member: (article, this story, why).
    pub members: Vec<(ArticleId, StoryId, GroupingReason)>,
    /// Every alias: (absorbed story, this story).
    pub merges: Vec<(StoryId, StoryId)>,
}

impl Update {
    /// The store batch that applies this update. An [`Update::Results`] names updates stored
    /// elsewhere: its own batch is empty, the follower applies the stored updates instead.
    pub fn into_batch(self) -> Batch {
        match self {
            Self::Story(message) => {
                let message = *message;
                Batch {
                    docs: message.docs,
                    links: message.links,
                    members: message.members,
                    merges: message.merges,
                    stories: vec![StoredStory {
                        story: message.story,
                        corroboration: message.corroboration,
                        brief: message.brief,
                    }],
                    states: Vec::new(),
                    failures: Vec::new(),
                }
            }
            Self::Docs { docs, .. } => Batch {
                docs,
                ..Batch::default()
            },
            Self::Failures { failures, .. } => Batch {
                failures,
                ..Batch::default()
            },
            Self::Results { .. } => Batch::default(),
        }
    }
}

/// A story to recompute: its membership as of article-stream sequence `applied_seq`. The result
/// ([`StoryResult`]) is a pure function of the job and the members' prepared docs, so any worker
/// may compute it, twice is harmless, and [`StoryJob::key`] names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryJob {
    /// Articles applied up to this article-stream sequence.
    pub applied_seq: u64,
    /// The story.
    pub story: StoryId,
    /// Stories merged into it.
    pub aliases: Vec<StoryId>,
    /// Members in arrival order: (article, why it joined, the article-stream sequence whose
    /// prepared doc it is).
    pub members: Vec<(ArticleId, GroupingReason, u64)>,
    /// Copy links between members, in member order.
    pub links: Vec<CopyLink>,
    /// Copy links of members that are new since the previous commit (what a follower has not
    /// been sent yet).
    pub new_links: Vec<CopyLink>,
    /// Member sequences (ascending) whose doc the sequencer analysed again after template
    /// learning stripped a paragraph: read from the restated doc, not the prepared one, so the
    /// story is computed from the same text as in `storyfold run`. Absent when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restated: Vec<u64>,
}

impl StoryJob {
    /// The key of the result of the job encoded as `payload`: `<story>.<applied_seq>.<hash of
    /// the job>`, so a redelivered or republished job overwrites its result with the same bytes.
    pub fn key(&self, payload: &[u8]) -> String {
        format!(
            "{}.{}.{:016x}",
            token(self.story.as_str()),
            self.applied_seq,
            xxhash_rust::xxh3::xxh3_64(payload)
        )
    }

    /// The story update that publishes this job's result.
    pub fn into_update(self, result: StoryResult) -> Update {
        let story_id = self.story;
        Update::Story(Box::new(StoryMessage {
            applied_seq: self.applied_seq,
            docs: Vec::new(),
            links: self.new_links,
            members: self
                .members
                .into_iter()
                .map(|(a, r, _)| (a, story_id.clone(), r))
                .collect(),
            merges: self
                .aliases
                .into_iter()
                .map(|a| (a, story_id.clone()))
                .collect(),
            story: result.story,
            corroboration: result.corroboration,
            brief: result.brief,
        }))
    }
}

/// A NATS subject token (or key-value key part) from an id: tokens may not hold `.`, `*`, `>`
/// or whitespace.
pub fn token(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A recomputed story: the record, its cross-check and its brief.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoryResult {
    /// The story record.
    pub story: Story,
    /// Its cross-check.
    pub corroboration: Corroboration,
    /// Its brief.
    pub brief: Brief,
}

/// Story recomputation (corroborate, brief): order-independent given a [`StoryJob`], so the
/// workers run it in parallel while the sequencer goes on.
pub struct Recomputer {
    corroborator: Corroborator,
    briefer: Briefer,
}

impl Recomputer {
    /// Builds the corroborator and briefer.
    ///
    /// # Errors
    /// When their configuration is invalid.
    pub fn new(config: &PipelineConfig) -> Result<Self> {
        Ok(Self {
            corroborator: config.corroborate.build().map_err(|e| Error::Stage {
                stage: "corroborate",
                message: e.to_string(),
            })?,
            briefer: config.brief.build().map_err(|e| Error::Stage {
                stage: "brief",
                message: e.to_string(),
            })?,
        })
    }

    /// Recomputes one story from its members' docs, given in member order (each doc's
    /// `article.id` must be the member's id: the sequencer may have renamed it).
    pub fn compute(&self, job: &StoryJob, docs: &[Doc]) -> StoryResult {
        let reasons = job.members.iter().map(|(_, r, _)| r.clone()).collect();
        let story = assemble_story(
            job.story.clone(),
            job.aliases.clone(),
            docs,
            &job.links,
            reasons,
        );
        let mut corroboration = self.corroborator.corroborate(&story, docs, &job.links);
        corroboration.copy_links = job.links.clone();
        let brief = self.briefer.brief(&story, docs, &corroboration);
        StoryResult {
            story,
            corroboration,
            brief,
        }
    }
}
