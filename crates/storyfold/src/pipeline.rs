//! The online pipeline: stages wired to the store.
use crate::{Error, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use storyfold_analyze::{AnalyzeConfig, Analyzer};
use storyfold_brief::{BriefConfig, Briefer};
use storyfold_cluster::{ClusterConfig, Clusterer};
use storyfold_corroborate::{CorroborateConfig, Corroborator};
use storyfold_dedup::{DedupConfig, Deduper};
use storyfold_extract::{ExtractConfig, Extractor, TemplateConfig, TemplateLearner};
use storyfold_model::{
    ArticleId, ContentHash, CopyLink, Doc, GroupingReason, RawArticle, Story, StoryId,
};
use storyfold_store::{Batch, Store, StoredStory};

/// Settings of every stage, and how often the pipeline commits.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    /// Extraction.
    pub extract: ExtractConfig,
    /// Cross-document boilerplate learned as articles arrive.
    pub templates: TemplateConfig,
    /// Analysis.
    pub analyze: AnalyzeConfig,
    /// Near-duplicates.
    pub dedup: DedupConfig,
    /// Clustering.
    pub cluster: ClusterConfig,
    /// Corroboration.
    pub corroborate: CorroborateConfig,
    /// Brief.
    pub brief: BriefConfig,
    /// Articles per transaction in batch runs: larger batches amortise story recomputation and
    /// state saves, smaller ones lose less to a crash.
    pub batch_articles: usize,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            extract: ExtractConfig::default(),
            templates: TemplateConfig::default(),
            analyze: AnalyzeConfig::default(),
            dedup: DedupConfig::default(),
            cluster: ClusterConfig::default(),
            corroborate: CorroborateConfig::default(),
            brief: BriefConfig::default(),
            batch_articles: 500,
        }
    }
}

/// What happened to one ingested article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// New: analysed, deduplicated and clustered.
    Added {
        /// Its id (the given id, or a disambiguated one if that id was taken).
        id: ArticleId,
        /// The story it joined or started.
        story: StoryId,
    },
    /// The same text is already stored (or pending in this batch): nothing changed.
    AlreadyStored {
        /// The stored article's id.
        id: ArticleId,
    },
}

/// What one commit wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Committed {
    /// New articles written.
    pub articles: usize,
    /// Stories recomputed.
    pub stories: usize,
    /// Articles in the store after the commit.
    pub total_articles: usize,
}

const STATE_TEMPLATES: &str = "templates";
const STATE_DEDUP: &str = "dedup";
const STATE_CLUSTER: &str = "cluster";

/// The pipeline over a store.
pub struct Pipeline {
    store: Store,
    extractor: Extractor,
    templates: TemplateLearner,
    analyzer: Analyzer,
    deduper: Deduper,
    clusterer: Clusterer,
    corroborator: Corroborator,
    briefer: Briefer,
    batch_articles: usize,
    pending: Pending,
}

/// What the current batch holds before it is committed.
#[derive(Default)]
struct Pending {
    docs: Vec<Doc>,
    hashes: BTreeMap<ContentHash, ArticleId>,
    ids: BTreeSet<ArticleId>,
    links: BTreeMap<ArticleId, CopyLink>,
    members: BTreeMap<ArticleId, (StoryId, GroupingReason)>,
    merges: Vec<(StoryId, StoryId)>,
    touched: BTreeSet<StoryId>,
    failures: Vec<(String, String)>,
}

impl Pipeline {
    /// Builds every stage, resuming the online ones from the state saved in `store`.
    ///
    /// # Errors
    /// When a stage's configuration is invalid or its saved state unreadable.
    pub fn open(store: Store, config: &PipelineConfig) -> Result<Self> {
        let config_error = |stage: &'static str| {
            move |e: &dyn std::fmt::Display| Error::Config {
                stage,
                message: e.to_string(),
            }
        };
        let templates = match store.load_state(STATE_TEMPLATES)? {
            Some(state) => TemplateLearner::resume(&config.templates, state),
            None => config.templates.build(),
        }
        .map_err(|e| config_error("templates")(&e))?;
        let deduper = match store.load_state(STATE_DEDUP)? {
            Some(state) => Deduper::resume(&config.dedup, state),
            None => config.dedup.build(),
        }
        .map_err(|e| config_error("dedup")(&e))?;
        let clusterer = match store.load_state(STATE_CLUSTER)? {
            Some(state) => Clusterer::resume(&config.cluster, state),
            None => config.cluster.build(),
        }
        .map_err(|e| config_error("cluster")(&e))?;
        Ok(Self {
            extractor: config
                .extract
                .build()
                .map_err(|e| config_error("extract")(&e))?,
            analyzer: config
                .analyze
                .build()
                .map_err(|e| config_error("analyze")(&e))?,
            corroborator: config
                .corroborate
                .build()
                .map_err(|e| config_error("corroborate")(&e))?,
            briefer: config
                .brief
                .build()
                .map_err(|e| config_error("brief")(&e))?,
            templates,
            deduper,
            clusterer,
            batch_articles: config.batch_articles.max(1),
            store,
            pending: Pending::default(),
        })
    }

    /// Attaches a sentence-embedding model to the clusterer (the `embed` feature of
    /// `storyfold-cluster`; pair it with `ClusterConfig::with_embedding()` in
    /// [`PipelineConfig::cluster`]). Off unless called.
    pub fn with_embedder(
        mut self,
        embedder: std::sync::Arc<dyn storyfold_cluster::Embedder>,
    ) -> Self {
        self.clusterer.set_embedder(embedder);
        self
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Gives the store back.
    pub fn into_store(self) -> Store {
        self.store
    }

    /// Whether the current batch is full and should be committed.
    pub fn batch_full(&self) -> bool {
        self.pending.docs.len() >= self.batch_articles
    }

    /// Runs one article through extract, analyze, dedup and cluster. Nothing is written until
    /// [`Pipeline::commit`].
    ///
    /// # Errors
    /// [`Error::Extract`] when the article has no usable text (record it with
    /// [`Pipeline::record_failure`] and go on); [`Error::Store`] when the store fails.
    pub fn ingest(&mut self, raw: RawArticle) -> Result<Outcome> {
        let article = self
            .extractor
            .extract(&raw)
            .map_err(|source| Error::Extract {
                input: raw.source.clone(),
                source,
            })?;
        if let Some(id) = self.known_hash(&article.content_hash)? {
            tracing::debug!(article = %id, "Skipped: already stored.");
            return Ok(Outcome::AlreadyStored { id });
        }
        // The input's identity is its extracted text: stripping what the learner knows today
        // must not make tomorrow's re-ingest of the same input look new.
        let input_hash = article.content_hash.clone();
        let mut article = self.templates.process(article);
        article.content_hash = input_hash;
        article.id = self.free_id(&article.id, &article.content_hash)?;
        let doc = self.analyzer.analyze(article);
        let id = doc.article.id.clone();
        for link in self.deduper.observe(&doc) {
            self.pending.links.insert(link.copy.clone(), link);
        }
        let update = self.clusterer.observe(&doc);
        for absorbed in &update.merged {
            self.pending
                .merges
                .push((absorbed.clone(), update.story.clone()));
            self.pending.touched.remove(absorbed);
            for (story, _) in self.pending.members.values_mut() {
                if story == absorbed {
                    *story = update.story.clone();
                }
            }
        }
        self.pending.touched.insert(update.story.clone());
        self.pending
            .members
            .insert(id.clone(), (update.story.clone(), update.reason));
        self.pending
            .hashes
            .insert(doc.article.content_hash.clone(), id.clone());
        self.pending.ids.insert(id.clone());
        self.pending.docs.push(doc);
        tracing::debug!(article = %id, story = %update.story, "Ingested.");
        Ok(Outcome::Added {
            id,
            story: update.story,
        })
    }

    /// Records an input that could not be ingested, so the store keeps an audit of it.
    pub fn record_failure(&mut self, input: &str, reason: &str) {
        self.pending
            .failures
            .push((input.to_string(), reason.to_string()));
    }

    fn known_hash(&self, hash: &ContentHash) -> Result<Option<ArticleId>> {
        if let Some(id) = self.pending.hashes.get(hash) {
            return Ok(Some(id.clone()));
        }
        Ok(self.store.article_by_hash(hash)?)
    }

    /// The id to store a new article under: its own, unless another text already uses it.
    fn free_id(&self, id: &ArticleId, hash: &ContentHash) -> Result<ArticleId> {
        let taken = |candidate: &ArticleId| -> Result<bool> {
            Ok(self.pending.ids.contains(candidate) || self.store.has_article(candidate)?)
        };
        if !taken(id)? {
            return Ok(id.clone());
        }
        let mut candidate = ArticleId(format!("{id}-{}", &hash.as_str()[..8]));
        let mut counter = 2;
        while taken(&candidate)? {
            candidate = ArticleId(format!("{id}-{}-{counter}", &hash.as_str()[..8]));
            counter += 1;
        }
        Ok(candidate)
    }

    /// Recomputes the stories this batch touched (claims, quotes, timeline, brief) and writes
    /// the batch, the stories and the stage states in one transaction.
    ///
    /// # Errors
    /// When the store fails; the batch is then not written, and stays pending.
    pub fn commit(&mut self) -> Result<Committed> {
        if self.pending.docs.is_empty() && self.pending.failures.is_empty() {
            return Ok(Committed {
                total_articles: self.store.article_count()?,
                ..Committed::default()
            });
        }
        let stories = self.recompute_stories()?;
        let mut batch = Batch {
            docs: std::mem::take(&mut self.pending.docs),
            links: self.pending.links.values().cloned().collect(),
            members: self
                .pending
                .members
                .iter()
                .map(|(article, (story, reason))| (article.clone(), story.clone(), reason.clone()))
                .collect(),
            merges: self.pending.merges.clone(),
            stories,
            states: Vec::new(),
            failures: std::mem::take(&mut self.pending.failures),
        };
        batch.states = vec![
            (
                STATE_TEMPLATES.into(),
                state_json(STATE_TEMPLATES, self.templates.state())?,
            ),
            (
                STATE_DEDUP.into(),
                state_json(STATE_DEDUP, self.deduper.state())?,
            ),
            (
                STATE_CLUSTER.into(),
                state_json(STATE_CLUSTER, self.clusterer.state())?,
            ),
        ];
        if let Err(error) = self.store.commit(&batch) {
            // Keep the batch so a caller may retry; nothing of it was written.
            self.pending.docs = batch.docs;
            self.pending.failures = batch.failures;
            return Err(error.into());
        }
        let committed = Committed {
            articles: batch.docs.len(),
            stories: batch.stories.len(),
            total_articles: self.store.article_count()?,
        };
        self.pending = Pending::default();
        tracing::info!(
            articles = committed.articles,
            stories = committed.stories,
            total = committed.total_articles,
            "Committed batch."
        );
        Ok(committed)
    }

    /// Resolves a story id through the merges of the pending batch.
    fn survivor(&self, story: &StoryId) -> StoryId {
        let mut current = story.clone();
        for (absorbed, survivor) in &self.pending.merges {
            if *absorbed == current {
                current = survivor.clone();
            }
        }
        current
    }

    fn recompute_stories(&self) -> Result<Vec<StoredStory>> {
        let touched: BTreeSet<StoryId> = self
            .pending
            .touched
            .iter()
            .map(|s| self.survivor(s))
            .collect();
        let mut out = Vec::with_capacity(touched.len());
        for story_id in touched {
            // Committed members of the story and of every story merged into it this batch.
            let mut sources = vec![story_id.clone()];
            let mut aliases = Vec::new();
            for (absorbed, _) in &self.pending.merges {
                if self.survivor(absorbed) == story_id {
                    sources.push(absorbed.clone());
                    aliases.push(absorbed.clone());
                }
            }
            for source in &sources {
                if let Some(stored) = self.store.story(source)? {
                    aliases.extend(stored.story.aliases);
                }
            }
            let mut members = self.store.members(&sources)?;
            members.retain(|(article, _)| !self.pending.members.contains_key(article));
            let mut docs = Vec::with_capacity(members.len());
            let ids: Vec<ArticleId> = members.iter().map(|(a, _)| a.clone()).collect();
            docs.extend(self.store.docs(&ids)?);
            let mut reasons: Vec<GroupingReason> = members.into_iter().map(|(_, r)| r).collect();
            for doc in &self.pending.docs {
                if let Some((story, reason)) = self.pending.members.get(&doc.article.id) {
                    if self.survivor(story) == story_id {
                        docs.push(doc.clone());
                        reasons.push(reason.clone());
                    }
                }
            }
            let links = self.links_among(&docs)?;
            aliases.sort();
            aliases.dedup();
            let story = assemble_story(story_id, aliases, &docs, &links, reasons);
            let mut corroboration = self.corroborator.corroborate(&story, &docs, &links);
            corroboration.copy_links = links;
            let brief = self.briefer.brief(&story, &docs, &corroboration);
            out.push(StoredStory {
                story,
                corroboration,
                brief,
            });
        }
        Ok(out)
    }

    /// Copy links whose copy and original are both among `docs` (pending links win).
    fn links_among(&self, docs: &[Doc]) -> Result<Vec<CopyLink>> {
        let members: BTreeSet<&ArticleId> = docs.iter().map(|d| &d.article.id).collect();
        let mut links = Vec::new();
        for doc in docs {
            let id = &doc.article.id;
            let link = match self.pending.links.get(id) {
                Some(link) => Some(link.clone()),
                None => self.store.link_of(id)?,
            };
            if let Some(link) = link.filter(|l| members.contains(&l.original)) {
                links.push(link);
            }
        }
        Ok(links)
    }
}

fn state_json<T: serde::Serialize>(stage: &'static str, state: &T) -> Result<serde_json::Value> {
    serde_json::to_value(state).map_err(|source| Error::State { stage, source })
}

/// Builds the story record from its members: the headline of its earliest original, and the
/// span of publication dates. Public so that every shell that commits stories (the NATS
/// sequencer too) builds them the same way.
pub fn assemble_story(
    id: StoryId,
    aliases: Vec<StoryId>,
    docs: &[Doc],
    links: &[CopyLink],
    reasons: Vec<GroupingReason>,
) -> Story {
    let copies: BTreeSet<&ArticleId> = links.iter().map(|l| &l.copy).collect();
    let dates: Vec<String> = docs
        .iter()
        .filter_map(|d| d.published.as_ref().map(|p| p.iso_date()))
        .collect();
    let headline = |doc: &Doc| doc.article.title.clone().filter(|t| !t.trim().is_empty());
    let title = docs
        .iter()
        .filter(|d| !copies.contains(&d.article.id))
        .min_by_key(|d| d.published.as_ref().map(|p| p.date))
        .and_then(headline)
        .or_else(|| docs.iter().find_map(headline))
        .or_else(|| docs.first().map(|d| first_words(d.sentence_text(0), 12)))
        .unwrap_or_default();
    Story {
        id,
        aliases,
        articles: docs.iter().map(|d| d.article.id.clone()).collect(),
        title,
        first_seen: dates.iter().min().cloned(),
        last_seen: dates.iter().max().cloned(),
        reasons,
    }
}

fn first_words(text: &str, count: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().take(count + 1).collect();
    if words.len() > count {
        format!("{}…", words[..count].join(" "))
    } else {
        words.join(" ")
    }
}
