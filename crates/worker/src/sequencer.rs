//! The order-dependent half of the pipeline, without I/O: content-hash idempotence, id
//! disambiguation, near-duplicate and story decisions, and story recomputation, applied strictly
//! in stream-sequence order. The NATS layer feeds it and ships what it returns.
use crate::wire::{Prepared, Recomputer, Snapshot, StoryJob, StoryResult, Update};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use storyfold::analyze::Analyzer;
use storyfold::cluster::Clusterer;
use storyfold::dedup::Deduper;
use storyfold::extract::TemplateLearner;
use storyfold::PipelineConfig;
use storyfold_model::{ArticleId, ContentHash, CopyLink, Doc, GroupingReason, StoryId};

/// What the sequencer has decided so far: everything but the stage indexes themselves.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Ledger {
    /// The next article-stream sequence to apply (sequences start at 1).
    pub next_seq: u64,
    /// Content hash -> the article stored under it.
    pub hashes: BTreeMap<ContentHash, ArticleId>,
    /// Article -> the article-stream sequence whose prepared doc it is.
    pub article_seq: BTreeMap<ArticleId, u64>,
    /// Story -> its members (arrival order) and aliases.
    pub stories: BTreeMap<StoryId, StoryRecord>,
    /// Article -> the story it belongs to now.
    pub story_of: BTreeMap<ArticleId, StoryId>,
    /// Copy -> its link to the original.
    pub links: BTreeMap<ArticleId, CopyLink>,
    /// Sequences whose doc the sequencer analysed again (the template learner stripped a
    /// paragraph): story jobs read those members' docs as restated here, not as prepared.
    #[serde(default)]
    pub restated: BTreeSet<u64>,
}

/// Members and aliases of one story.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoryRecord {
    /// Member articles in arrival order, with why they joined.
    pub members: Vec<(ArticleId, GroupingReason)>,
    /// Stories merged into this one.
    pub aliases: Vec<StoryId>,
}

/// What applying one sequence did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// A new article joined (or started) a story.
    Added {
        /// The article's id (disambiguated if its id was taken by another text).
        id: ArticleId,
        /// Its story.
        story: StoryId,
    },
    /// The same text was applied before: nothing changed.
    AlreadyStored {
        /// The earlier article.
        id: ArticleId,
    },
    /// The input could not be extracted; recorded as a failure.
    Failed,
}

#[derive(Default)]
struct Pending {
    new_docs: Vec<ArticleId>,
    restated: Vec<(u64, Doc)>,
    links: BTreeSet<ArticleId>,
    touched: BTreeSet<StoryId>,
    failures: Vec<(String, String)>,
}

/// Docs the dedup thread may hold queued before `apply` waits for it.
const DEDUP_QUEUE: usize = 256;

/// Near-duplicate detection, on the sequencer's thread or on a thread of its own. Dedup and
/// clustering read the same doc and neither reads the other's output, so the dedup thread can
/// observe article `n` while the sequencer clusters it and goes on with `n + 1`: the deduper
/// still sees every doc in sequence order (one FIFO queue), and its links reach the ledger in
/// that order before anything reads them (a commit plan or a snapshot drains the queue first).
/// The decisions are therefore those of the inline path; only the wall time can differ.
enum DedupLane {
    Inline(Box<Deduper>),
    Thread(DedupThread),
}

struct DedupThread {
    /// Locked by the thread for each observation and by the sequencer only once the queue is
    /// drained (for a snapshot), so it is never contended.
    deduper: Arc<Mutex<Deduper>>,
    docs: Option<SyncSender<Arc<Doc>>>,
    links: Receiver<Vec<CopyLink>>,
    /// Docs sent whose links have not been received.
    in_flight: usize,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl DedupThread {
    fn spawn(deduper: Deduper) -> Result<Self> {
        let deduper = Arc::new(Mutex::new(deduper));
        let (docs, queue) = mpsc::sync_channel::<Arc<Doc>>(DEDUP_QUEUE);
        let (found, links) = mpsc::channel();
        let shared = deduper.clone();
        let handle = std::thread::Builder::new()
            .name("sf-dedup".into())
            .spawn(move || {
                for doc in queue {
                    let links = shared
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .observe(&doc);
                    // The doc goes before its links: once the sequencer has every link, no
                    // doc is shared any more and a commit can take them without copying.
                    drop(doc);
                    if found.send(links).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| Error::Stage {
                stage: "dedup",
                message: e.to_string(),
            })?;
        Ok(Self {
            deduper,
            docs: Some(docs),
            links,
            in_flight: 0,
            handle: Some(handle),
        })
    }
}

impl Drop for DedupThread {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop.
        self.docs.take();
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

fn dedup_stopped() -> Error {
    Error::Stage {
        stage: "dedup",
        message: "the dedup thread stopped".into(),
    }
}

/// Applies prepared articles in sequence order and produces story updates.
pub struct Sequencer {
    ledger: Ledger,
    templates: TemplateLearner,
    analyzer: Analyzer,
    dedup: DedupLane,
    clusterer: Clusterer,
    recomputer: Recomputer,
    docs: BTreeMap<ArticleId, Arc<Doc>>,
    pending: Pending,
}

impl Sequencer {
    /// A sequencer with empty indexes, expecting sequence 1 first.
    ///
    /// # Errors
    /// When a stage's configuration is invalid.
    pub fn new(config: &PipelineConfig) -> Result<Self> {
        Self::build(config, None)
    }

    /// A sequencer resumed from a snapshot.
    ///
    /// # Errors
    /// When a stage's configuration is invalid or the snapshot does not fit it.
    pub fn resume(config: &PipelineConfig, snapshot: Snapshot) -> Result<Self> {
        Self::build(config, Some(snapshot))
    }

    fn build(config: &PipelineConfig, snapshot: Option<Snapshot>) -> Result<Self> {
        let stage = |stage: &'static str| {
            move |e: &dyn std::fmt::Display| Error::Stage {
                stage,
                message: e.to_string(),
            }
        };
        let (ledger, templates, deduper, clusterer) = match snapshot {
            None => (
                Ledger {
                    next_seq: 1,
                    ..Ledger::default()
                },
                config
                    .templates
                    .build()
                    .map_err(|e| stage("templates")(&e))?,
                config.dedup.build().map_err(|e| stage("dedup")(&e))?,
                config.cluster.build().map_err(|e| stage("cluster")(&e))?,
            ),
            Some(snapshot) => {
                let templates = if snapshot.templates.is_null() {
                    config.templates.build()
                } else {
                    let state = serde_json::from_value(snapshot.templates)
                        .map_err(|e| stage("templates")(&e))?;
                    TemplateLearner::resume(&config.templates, state)
                }
                .map_err(|e| stage("templates")(&e))?;
                let dedup =
                    serde_json::from_value(snapshot.dedup).map_err(|e| stage("dedup")(&e))?;
                let cluster =
                    serde_json::from_value(snapshot.cluster).map_err(|e| stage("cluster")(&e))?;
                (
                    snapshot.ledger,
                    templates,
                    Deduper::resume(&config.dedup, dedup).map_err(|e| stage("dedup")(&e))?,
                    Clusterer::resume(&config.cluster, cluster)
                        .map_err(|e| stage("cluster")(&e))?,
                )
            }
        };
        Ok(Self {
            ledger,
            templates,
            analyzer: config.analyze.build().map_err(|e| stage("analyze")(&e))?,
            dedup: DedupLane::Inline(Box::new(deduper)),
            clusterer,
            recomputer: Recomputer::new(config)?,
            docs: BTreeMap::new(),
            pending: Pending::default(),
        })
    }

    /// The next sequence this sequencer expects.
    pub fn next_seq(&self) -> u64 {
        self.ledger.next_seq
    }

    /// What has been decided so far.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Whether anything awaits [`Sequencer::commit`].
    pub fn has_pending(&self) -> bool {
        !self.pending.touched.is_empty() || !self.pending.failures.is_empty()
    }

    /// This sequencer with near-duplicate detection on a thread of its own, overlapping it with
    /// template learning and clustering (see `DedupLane`): worth it only when the process may
    /// run on more than one core. The decisions are the same either way.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn dedup_on_thread(mut self) -> Result<Self> {
        self.dedup = match self.dedup {
            DedupLane::Inline(deduper) => DedupLane::Thread(DedupThread::spawn(*deduper)?),
            threaded => threaded,
        };
        Ok(self)
    }

    /// Whether near-duplicate detection runs on a thread of its own.
    pub fn dedup_threaded(&self) -> bool {
        matches!(self.dedup, DedupLane::Thread(_))
    }

    /// Hands `doc` to near-duplicate detection: observed now (inline) or queued for the dedup
    /// thread, whose links are recorded as they come back, in order.
    fn observe_copies(&mut self, doc: &Arc<Doc>) -> Result<()> {
        match &mut self.dedup {
            DedupLane::Inline(deduper) => {
                let links = deduper.observe(doc);
                record_links(&mut self.ledger, &mut self.pending, links);
            }
            DedupLane::Thread(lane) => {
                let sender = lane.docs.as_ref().ok_or_else(dedup_stopped)?;
                sender.send(doc.clone()).map_err(|_| dedup_stopped())?;
                lane.in_flight += 1;
                while let Ok(links) = lane.links.try_recv() {
                    lane.in_flight -= 1;
                    record_links(&mut self.ledger, &mut self.pending, links);
                }
            }
        }
        Ok(())
    }

    /// Waits for the dedup thread to observe every queued doc and records their links.
    fn drain_dedup(&mut self) -> Result<()> {
        if let DedupLane::Thread(lane) = &mut self.dedup {
            while lane.in_flight > 0 {
                let links = lane.links.recv().map_err(|_| dedup_stopped())?;
                lane.in_flight -= 1;
                record_links(&mut self.ledger, &mut self.pending, links);
            }
        }
        Ok(())
    }

    /// The deduper, once every queued doc is observed.
    fn with_deduper<T>(&mut self, f: impl FnOnce(&Deduper) -> T) -> Result<T> {
        self.drain_dedup()?;
        Ok(match &self.dedup {
            DedupLane::Inline(deduper) => f(deduper),
            DedupLane::Thread(lane) => {
                f(&lane.deduper.lock().unwrap_or_else(PoisonError::into_inner))
            }
        })
    }

    /// The whole state, for a snapshot. Call it right after a commit.
    ///
    /// # Errors
    /// When a stage state cannot be encoded.
    pub fn snapshot(&mut self) -> Result<Snapshot> {
        let encode = |stage: &'static str, value: serde_json::Result<serde_json::Value>| {
            value.map_err(|e| Error::Stage {
                stage,
                message: e.to_string(),
            })
        };
        let dedup = self.with_deduper(|d| serde_json::to_value(d.state()))?;
        Ok(Snapshot {
            ledger: self.ledger.clone(),
            templates: encode("templates", serde_json::to_value(self.templates.state()))?,
            dedup: encode("dedup", dedup)?,
            cluster: encode("cluster", serde_json::to_value(self.clusterer.state()))?,
        })
    }

    /// The whole state as encoded [`Snapshot`] JSON, written straight from the indexes: no
    /// intermediate copy of the ledger and no JSON value tree, so it costs the leader about
    /// half of `serde_json::to_vec(&sequencer.snapshot()?)` (the same document up to key order).
    ///
    /// # Errors
    /// When a stage state cannot be encoded.
    pub fn snapshot_bytes(&mut self) -> Result<Vec<u8>> {
        #[derive(Serialize)]
        struct View<'a, T, D, C> {
            ledger: &'a Ledger,
            templates: &'a T,
            dedup: &'a D,
            cluster: &'a C,
        }
        self.drain_dedup()?;
        let (ledger, templates, clusterer) = (&self.ledger, &self.templates, &self.clusterer);
        let lock;
        let deduper = match &self.dedup {
            DedupLane::Inline(deduper) => deduper,
            DedupLane::Thread(lane) => {
                lock = lane.deduper.lock().unwrap_or_else(PoisonError::into_inner);
                &*lock
            }
        };
        serde_json::to_vec(&View {
            ledger,
            templates: templates.state(),
            dedup: deduper.state(),
            cluster: clusterer.state(),
        })
        .map_err(|e| Error::Stage {
            stage: "snapshot",
            message: e.to_string(),
        })
    }

    /// Remembers the prepared doc of an already-applied sequence (after a takeover, so story
    /// recomputation need not fetch it). Docs of sequences not applied yet are ignored.
    pub fn remember(&mut self, seq: u64, prepared: &Prepared) {
        if let Prepared::Doc(doc) = prepared {
            if let Some(id) = self.id_of_seq(seq, &doc.article.content_hash) {
                self.docs.entry(id.clone()).or_insert_with(|| {
                    let mut doc = Doc::clone(doc);
                    doc.article.id = id;
                    Arc::new(doc)
                });
            }
        }
    }

    fn id_of_seq(&self, seq: u64, hash: &ContentHash) -> Option<ArticleId> {
        let id = self.ledger.hashes.get(hash)?;
        (self.ledger.article_seq.get(id) == Some(&seq)).then(|| id.clone())
    }

    /// Applies the prepared article of sequence `seq`, which must be [`Sequencer::next_seq`].
    ///
    /// # Errors
    /// [`Error::OutOfOrder`] when `seq` is not the next sequence.
    pub fn apply(&mut self, seq: u64, prepared: Prepared) -> Result<Applied> {
        if seq != self.ledger.next_seq {
            return Err(Error::OutOfOrder {
                expected: self.ledger.next_seq,
                got: seq,
            });
        }
        self.ledger.next_seq += 1;
        let mut doc = match prepared {
            Prepared::Doc(doc) => *doc,
            Prepared::Failed { input, reason } => {
                self.pending.failures.push((input, reason));
                return Ok(Applied::Failed);
            }
        };
        let hash = doc.article.content_hash.clone();
        if let Some(id) = self.ledger.hashes.get(&hash) {
            return Ok(Applied::AlreadyStored { id: id.clone() });
        }
        // Template paragraphs are learned in arrival order (as `Pipeline::ingest` does, after
        // the content-hash check and before analysis). The workers analysed the article as
        // extracted; only when the learner strips something is it analysed again here.
        let boilerplate = doc.article.boilerplate.len();
        let mut article = self.templates.process(doc.article.clone());
        article.content_hash = hash.clone();
        let id = self.free_id(&article.id, &hash);
        article.id = id.clone();
        if article.boilerplate.len() != boilerplate {
            doc = self.analyzer.analyze(article);
            self.ledger.restated.insert(seq);
            self.pending.restated.push((seq, doc.clone()));
        } else {
            doc.article.id = id.clone();
        }
        let doc = Arc::new(doc);
        self.observe_copies(&doc)?;
        let update = self.clusterer.observe(&doc);
        let story = update.story.clone();
        for absorbed in &update.merged {
            if *absorbed == story {
                continue;
            }
            let record = self.ledger.stories.remove(absorbed).unwrap_or_default();
            for (article, _) in &record.members {
                self.ledger.story_of.insert(article.clone(), story.clone());
            }
            let survivor = self.ledger.stories.entry(story.clone()).or_default();
            survivor.members.extend(record.members);
            survivor.aliases.push(absorbed.clone());
            survivor.aliases.extend(record.aliases);
            self.pending.touched.remove(absorbed);
        }
        let record = self.ledger.stories.entry(story.clone()).or_default();
        record.members.push((id.clone(), update.reason));
        record.aliases.sort();
        record.aliases.dedup();
        self.ledger.story_of.insert(id.clone(), story.clone());
        self.ledger.hashes.insert(hash, id.clone());
        self.ledger.article_seq.insert(id.clone(), seq);
        self.pending.touched.insert(story.clone());
        self.pending.new_docs.push(id.clone());
        self.docs.insert(id.clone(), doc);
        Ok(Applied::Added { id, story })
    }

    /// The id to store a new article under: its own, unless another text already uses it (the
    /// same rule as `storyfold::Pipeline`).
    fn free_id(&self, id: &ArticleId, hash: &ContentHash) -> ArticleId {
        let taken = |candidate: &ArticleId| self.ledger.article_seq.contains_key(candidate);
        if !taken(id) {
            return id.clone();
        }
        let mut candidate = ArticleId(format!("{id}-{}", &hash.as_str()[..8]));
        let mut counter = 2;
        while taken(&candidate) {
            candidate = ArticleId(format!("{id}-{}-{counter}", &hash.as_str()[..8]));
            counter += 1;
        }
        candidate
    }

    /// Stories the next commit recomputes: the touched ones and those whose copy links changed.
    fn stories_to_commit(&self) -> BTreeSet<StoryId> {
        let mut stories = self.pending.touched.clone();
        for copy in &self.pending.links {
            if let Some(story) = self.ledger.story_of.get(copy) {
                stories.insert(story.clone());
            }
        }
        stories
    }

    /// Members of the stories the next commit recomputes whose docs are not in memory, with the
    /// sequence to fetch each from.
    pub fn missing_docs(&self) -> Vec<(ArticleId, u64)> {
        let mut missing = Vec::new();
        for story in self.stories_to_commit() {
            if let Some(record) = self.ledger.stories.get(&story) {
                for (article, _) in &record.members {
                    if !self.docs.contains_key(article) {
                        if let Some(seq) = self.ledger.article_seq.get(article) {
                            missing.push((article.clone(), *seq));
                        }
                    }
                }
            }
        }
        missing
    }

    /// Supplies a doc that [`Sequencer::missing_docs`] asked for.
    pub fn supply(&mut self, id: ArticleId, mut doc: Doc) {
        doc.article.id = id.clone();
        self.docs.insert(id, Arc::new(doc));
    }

    /// Recomputes every story touched since the last commit (claims, quotes, timeline, brief)
    /// here, and returns the updates to publish: the new docs, then one update per story, then
    /// one for failed inputs.
    ///
    /// # Errors
    /// [`Error::MissingDoc`] when a member's doc was neither applied here nor supplied.
    pub fn commit(&mut self) -> Result<Vec<Update>> {
        let plan = self.plan(false)?;
        let mut results = Vec::with_capacity(plan.jobs.len());
        for job in &plan.jobs {
            let mut docs = Vec::with_capacity(job.members.len());
            for (article, _, _) in &job.members {
                let doc = self
                    .docs
                    .get(article)
                    .ok_or_else(|| Error::MissingDoc(article.clone()))?;
                docs.push(Doc::clone(doc));
            }
            results.push(self.recomputer.compute(job, &docs));
        }
        Ok(plan.into_updates(results))
    }

    /// Ends a commit without recomputing its stories: returns the new docs, one [`StoryJob`]
    /// per story to recompute (any worker may compute it, see [`Recomputer`]) and the failures.
    /// The docs of the new articles leave the sequencer's memory with the plan.
    ///
    /// # Errors
    /// [`Error::MissingDoc`] when a new article's doc is missing (an internal error).
    pub fn plan_commit(&mut self) -> Result<Plan> {
        self.plan(true)
    }

    fn plan(&mut self, forget_docs: bool) -> Result<Plan> {
        // Every copy link of the applied articles is in the ledger before the plan reads it.
        self.drain_dedup()?;
        let applied_seq = self.ledger.next_seq - 1;
        let mut docs = Vec::with_capacity(self.pending.new_docs.len());
        for article in &self.pending.new_docs {
            let doc = if forget_docs {
                self.docs.remove(article)
            } else {
                self.docs.get(article).cloned()
            };
            let doc = doc.ok_or_else(|| Error::MissingDoc(article.clone()))?;
            docs.push(Arc::try_unwrap(doc).unwrap_or_else(|shared| Doc::clone(&shared)));
        }
        let mut jobs = Vec::new();
        for story_id in self.stories_to_commit() {
            let Some(record) = self.ledger.stories.get(&story_id) else {
                continue;
            };
            let members: BTreeSet<&ArticleId> = record.members.iter().map(|(a, _)| a).collect();
            let links: Vec<CopyLink> = record
                .members
                .iter()
                .filter_map(|(a, _)| self.ledger.links.get(a))
                .filter(|l| members.contains(&l.original))
                .cloned()
                .collect();
            let mut job_members = Vec::with_capacity(record.members.len());
            let mut restated = Vec::new();
            for (article, reason) in &record.members {
                let seq = *self
                    .ledger
                    .article_seq
                    .get(article)
                    .ok_or_else(|| Error::MissingDoc(article.clone()))?;
                job_members.push((article.clone(), reason.clone(), seq));
                if self.ledger.restated.contains(&seq) {
                    restated.push(seq);
                }
            }
            restated.sort_unstable();
            let new_links = record
                .members
                .iter()
                .filter(|(a, _)| self.pending.links.contains(a))
                .filter_map(|(a, _)| self.ledger.links.get(a).cloned())
                .collect();
            jobs.push(StoryJob {
                applied_seq,
                story: story_id,
                aliases: record.aliases.clone(),
                members: job_members,
                links,
                new_links,
                restated,
            });
        }
        let failures = std::mem::take(&mut self.pending.failures);
        let restated = std::mem::take(&mut self.pending.restated);
        self.pending = Pending::default();
        Ok(Plan {
            applied_seq,
            docs,
            restated,
            jobs,
            failures,
        })
    }
}

/// Records copy links in the order dedup found them (the latest link of a copy wins).
fn record_links(ledger: &mut Ledger, pending: &mut Pending, links: Vec<CopyLink>) {
    for link in links {
        pending.links.insert(link.copy.clone());
        ledger.links.insert(link.copy.clone(), link);
    }
}

/// A commit whose stories are still to be recomputed: what [`Sequencer::plan_commit`] returns.
#[derive(Debug)]
pub struct Plan {
    /// Articles applied up to this article-stream sequence.
    pub applied_seq: u64,
    /// Docs of the articles new since the previous commit.
    pub docs: Vec<Doc>,
    /// The new docs the sequencer analysed again, by sequence: they must be where story jobs
    /// read restated docs (see [`StoryJob::restated`]) before the jobs are published.
    pub restated: Vec<(u64, Doc)>,
    /// One job per story to recompute.
    pub jobs: Vec<StoryJob>,
    /// Inputs that could not be extracted.
    pub failures: Vec<(String, String)>,
}

impl Plan {
    /// The updates to publish, given one result per job (in job order): the new docs first (a
    /// follower stores every article before any link or membership that refers to it), then one
    /// update per story, then the failures.
    pub fn into_updates(self, results: Vec<StoryResult>) -> Vec<Update> {
        let applied_seq = self.applied_seq;
        let mut updates = Vec::with_capacity(self.jobs.len() + 2);
        if !self.docs.is_empty() {
            updates.push(Update::Docs {
                applied_seq,
                docs: self.docs,
            });
        }
        for (job, result) in self.jobs.into_iter().zip(results) {
            updates.push(job.into_update(result));
        }
        if !self.failures.is_empty() {
            updates.push(Update::Failures {
                applied_seq,
                failures: self.failures,
            });
        }
        updates
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Preparer;
    use storyfold::{Pipeline, Store};
    use storyfold_model::{RawArticle, RawBody};

    fn raw(id: &str, text: &str) -> RawArticle {
        RawArticle {
            id: ArticleId::from(id),
            source: format!("inline:{id}"),
            body: RawBody::Text(text.into()),
            url: None,
            outlet: Some(format!("Outlet {id}")),
            title: None,
            published: Some("2026-04-02".into()),
            fetched_at: None,
        }
    }

    fn stream() -> Vec<RawArticle> {
        let flood =
            "River Amsel floods Dornbach\n\nThe river Amsel burst its banks in Dornbach on \
            Tuesday, and sixty firefighters pumped water from cellars through the night, the \
            district office said.";
        let mine = "Copper mine strike in Valtro\n\nMiners at the Valtro copper mine walked out \
            on Monday over pay, the union said, halting output at the largest pit in the region.";
        vec![
            raw("flood-1", flood),
            raw("mine-1", mine),
            raw(
                "flood-2",
                &format!("Advertisement\n\n{flood}\n\nCopyright Example."),
            ),
            raw(
                "flood-1",
                "Parish notice\n\nThe bins on Market Square move to Thursdays.",
            ),
            raw("mine-2", mine),
            raw(
                "mine-3",
                "Valtro strike spreads\n\nThe strike at the Valtro copper mine spread \
                to the smelter on Wednesday, the union said, as talks over pay stalled.",
            ),
        ]
    }

    fn membership_of(ledger: &Ledger) -> BTreeMap<ArticleId, StoryId> {
        ledger.story_of.clone()
    }

    #[test]
    fn sequencing_prepared_docs_matches_the_pipeline() {
        let config = PipelineConfig::default();
        let dir = tempfile::tempdir().unwrap();
        let mut pipeline =
            Pipeline::open(Store::open(&dir.path().join("p.db")).unwrap(), &config).unwrap();
        let mut expected = BTreeMap::new();
        for raw in stream() {
            if let Ok(storyfold::Outcome::Added { id, .. }) = pipeline.ingest(raw) {
                expected.insert(id, ());
            }
        }
        pipeline.commit().unwrap();
        let store = pipeline.into_store();
        let preparer = Preparer::new(&config).unwrap();
        let mut sequencer = Sequencer::new(&config).unwrap();
        for (n, raw) in stream().iter().enumerate() {
            sequencer
                .apply(n as u64 + 1, preparer.prepare(raw))
                .unwrap();
        }
        let got = membership_of(sequencer.ledger());
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>()
        );
        for (article, story) in &got {
            let stored = store.story_of(article).unwrap().unwrap();
            assert_eq!(&store.resolve_story(&stored).unwrap().unwrap(), story);
        }
        // The same-id article with another text is renamed, as in the pipeline.
        assert!(got.keys().any(|id| id.as_str().starts_with("flood-1-")));
    }

    #[test]
    fn template_paragraphs_are_learned_in_sequence_order_as_in_the_pipeline() {
        let footer = "Lamplighters on Crane Street keep the old market square bright at dusk.";
        let bodies = [
            "Harbour cranes idle in Portmere\n\nDock workers in Portmere stopped three cranes \
             on Friday after a cable snapped, the port authority said.",
            "Orchard frost in Kellby\n\nA late frost hit apple orchards around Kellby overnight, \
             and growers lit fires between the rows to save the blossom.",
            "Library reopens in Sarnhill\n\nThe Sarnhill library reopened on Monday after a \
             two-year renovation that added a reading garden and a music room.",
            "Bridge toll rises in Ostvale\n\nDrivers crossing the Ostvale bridge will pay more \
             from June, the transport board decided after a long debate.",
        ];
        let stream: Vec<RawArticle> = bodies
            .iter()
            .enumerate()
            .map(|(n, body)| {
                let mut article = raw(&format!("local-{n}"), &format!("{body}\n\n{footer}"));
                article.outlet = Some("Morning Ledger".into());
                article
            })
            .collect();
        let config = PipelineConfig::default();
        let dir = tempfile::tempdir().unwrap();
        let mut pipeline =
            Pipeline::open(Store::open(&dir.path().join("p.db")).unwrap(), &config).unwrap();
        for raw in stream.clone() {
            pipeline.ingest(raw).unwrap();
        }
        pipeline.commit().unwrap();
        let store = pipeline.into_store();
        let preparer = Preparer::new(&config).unwrap();
        let mut sequencer = Sequencer::new(&config).unwrap();
        for (n, raw) in stream.iter().enumerate() {
            sequencer
                .apply(n as u64 + 1, preparer.prepare(raw))
                .unwrap();
        }
        for (article, story) in &sequencer.ledger().story_of {
            let stored = store.story_of(article).unwrap().unwrap();
            assert_eq!(&store.resolve_story(&stored).unwrap().unwrap(), story);
        }
        let plan = sequencer.plan_commit().unwrap();
        // The re-analysed doc goes out with the plan, and the story job names it as restated.
        assert!(plan
            .restated
            .iter()
            .any(|(seq, doc)| *seq == 4 && !doc.text.contains("Lamplighters")));
        assert!(plan.jobs.iter().any(|job| job.restated.contains(&4)));
        let docs = plan.docs;
        assert_eq!(docs.len(), 4);
        // The first sightings are kept; once the outlet has used the footer in three unrelated
        // articles it is template, stripped before analysis.
        assert!(docs[0].text.contains("Lamplighters"), "{}", docs[0].text);
        let last = &docs[3];
        assert!(!last.text.contains("Lamplighters"), "{}", last.text);
        assert!(last.article.boilerplate.iter().any(|p| p == footer));
        assert_eq!(
            last.article.content_hash,
            preparer
                .prepare(&stream[3])
                .doc()
                .unwrap()
                .article
                .content_hash,
            "the stored hash is the input's, as in the pipeline"
        );
    }

    #[test]
    fn dedup_on_a_thread_makes_the_same_decisions_as_inline() {
        let config = PipelineConfig::default();
        let preparer = Preparer::new(&config).unwrap();
        let prepared: Vec<Prepared> = stream().iter().map(|r| preparer.prepare(r)).collect();
        let mut inline = Sequencer::new(&config).unwrap();
        let mut threaded = Sequencer::new(&config).unwrap().dedup_on_thread().unwrap();
        assert!(threaded.dedup_threaded() && !inline.dedup_threaded());
        let mut plans = Vec::new();
        for (n, p) in prepared.iter().enumerate() {
            let seq = n as u64 + 1;
            assert_eq!(
                inline.apply(seq, p.clone()).unwrap(),
                threaded.apply(seq, p.clone()).unwrap()
            );
            // A commit midway and one at the end: each plan reads every link found so far.
            if seq == 3 || seq == prepared.len() as u64 {
                plans.push((
                    inline.plan_commit().unwrap(),
                    threaded.plan_commit().unwrap(),
                ));
                assert_eq!(
                    inline.snapshot_bytes().unwrap(),
                    threaded.snapshot_bytes().unwrap()
                );
            }
        }
        for (a, b) in &plans {
            assert_eq!(
                (a.applied_seq, &a.docs, &a.jobs),
                (b.applied_seq, &b.docs, &b.jobs)
            );
        }
        assert_eq!(
            format!("{:?}", inline.ledger().links),
            format!("{:?}", threaded.ledger().links)
        );
        // A threaded sequencer resumed from a snapshot carries on as the inline one.
        let snapshot: Snapshot =
            serde_json::from_slice(&threaded.snapshot_bytes().unwrap()).unwrap();
        let mut resumed = Sequencer::resume(&config, snapshot)
            .unwrap()
            .dedup_on_thread()
            .unwrap();
        let again = preparer.prepare(&raw(
            "flood-9",
            "Dornbach flood\n\nThe river Amsel burst its banks in Dornbach on Tuesday, and \
             sixty firefighters pumped water from cellars through the night, the district \
             office said. Reprinted with permission.",
        ));
        let next = prepared.len() as u64 + 1;
        assert_eq!(
            inline.apply(next, again.clone()).unwrap(),
            resumed.apply(next, again).unwrap()
        );
        assert_eq!(
            inline.snapshot_bytes().unwrap(),
            resumed.snapshot_bytes().unwrap()
        );
    }

    #[test]
    fn resuming_from_a_snapshot_makes_the_same_decisions() {
        let config = PipelineConfig::default();
        let preparer = Preparer::new(&config).unwrap();
        let prepared: Vec<Prepared> = stream().iter().map(|r| preparer.prepare(r)).collect();
        let mut straight = Sequencer::new(&config).unwrap();
        for (n, p) in prepared.iter().enumerate() {
            straight.apply(n as u64 + 1, p.clone()).unwrap();
        }
        let mut first = Sequencer::new(&config).unwrap();
        for (n, p) in prepared.iter().take(3).enumerate() {
            first.apply(n as u64 + 1, p.clone()).unwrap();
        }
        first.commit().unwrap();
        let snapshot: Snapshot =
            serde_json::from_slice(&serde_json::to_vec(&first.snapshot().unwrap()).unwrap())
                .unwrap();
        let direct: Snapshot = serde_json::from_slice(&first.snapshot_bytes().unwrap()).unwrap();
        let mut resumed = Sequencer::resume(&config, direct).unwrap();
        // The direct encoding restores the same state as the value-tree one (floats may
        // differ in their JSON digits, not in the `f32` they decode to).
        assert_eq!(
            resumed.snapshot_bytes().unwrap(),
            Sequencer::resume(&config, snapshot)
                .unwrap()
                .snapshot_bytes()
                .unwrap(),
            "the direct encoding is the same snapshot"
        );
        assert_eq!(resumed.next_seq(), 4);
        for (n, p) in prepared.iter().enumerate().skip(3) {
            resumed.apply(n as u64 + 1, p.clone()).unwrap();
        }
        assert_eq!(
            membership_of(resumed.ledger()),
            membership_of(straight.ledger())
        );
        // Story recomputation after the resume fetches the docs applied before it.
        let missing = resumed.missing_docs();
        for (id, seq) in missing {
            let doc = prepared[seq as usize - 1].doc().unwrap().clone();
            resumed.supply(id, doc);
        }
        let updates = resumed.commit().unwrap();
        assert!(matches!(updates.first(), Some(Update::Docs { .. })));
        assert!(updates.iter().any(|u| matches!(u, Update::Story(_))));
        assert!(
            resumed.apply(99, prepared[0].clone()).is_err(),
            "out-of-turn sequences are refused"
        );
    }
}
