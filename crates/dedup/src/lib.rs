//! Near-duplicates and who copied whom: `Doc` -> `CopyLink`s.
//!
//! Sits after analyze and before cluster. [`Deduper::observe`] takes each article of an endless
//! stream once and returns the copy links it creates or changes:
//!
//! 1. **Candidates.** The text's words (lower-cased, hashed with xxh3) form shingles of
//!    `shingle_words` words; a MinHash signature of `num_perm` bins (one permutation hashing with
//!    densification: one hash per shingle) is cut into `bands` bands, and the LSH index
//!    (about 15 bytes per article and band) returns earlier articles sharing a band. Exact copies (same
//!    word sequence) are recognised by a 64-bit content hash with no alignment at all.
//! 2. **Alignment.** Each candidate's sentences are aligned with the article's (Dice over words,
//!    greedy one-to-one, any order). A pair is a copy only when aligned sentences cover at least
//!    half of the shorter text and carry real content; shared boilerplate lines never suffice.
//! 3. **Kind.** `verbatim` when >= 90% of the aligned words sit in identical sentences (or the
//!    last one cut short: truncation) and no sentence had a word swapped, cut or added; `spun`
//!    when most really edited sentences differ by scattered swaps of up to three words, or a
//!    quote was altered by such small edits; else `rewrite`.
//! 4. **Direction.** The earlier-published text is the original ([`DirectionRule::EarlierPublished`]);
//!    with equal or missing dates, the more complete one ([`DirectionRule::MoreComplete`]: more
//!    sentences in aligned sentences and in unaligned paragraphs of 18+ words, so boilerplate lines do
//!    not count); failing that, the first to arrive ([`DirectionRule::ArrivalOrder`]).
//!
//! The per-article work that needs no index (words, content hash, signature, band keys) is
//! [`Deduper::sketch`] (`&self`, so it can run on many threads); [`Deduper::observe_sketched`]
//! then does the ordered part and gives exactly what [`Deduper::observe`] gives.
//!
//! Candidates' tokens are kept in a bounded least-recently-used cache
//! ([`DedupConfig::token_cache_articles`]), so a candidate met again is not tokenized again; the
//! cache is a pure memo (same links with any size) and is not part of the saved state.
//!
//! Memory stays flat: the index forgets articles beyond `window_articles` (and, for dated
//! articles, `window_days` behind the newest date seen), and only the last `text_window_articles`
//! texts are kept for alignment (older candidates are linked only when they are exact copies).
//! [`Deduper::state`] is the whole state, serde-serialisable, and [`Deduper::resume`] continues
//! from it with the same answers.
//!
//! ```
//! use storyfold_dedup::{testutil_doc, DedupConfig};
//! use storyfold_model::CopyKind;
//! let story = "The city council approved a new budget on Monday after a long debate. \
//!     The plan raises spending on schools and roads by four percent next year. \
//!     Opponents said the vote was rushed and promised to fight the plan in court.";
//! let mut deduper = DedupConfig::default().build()?;
//! assert!(deduper.observe(&testutil_doc("wire", story, Some("2026-11-20"))).is_empty());
//! let copy = format!("Advertisement\n\n{story}\n\nCopyright 2026 Example News.");
//! let links = deduper.observe(&testutil_doc("site", &copy, Some("2026-11-21")));
//! assert_eq!(links[0].original.as_str(), "wire");
//! assert_eq!(links[0].kind, CopyKind::Verbatim);
//! # Ok::<(), storyfold_dedup::Error>(())
//! ```
#![deny(missing_docs)]

mod align;
mod cache;
pub mod lsh;
pub mod minhash;
mod text;

use align::{AlignParams, Alignment};
use cache::TokenCache;
use lsh::LshIndex;
use minhash::Sketcher;
use std::collections::VecDeque;
use storyfold_model::{AlignedSpan, ArticleId, CopyKind, CopyLink, DirectionRule, Doc, Span};
use text::Tokens;

/// Errors of dedup.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range.
    #[error("invalid dedup config: {0}")]
    Config(String),
    /// Saved state was built with other index parameters than the config asks for.
    #[error("saved dedup state does not match the config: {0}")]
    StateMismatch(String),
}
/// Result of dedup.
pub type Result<T> = std::result::Result<T, Error>;

/// Dedup settings. Defaults are the values measured in `docs/RESULTS.md`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupConfig {
    /// MinHash bins (the "permutations").
    pub num_perm: usize,
    /// LSH bands; `num_perm / bands` rows each. 32 bands of 2 rows give a candidate with
    /// probability 0.95 at Jaccard 0.3 (spun copies) and 0.08 at 0.05 (same-topic articles).
    pub bands: usize,
    /// Words per shingle.
    pub shingle_words: usize,
    /// Hash seed.
    pub seed: u64,
    /// Articles the index remembers (oldest forgotten first).
    pub window_articles: usize,
    /// Dated articles more than this many days before the newest date seen are forgotten
    /// (0: no limit by date).
    pub window_days: u32,
    /// Texts kept for sentence alignment (the most recent articles).
    pub text_window_articles: usize,
    /// Candidates aligned per article at most (most shared bands first).
    pub max_candidates: usize,
    /// Dice similarity at which two sentences align.
    pub min_sentence_similarity: f32,
    /// Share of the shorter text's words that aligned sentences must cover.
    pub min_coverage: f32,
    /// Words aligned, on each side, at least.
    pub min_aligned_words: usize,
    /// Sentences aligned at least.
    pub min_aligned_sentences: usize,
    /// Jaccard similarity of the names and figures in the aligned sentences, at least (so that
    /// articles written on one template about different companies or matches are not copies).
    pub min_specifics_agreement: f32,
    /// Evidence passages per link at most (the longest are kept).
    pub max_evidence_spans: usize,
    /// Articles whose tokens are kept (least recently used first out, at most
    /// `text_window_articles`), so that candidates are not tokenized again on every compare. A
    /// pure cache: links are the same with any value, 0 included. Not saved with the state.
    /// 2048 measured (docs/RESULTS.md, near-duplicates): on a templated 10,000-article stream 16% fewer
    /// instructions than 1024; on a stream of 150-450-word articles about 19 MiB more RSS than
    /// no cache (16 bytes per cached word).
    pub token_cache_articles: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        Self {
            num_perm: 64,
            bands: 32,
            shingle_words: 3,
            seed: 0x5709_f01d,
            window_articles: 100_000,
            window_days: 14,
            text_window_articles: 5_000,
            max_candidates: 32,
            min_sentence_similarity: 0.5,
            min_coverage: 0.5,
            min_aligned_words: 25,
            min_aligned_sentences: 2,
            min_specifics_agreement: 0.6,
            max_evidence_spans: 16,
            token_cache_articles: 2048,
        }
    }
}

impl DedupConfig {
    /// Builds a deduper.
    ///
    /// # Errors
    /// [`Error::Config`] when a value is out of range.
    pub fn build(&self) -> Result<Deduper> {
        self.validate()?;
        let index = LshIndex::new(
            Sketcher::new(self.num_perm, self.shingle_words, self.seed),
            self.bands,
            self.num_perm / self.bands,
        );
        Ok(Deduper {
            config: self.clone(),
            state: DedupState {
                index,
                entries: VecDeque::new(),
                texts: VecDeque::new(),
                newest_day: None,
            },
            cache: self.token_cache(),
        })
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::Config(m.to_string()));
        if self.num_perm == 0 || self.bands == 0 || self.num_perm % self.bands != 0 {
            return bad("num_perm must be a positive multiple of bands");
        }
        if self.num_perm / self.bands > 32 {
            return bad("at most 32 rows per band");
        }
        if self.shingle_words == 0 || self.shingle_words > 16 {
            return bad("shingle_words must be in 1..=16");
        }
        if self.window_articles == 0 || self.window_articles > (1 << 30) {
            return bad("window_articles must be in 1..=2^30");
        }
        if !(0.0..=1.0).contains(&self.min_sentence_similarity)
            || !(0.0..=1.0).contains(&self.min_coverage)
        {
            return bad("similarities and coverage must be in [0, 1]");
        }
        if self.min_aligned_sentences == 0 {
            return bad("min_aligned_sentences must be at least 1");
        }
        Ok(())
    }

    fn token_cache(&self) -> TokenCache {
        TokenCache::new(self.token_cache_articles.min(self.text_window_articles))
    }

    fn align_params(&self) -> AlignParams {
        AlignParams {
            min_sentence_similarity: self.min_sentence_similarity,
            min_coverage: self.min_coverage,
            min_aligned_words: self.min_aligned_words,
            min_aligned_sentences: self.min_aligned_sentences,
        }
    }
}

const NO_DAY: i32 = i32::MIN;
/// Unaligned paragraphs shorter than this are taken for boilerplate lines.
const STORY_PARAGRAPH_WORDS: u32 = 18;
const NO_STAMP: i64 = i64::MIN;
const NO_LINK: u32 = u32::MAX;

/// What the index remembers of one article (about 56 bytes plus the id).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Entry {
    id: ArticleId,
    /// Publication day (days since 1970-01-01), or `NO_DAY`.
    day: i32,
    /// Publication time stamp (seconds), or `NO_STAMP`.
    stamp: i64,
    /// Hash of the word sequence.
    content: u64,
    /// Byte span from the first word's start to the last word's end.
    start: u32,
    end: u32,
    /// Slot of the current original, or `NO_LINK`.
    link: u32,
}

/// The index, as the store saves it: the LSH table (live entries only), what is remembered of each
/// live article, and the texts of the most recent ones.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct DedupState {
    index: LshIndex,
    entries: VecDeque<Entry>,
    /// Texts of the last `texts.len()` entries.
    texts: VecDeque<Box<str>>,
    newest_day: Option<i32>,
}

/// Memory the deduper holds, by part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryStats {
    /// Articles in the index.
    pub articles: usize,
    /// Bytes of the index: bucket table, entries and ids.
    pub index_bytes: usize,
    /// Texts kept for alignment.
    pub texts: usize,
    /// Bytes of those texts.
    pub text_bytes: usize,
    /// Articles whose tokens are cached for alignment.
    pub token_cache_articles: usize,
    /// Bytes of that cache.
    pub token_cache_bytes: usize,
}

/// What [`Deduper::sketch`] computes for one article: its words, content hash and LSH band
/// keys. Opaque; hand it to [`Deduper::observe_sketched`].
#[derive(Clone, Debug)]
pub struct Sketch {
    tokens: Tokens,
    content: u64,
    band_keys: Option<Vec<u32>>,
    /// Index parameters the keys were computed with.
    params: (usize, usize, u64, usize, usize),
    /// Length of the sketched text, a cheap check that the sketch belongs to the doc.
    text_bytes: usize,
}

impl Sketch {
    /// The 64-bit hash of the article's word sequence (equal for exact copies).
    pub fn content_hash(&self) -> u64 {
        self.content
    }

    /// The LSH band keys (empty for a text without words).
    pub fn band_keys(&self) -> &[u32] {
        self.band_keys.as_deref().unwrap_or(&[])
    }
}

/// Finds copies among the articles seen so far.
#[derive(Clone, Debug)]
pub struct Deduper {
    config: DedupConfig,
    state: DedupState,
    cache: TokenCache,
}

/// One article's side of a comparison.
struct Side<'a> {
    slot: u32,
    id: &'a ArticleId,
    day: i32,
    stamp: i64,
    tokens: Option<&'a Tokens>,
    /// Alignment data of the tokens (the new article's only: computed once for all candidates).
    prepared: Option<&'a align::Prepared>,
    span: Span,
}

/// The outcome of comparing the new article with one candidate.
struct Relation {
    candidate: u32,
    new_is_copy: bool,
    kind: CopyKind,
    similarity: f32,
    direction: DirectionRule,
    evidence: Vec<AlignedSpan>,
    /// The original's publication (day, stamp), for choosing among originals.
    original_day: (i32, i64),
}

impl Deduper {
    /// Compares `doc` with the articles in the window, then remembers it. Returns the links this
    /// article created or changed: its own link to an original, or links from earlier-arrived
    /// articles that turn out to copy it (it was published earlier). The caller keeps one link per
    /// copy (the latest wins).
    pub fn observe(&mut self, doc: &Doc) -> Vec<CopyLink> {
        let sketch = self.sketch(doc);
        self.observe_sketched(doc, sketch)
    }

    /// The per-article work of [`Deduper::observe`] that needs no index state: words, content
    /// hash, MinHash signature and band keys. It takes `&self` and touches nothing, so workers
    /// can sketch many articles in parallel and feed [`Deduper::observe_sketched`] in order.
    pub fn sketch(&self, doc: &Doc) -> Sketch {
        let tokens = text::tokenize(&doc.text);
        let hashes: Vec<u64> = tokens.words.iter().map(|w| w.hash).collect();
        Sketch {
            content: minhash::content_hash(&hashes),
            band_keys: self.state.index.band_keys(&hashes),
            params: self.state.index.params(),
            text_bytes: doc.text.len(),
            tokens,
        }
    }

    /// [`Deduper::observe`] with the sketch of `doc` computed beforehand by [`Deduper::sketch`]
    /// (of a deduper with the same config): the same links and the same state as `observe`.
    /// A sketch of another text or config is detected and recomputed, never trusted.
    pub fn observe_sketched(&mut self, doc: &Doc, sketch: Sketch) -> Vec<CopyLink> {
        let sketch =
            if sketch.params == self.state.index.params() && sketch.text_bytes == doc.text.len() {
                sketch
            } else {
                tracing::debug!(article = %doc.article.id, "Sketch does not match; recomputed.");
                self.sketch(doc)
            };
        let Sketch {
            tokens,
            content,
            band_keys,
            ..
        } = sketch;
        let (day, stamp) = publication(doc);
        let (first, last) = tokens.words_span();
        let span = Span::new(first, last);
        let mut found = Vec::new();
        let slot = self
            .state
            .index
            .query_insert_keys_unordered(band_keys.as_deref(), &mut found);
        // Most shared bands first, then the most recent. The key is unique per slot, so selecting
        // the top `max_candidates` (from `found` in any order) and sorting only those by slot
        // gives the candidates and order of a full sort.
        let rank = |&(s, n): &(u32, u32)| (std::cmp::Reverse(n), s.wrapping_sub(slot));
        if found.len() > self.config.max_candidates {
            if self.config.max_candidates > 0 {
                found.select_nth_unstable_by_key(self.config.max_candidates - 1, rank);
            }
            found.truncate(self.config.max_candidates);
        }
        found.sort_by_key(|&(s, _)| s.wrapping_sub(self.state.index.front_slot()));

        for &(cand, _) in &found {
            self.warm_cache(cand, content);
        }
        let prepared = (!found.is_empty()).then(|| align::prepare(&tokens));
        let new_side = Side {
            slot,
            id: &doc.article.id,
            day,
            stamp,
            tokens: Some(&tokens),
            prepared: prepared.as_ref(),
            span,
        };
        let mut relations = Vec::new();
        for &(cand, _) in &found {
            if let Some(r) = self.compare(&new_side, content, cand) {
                relations.push(r);
            }
        }
        if self.config.text_window_articles > 0 {
            self.cache.insert(slot, tokens);
        }
        let mut links = Vec::new();
        let mut own: Option<&Relation> = None;
        for r in relations.iter().filter(|r| r.new_is_copy) {
            let better = match own {
                None => true,
                Some(o) => {
                    (
                        day_key(r.original_day),
                        std::cmp::Reverse(ordered(r.similarity)),
                    ) < (
                        day_key(o.original_day),
                        std::cmp::Reverse(ordered(o.similarity)),
                    )
                }
            };
            if better {
                own = Some(r);
            }
        }
        let own_link = own.map(|r| r.candidate).unwrap_or(NO_LINK);
        if let Some(r) = own {
            let original = self.entry(r.candidate).id.clone();
            links.push(CopyLink {
                copy: doc.article.id.clone(),
                original,
                kind: r.kind,
                similarity: r.similarity,
                direction: r.direction,
                evidence: r.evidence.clone(),
            });
        }
        for r in relations.into_iter().filter(|r| !r.new_is_copy) {
            let current = self.entry(r.candidate).link;
            // A copy keeps its original unless this article was published earlier still; an
            // original already evicted stays (it was older than anything in the window).
            let replace = if current == NO_LINK {
                true
            } else if self.is_live(current) {
                let o = self.entry(current);
                day_key((day, stamp)) < day_key((o.day, o.stamp))
            } else {
                false
            };
            if !replace {
                continue;
            }
            let copy = self.entry(r.candidate).id.clone();
            self.entry_mut(r.candidate).link = slot;
            links.push(CopyLink {
                copy,
                original: doc.article.id.clone(),
                kind: r.kind,
                similarity: r.similarity,
                direction: r.direction,
                evidence: r.evidence,
            });
        }
        self.remember(doc, content, day, stamp, span, own_link);
        let (front, first_with_text) = (
            self.state.index.front_slot(),
            self.state.entries.len() - self.state.texts.len(),
        );
        self.cache
            .trim(|s| s.wrapping_sub(front) as usize >= first_with_text);
        for l in &links {
            tracing::debug!(copy = %l.copy, original = %l.original, kind = l.kind.as_str(), "Copy found.");
        }
        links
    }

    /// The index state, for the store.
    pub fn state(&self) -> &DedupState {
        &self.state
    }

    /// Resumes from saved state.
    ///
    /// # Errors
    /// [`Error::Config`] for a bad config; [`Error::StateMismatch`] when the state was built with
    /// other index parameters.
    pub fn resume(config: &DedupConfig, state: DedupState) -> Result<Self> {
        config.validate()?;
        let want = (
            config.num_perm,
            config.shingle_words,
            config.seed,
            config.bands,
            config.num_perm / config.bands,
        );
        if state.index.params() != want {
            return Err(Error::StateMismatch(format!(
                "saved (bins, shingle words, seed, bands, rows) {:?}, config {:?}",
                state.index.params(),
                want
            )));
        }
        if state.entries.len() != state.index.len() || state.texts.len() > state.entries.len() {
            return Err(Error::StateMismatch("entries and index disagree".into()));
        }
        let mut deduper = Self {
            config: config.clone(),
            cache: config.token_cache(),
            state,
        };
        deduper.evict();
        Ok(deduper)
    }

    /// Memory held, by part.
    pub fn memory(&self) -> MemoryStats {
        let s = &self.state;
        let ids: usize = s.entries.iter().map(|e| e.id.0.capacity()).sum();
        let text_bytes: usize = s.texts.iter().map(|t| t.len()).sum();
        MemoryStats {
            articles: s.entries.len(),
            index_bytes: s.index.memory_bytes()
                + s.entries.capacity() * std::mem::size_of::<Entry>()
                + ids,
            texts: s.texts.len(),
            text_bytes: text_bytes + s.texts.capacity() * std::mem::size_of::<Box<str>>(),
            token_cache_articles: self.cache.len(),
            token_cache_bytes: self.cache.memory_bytes(),
        }
    }

    fn position(&self, slot: u32) -> usize {
        slot.wrapping_sub(self.state.index.front_slot()) as usize
    }

    fn is_live(&self, slot: u32) -> bool {
        slot != NO_LINK && self.position(slot) < self.state.entries.len()
    }

    fn entry(&self, slot: u32) -> &Entry {
        &self.state.entries[self.position(slot)]
    }

    fn entry_mut(&mut self, slot: u32) -> &mut Entry {
        let p = self.position(slot);
        &mut self.state.entries[p]
    }

    fn text(&self, slot: u32) -> Option<&str> {
        let p = self.position(slot);
        let first_with_text = self.state.entries.len() - self.state.texts.len();
        p.checked_sub(first_with_text)
            .and_then(|i| self.state.texts.get(i))
            .map(|t| &**t)
    }

    /// Makes sure the tokens of candidate `cand` are cached when its compare will align texts.
    fn warm_cache(&mut self, cand: u32, content: u64) {
        if !self.is_live(cand) || self.entry(cand).content == content || self.cache.touch(cand) {
            return;
        }
        if let Some(t) = self.text(cand) {
            let tokens = text::tokenize(t);
            self.cache.insert(cand, tokens);
        }
    }

    fn compare(&self, new: &Side<'_>, content: u64, cand: u32) -> Option<Relation> {
        if !self.is_live(cand) {
            return None;
        }
        let e = self.entry(cand);
        let old_tokens;
        let old = Side {
            slot: cand,
            id: &e.id,
            day: e.day,
            stamp: e.stamp,
            tokens: match (self.text(cand), self.cache.get(cand)) {
                (Some(_), Some(cached)) => Some(cached),
                (Some(t), None) => {
                    // Only with a zero-sized cache: warm_cache put every candidate in.
                    old_tokens = text::tokenize(t);
                    Some(&old_tokens)
                }
                (None, _) => None,
            },
            prepared: None,
            span: Span::new(e.start as usize, e.end as usize),
        };
        if e.content == content {
            let (new_is_copy, direction) = direction(new, &old, 0, 0);
            let (copy, original) = if new_is_copy {
                (new.span, old.span)
            } else {
                (old.span, new.span)
            };
            let o = if new_is_copy { &old } else { new };
            return Some(Relation {
                candidate: cand,
                new_is_copy,
                kind: CopyKind::Verbatim,
                similarity: 1.0,
                direction,
                evidence: vec![AlignedSpan {
                    copy,
                    original,
                    similarity: 1.0,
                }],
                original_day: (o.day, o.stamp),
            });
        }
        let (nt, ot) = (new.tokens?, old.tokens?);
        let params = self.config.align_params();
        let al = align::align_prepared(nt, new.prepared?, ot, &params);
        if !al.is_copy(&params)
            || !align::same_specifics(&al, nt, ot, self.config.min_specifics_agreement)
        {
            tracing::trace!(a = %new.id, b = %old.id, pairs = al.pairs.len(), "Not a copy.");
            return None;
        }
        let ((nc, nw), (oc, ow)) = completeness(&al, nt, ot);
        let (new_is_copy, direction) = direction(new, &old, nc, oc);
        let copy_story_words = if new_is_copy { nw } else { ow };
        let edits = align::edits(&al, nt, ot, new_is_copy);
        let o = if new_is_copy { &old } else { new };
        tracing::trace!(new = %new.id, old = %old.id, new_is_copy, nc, oc, nw, ow, pairs = edits.pairs,
            identical = edits.identical_words, aligned = edits.aligned_words, modified = edits.modified,
            substituted = edits.substituted, light = edits.lightly_edited, quotes = edits.altered_quotes,
            swaps = edits.swaps, indels = edits.indels, pairs_with_swaps = edits.pairs_with_swaps,
            max_run = edits.max_run, kind = align::classify(&edits).as_str(), "Edits.");
        Some(Relation {
            candidate: cand,
            new_is_copy,
            kind: align::classify(&edits),
            similarity: align::similarity(&al, nt, ot, new_is_copy, copy_story_words),
            direction,
            evidence: align::evidence(&al, nt, ot, new_is_copy, self.config.max_evidence_spans),
            original_day: (o.day, o.stamp),
        })
    }

    fn remember(&mut self, doc: &Doc, content: u64, day: i32, stamp: i64, span: Span, link: u32) {
        self.state.entries.push_back(Entry {
            id: doc.article.id.clone(),
            day,
            stamp,
            content,
            start: span.start as u32,
            end: span.end as u32,
            link,
        });
        if self.config.text_window_articles > 0 {
            self.state
                .texts
                .push_back(doc.text.clone().into_boxed_str());
        }
        if day != NO_DAY {
            self.state.newest_day = Some(self.state.newest_day.map_or(day, |d| d.max(day)));
        }
        self.evict();
    }

    fn evict(&mut self) {
        let s = &mut self.state;
        while s.texts.len() > self.config.text_window_articles {
            s.texts.pop_front();
        }
        let oldest_day = match (s.newest_day, self.config.window_days) {
            (Some(d), w) if w > 0 => Some(d.saturating_sub(w as i32)),
            _ => None,
        };
        let mut dropped = 0u32;
        while let Some(front) = s.entries.front() {
            let too_many = s.entries.len() > self.config.window_articles;
            let too_old = oldest_day.is_some_and(|o| front.day != NO_DAY && front.day < o);
            if !(too_many || too_old) {
                break;
            }
            s.entries.pop_front();
            if s.texts.len() > s.entries.len() {
                s.texts.pop_front();
            }
            dropped += 1;
        }
        if dropped > 0 {
            let front = s.index.front_slot().wrapping_add(dropped);
            s.index.evict_before(front);
        }
    }
}

/// Publication (day, stamp) of a doc; inferred dates are too coarse to decide direction.
fn publication(doc: &Doc) -> (i32, i64) {
    use chrono::Datelike;
    match &doc.published {
        Some(p) if !p.is_inferred() => (
            p.date.num_days_from_ce() - 719_163,
            p.datetime.map_or(NO_STAMP, |d| d.timestamp()),
        ),
        _ => (NO_DAY, NO_STAMP),
    }
}

/// Sort key: dated before undated, earlier first.
fn day_key((day, stamp): (i32, i64)) -> (bool, i32, i64) {
    (day == NO_DAY, day, stamp)
}

/// Orders non-negative floats by their bits (monotone for x >= 0).
fn ordered(x: f32) -> u32 {
    x.max(0.0).to_bits()
}

/// Which side is the copy, and the rule that decided.
fn direction(
    new: &Side<'_>,
    old: &Side<'_>,
    new_complete: usize,
    old_complete: usize,
) -> (bool, DirectionRule) {
    if new.day != NO_DAY && old.day != NO_DAY {
        let (a, b) = if new.stamp != NO_STAMP && old.stamp != NO_STAMP {
            (new.stamp, old.stamp)
        } else {
            (new.day as i64, old.day as i64)
        };
        if a != b {
            return (a > b, DirectionRule::EarlierPublished);
        }
    }
    if new_complete != old_complete {
        return (new_complete < old_complete, DirectionRule::MoreComplete);
    }
    // The slot order is the arrival order.
    let _ = (new.slot, old.slot);
    (true, DirectionRule::ArrivalOrder)
}

/// Story sentences and their words, per side: aligned sentences, and unaligned sentences in
/// paragraphs of at least `STORY_PARAGRAPH_WORDS` words (a story paragraph, not a boilerplate
/// line such as a newsletter prompt or a copyright notice, which are one short sentence).
fn completeness(al: &Alignment, a: &Tokens, b: &Tokens) -> ((usize, usize), (usize, usize)) {
    let count = |t: &Tokens, aligned: &[bool]| -> (usize, usize) {
        t.sentences
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                s.words.len() >= 4
                    && (aligned[*i]
                        || t.paragraph_words[s.paragraph as usize] >= STORY_PARAGRAPH_WORDS)
            })
            .fold((0, 0), |(n, w), (_, s)| (n + 1, w + s.words.len()))
    };
    let mut fa = vec![false; a.sentences.len()];
    let mut fb = vec![false; b.sentences.len()];
    for p in &al.pairs {
        fa[p.a] = true;
        fb[p.b] = true;
    }
    (count(a, &fa), count(b, &fb))
}

/// A `Doc` for examples and tests: one paragraph per blank-line block, `published` as
/// `YYYY-MM-DD`. Not for production use: real docs come from analyze.
#[doc(hidden)]
pub fn testutil_doc(id: &str, text: &str, published: Option<&str>) -> Doc {
    use storyfold_model::{Article, ContentHash, DateSource, Published};
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let published = published.and_then(|p| Published::parse_iso(p, DateSource::Given));
    let article = Article {
        id: ArticleId::from(id),
        source: id.to_string(),
        url: None,
        outlet: None,
        title: None,
        byline: None,
        published: published.clone(),
        language: Some("en".into()),
        content_hash: ContentHash::of_text(&paragraphs.join("\n\n")),
        paragraphs,
        boilerplate: Vec::new(),
    };
    Doc {
        text: article.text(),
        published,
        article,
        language: Some("en".into()),
        sentences: Vec::new(),
        entities: Vec::new(),
        times: Vec::new(),
        quotes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The regional council approved a sweeping flood defence plan on Tuesday after months of debate over its cost.\n\n\
The plan will raise river walls along eleven kilometres of the valley and build two new pumping stations near the harbour.\n\n\
Council leader Maria Okafor said \"we cannot wait for the next storm to show us what we already know\" before the vote.\n\n\
Opponents argued that the budget of 240 million euros would force cuts to school transport and libraries for a decade.\n\n\
Engineers expect construction to begin next spring and to finish within four years if the national grant arrives on time.\n\n\
Residents of the lower town, flooded twice since 2019, packed the public gallery and cheered when the result was read out.";

    const OTHER: &str = "A technology company unveiled a folding electric bicycle at a trade fair in Milan on Tuesday, aiming at city commuters.\n\n\
The bicycle weighs fourteen kilograms, folds in ten seconds and carries a battery that lasts for roughly sixty kilometres.\n\n\
Its chief executive told reporters the firm plans to open assembly lines in Portugal and Poland over the next two years.\n\n\
Analysts said the market for light electric vehicles in Europe grew by a third last year as fuel prices climbed.\n\n\
The company did not say how much the bicycle will cost when it goes on sale in the autumn.";

    fn doc(id: &str, text: &str, date: Option<&str>) -> Doc {
        testutil_doc(id, text, date)
    }

    fn run(docs: &[Doc]) -> BTreeMapLinks {
        let mut d = DedupConfig::default().build().unwrap();
        let mut out = BTreeMapLinks::new();
        for doc in docs {
            for l in d.observe(doc) {
                out.insert(l.copy.0.clone(), l);
            }
        }
        out
    }

    type BTreeMapLinks = std::collections::BTreeMap<String, CopyLink>;

    fn spun(text: &str) -> String {
        let swaps = [
            ("approved", "endorsed"),
            ("sweeping", "wide-ranging"),
            ("plan", "scheme"),
            ("after", "following"),
            ("months", "moons"),
            ("raise", "lift"),
            ("build", "construct"),
            ("new", "novel"),
            ("said", "stated"),
            ("cannot", "can't"),
            ("storm", "tempest"),
            ("show", "demonstrate"),
            ("argued", "contended"),
            ("force", "compel"),
            ("expect", "anticipate"),
            ("begin", "commence"),
            ("finish", "conclude"),
            ("packed", "filled"),
            ("cheered", "applauded"),
            ("result", "outcome"),
            ("budget", "spending plan"),
            ("arrives", "comes"),
        ];
        text.split(' ')
            .map(|w| {
                let core = w.trim_end_matches(|c: char| !c.is_alphanumeric());
                match swaps.iter().find(|(a, _)| *a == core) {
                    Some((_, b)) => format!("{b}{}", &w[core.len()..]),
                    None => w.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn verbatim_copy_with_boilerplate_and_truncation_links_to_original() {
        let truncated: Vec<&str> = STORY.split("\n\n").take(4).collect();
        let copy = format!(
            "Advertisement\n\nSign up for our newsletter to get the top stories every morning.\n\n{}\n\nCopyright 2026 Example Media. All rights reserved.",
            truncated.join("\n\n")
        );
        let links = run(&[
            doc("wire", STORY, Some("2026-03-01")),
            doc("site", &copy, Some("2026-03-02")),
        ]);
        let l = &links["site"];
        assert_eq!(l.original.as_str(), "wire");
        assert_eq!(l.kind, CopyKind::Verbatim);
        assert_eq!(l.direction, DirectionRule::EarlierPublished);
        assert!(l.similarity > 0.9);
        let ev = &l.evidence[0];
        assert!(ev.copy.slice(&copy).starts_with("The regional council"));
        assert!(ev.original.slice(STORY).starts_with("The regional council"));
    }

    #[test]
    fn exact_copy_is_verbatim_with_similarity_one() {
        let copy = STORY.replace("\n\n", "\n\n\n");
        let links = run(&[doc("a", STORY, None), doc("b", &copy, None)]);
        assert_eq!(links["b"].original.as_str(), "a");
        assert_eq!(links["b"].similarity, 1.0);
        assert_eq!(links["b"].direction, DirectionRule::ArrivalOrder);
    }

    #[test]
    fn rewrite_is_classified_rewrite() {
        let paras: Vec<&str> = STORY.split("\n\n").collect();
        let copy = [
            "Following months of debate over its cost, the regional council approved a sweeping flood defence plan on Tuesday.",
            paras[1],
            paras[2],
            "Meanwhile, opponents argued that the budget of 240 million euros would force cuts to school transport and libraries.",
            paras[4],
            paras[5],
        ]
        .join("\n\n");
        let links = run(&[
            doc("wire", STORY, Some("2026-03-01")),
            doc("rw", &copy, Some("2026-03-01")),
        ]);
        let l = &links["rw"];
        assert_eq!(l.original.as_str(), "wire");
        assert_eq!(l.kind, CopyKind::Rewrite);
    }

    #[test]
    fn spun_copy_with_altered_quote_is_spun() {
        let copy = spun(STORY);
        assert!(copy.contains("\"we can't wait for the next tempest to demonstrate"));
        let links = run(&[
            doc("wire", STORY, Some("2026-03-01")),
            doc("spin", &copy, Some("2026-03-03")),
        ]);
        let l = &links["spin"];
        assert_eq!(l.original.as_str(), "wire");
        assert_eq!(l.kind, CopyKind::Spun);
    }

    #[test]
    fn earlier_published_original_arriving_later_takes_the_link() {
        let copy = format!("{STORY}\n\nRead more: the latest headlines from the region.");
        let links = run(&[
            doc("copy", &copy, Some("2026-03-05")),
            doc("wire", STORY, Some("2026-03-04")),
        ]);
        let l = &links["copy"];
        assert_eq!(l.original.as_str(), "wire");
        assert_eq!(l.direction, DirectionRule::EarlierPublished);
        assert!(!links.contains_key("wire"));
    }

    #[test]
    fn without_dates_the_more_complete_text_is_the_original() {
        let short: Vec<&str> = STORY.split("\n\n").take(4).collect();
        let short = short.join("\n\n");
        // The truncated copy arrives first; the complete text still becomes the original.
        let links = run(&[doc("short", &short, None), doc("full", STORY, None)]);
        let l = &links["short"];
        assert_eq!(l.original.as_str(), "full");
        assert_eq!(l.direction, DirectionRule::MoreComplete);
    }

    #[test]
    fn different_stories_with_shared_boilerplate_are_never_linked() {
        let wrap = |t: &str| {
            format!("Sign up for our newsletter to get the top stories every morning in your inbox.\n\n{t}\n\nCopyright 2026 Example Media Group. All rights reserved. This material may not be published or redistributed.")
        };
        let links = run(&[doc("a", &wrap(STORY), None), doc("b", &wrap(OTHER), None)]);
        assert!(links.is_empty(), "{links:?}");
    }

    #[test]
    fn same_topic_different_articles_are_not_copies() {
        let other_report = "Flood defences dominated the regional council meeting on Tuesday, where members approved a plan worth 240 million euros.\n\n\
Speaking to reporters afterwards, several residents said they still feared the river would rise again this winter.\n\n\
The opposition promised to challenge the cost and said libraries and school buses would pay the price.\n\n\
Work on the river walls and pumping stations is due to start next spring, officials said.";
        let links = run(&[
            doc("a", STORY, Some("2026-03-01")),
            doc("b", other_report, Some("2026-03-01")),
        ]);
        assert!(links.is_empty(), "{links:?}");
    }

    #[test]
    fn state_round_trip_gives_the_same_answers() {
        let config = DedupConfig::default();
        let mut a = config.build().unwrap();
        a.observe(&doc("wire", STORY, Some("2026-03-01")));
        a.observe(&doc("other", OTHER, Some("2026-03-01")));
        let json = serde_json::to_string(a.state()).unwrap();
        let state: DedupState = serde_json::from_str(&json).unwrap();
        let mut b = Deduper::resume(&config, state).unwrap();
        let copy = spun(STORY);
        let la = a.observe(&doc("spin", &copy, Some("2026-03-02")));
        let lb = b.observe(&doc("spin", &copy, Some("2026-03-02")));
        assert_eq!(la, lb);
        assert_eq!(la.len(), 1);
        assert_eq!(
            serde_json::to_string(a.state()).unwrap(),
            serde_json::to_string(b.state()).unwrap()
        );
    }

    #[test]
    fn resume_rejects_state_of_other_parameters() {
        let a = DedupConfig::default().build().unwrap();
        let json = serde_json::to_string(a.state()).unwrap();
        let state: DedupState = serde_json::from_str(&json).unwrap();
        let other = DedupConfig {
            shingle_words: 4,
            ..DedupConfig::default()
        };
        assert!(matches!(
            Deduper::resume(&other, state),
            Err(Error::StateMismatch(_))
        ));
    }

    #[test]
    fn window_eviction_keeps_memory_bounded() {
        let config = DedupConfig {
            window_articles: 50,
            text_window_articles: 10,
            ..DedupConfig::default()
        };
        let mut d = config.build().unwrap();
        for i in 0..500 {
            let text = format!(
                "Report number {i} about item {} and item {} in district {}.",
                i * 7,
                i * 13,
                i % 17
            );
            d.observe(&doc(&format!("d{i}"), &text, None));
        }
        let m = d.memory();
        assert_eq!(m.articles, 50);
        assert_eq!(m.texts, 10);
        // An exact copy of an article whose text is gone but which is still indexed links.
        let links = d.observe(&doc(
            "copy",
            "Report number 460 about item 3220 and item 5980 in district 1.",
            None,
        ));
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].original.as_str(), "d460");
    }

    #[test]
    fn observe_sketched_gives_the_same_links_and_state_as_observe() {
        let truncated: Vec<&str> = STORY.split("\n\n").take(4).collect();
        let docs = [
            doc(
                "copy",
                &format!("{STORY}\n\nRead more headlines."),
                Some("2026-03-02"),
            ),
            doc("wire", STORY, Some("2026-03-01")),
            doc("other", OTHER, None),
            doc("spin", &spun(STORY), Some("2026-03-03")),
            doc("short", &truncated.join("\n\n"), None),
            doc("empty", "...", None),
        ];
        let config = DedupConfig::default();
        let mut plain = config.build().unwrap();
        let mut split = config.build().unwrap();
        // Sketch everything first (as parallel workers would), then observe in order.
        let sketches: Vec<Sketch> = docs.iter().map(|d| split.sketch(d)).collect();
        let mut all = Vec::new();
        for (d, s) in docs.iter().zip(sketches) {
            let a = plain.observe(d);
            let b = split.observe_sketched(d, s);
            assert_eq!(a, b);
            all.extend(a);
        }
        assert!(all.len() >= 3, "{all:?}");
        assert_eq!(
            serde_json::to_string(plain.state()).unwrap(),
            serde_json::to_string(split.state()).unwrap()
        );
    }

    #[test]
    fn sketching_on_many_threads_gives_the_links_of_one_thread() {
        let paras: Vec<&str> = STORY.split("\n\n").chain(OTHER.split("\n\n")).collect();
        let docs: Vec<Doc> = (0..40)
            .map(|i| {
                let text = match i % 4 {
                    0 => spun(STORY),
                    1 => paras[i % paras.len()..].join("\n\n"),
                    2 => format!("Advertisement\n\n{STORY}"),
                    _ => OTHER.to_string(),
                };
                doc(
                    &format!("d{i}"),
                    &text,
                    (i % 3 == 0).then_some("2026-03-01"),
                )
            })
            .collect();
        let config = DedupConfig::default();
        let mut one = config.build().unwrap();
        let serial: Vec<CopyLink> = docs.iter().flat_map(|d| one.observe(d)).collect();
        let mut many = config.build().unwrap();
        let sketches: Vec<Sketch> = std::thread::scope(|scope| {
            let many = &many;
            let handles: Vec<_> = docs
                .chunks(7)
                .map(|chunk| {
                    scope.spawn(move || chunk.iter().map(|d| many.sketch(d)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let parallel: Vec<CopyLink> = docs
            .iter()
            .zip(sketches)
            .flat_map(|(d, s)| many.observe_sketched(d, s))
            .collect();
        assert!(serial.len() >= 20, "{}", serial.len());
        assert_eq!(serial, parallel);
    }

    #[test]
    fn sketch_of_another_config_is_recomputed() {
        let other = DedupConfig {
            shingle_words: 4,
            ..DedupConfig::default()
        };
        let foreign = other.build().unwrap().sketch(&doc("copy", STORY, None));
        let mut d = DedupConfig::default().build().unwrap();
        d.observe(&doc("wire", STORY, None));
        let links = d.observe_sketched(&doc("copy", STORY, None), foreign);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].original.as_str(), "wire");
    }

    /// Issue 5: a text whose trailing clauses were cut inside the story (not at its end) is a
    /// rewrite, not a truncated verbatim copy.
    #[test]
    fn issue_5_clauses_cut_mid_text_are_a_rewrite() {
        let paras: Vec<&str> = STORY.split("\n\n").collect();
        let copy = [
            "The regional council approved a sweeping flood defence plan on Tuesday.",
            paras[1],
            "Council leader Maria Okafor said \"we cannot wait for the next storm to show us what we already know\" before the vote.",
            "Opponents argued that the budget of 240 million euros would force cuts.",
            paras[4],
            paras[5],
        ]
        .join("\n\n");
        let links = run(&[
            doc("wire", STORY, Some("2026-03-01")),
            doc("rw", &copy, Some("2026-03-02")),
        ]);
        assert_eq!(links["rw"].kind, CopyKind::Rewrite);
    }

    /// Issue 5: a spin that swaps only a word or two in a long text is spun, not verbatim.
    #[test]
    fn issue_5_few_word_swaps_are_spun_not_verbatim() {
        let copy = STORY.replacen("approved", "endorsed", 1).replacen(
            "Engineers expect",
            "Engineers anticipate",
            1,
        );
        let links = run(&[
            doc("wire", STORY, Some("2026-03-01")),
            doc("spin", &copy, Some("2026-03-02")),
        ]);
        assert_eq!(links["spin"].kind, CopyKind::Spun);
    }

    /// Issue 5: a quote with one word dropped, the rest of the text unchanged, is spun (quotes
    /// are never altered by a copy-paste or a rewriter).
    #[test]
    fn issue_5_quote_with_a_word_dropped_is_spun() {
        let copy = STORY.replacen("for the next storm", "for next storm", 1);
        let links = run(&[
            doc("wire", STORY, Some("2026-03-01")),
            doc("spin", &copy, Some("2026-03-02")),
        ]);
        assert_eq!(links["spin"].kind, CopyKind::Spun);
    }

    /// Issue 5 / 9: the token cache is a pure memo: any size gives the same links and state.
    #[test]
    fn token_cache_size_does_not_change_links_or_state() {
        let paras: Vec<&str> = STORY.split("\n\n").chain(OTHER.split("\n\n")).collect();
        let docs: Vec<Doc> = (0..60)
            .map(|i| {
                let text = match i % 5 {
                    0 => spun(STORY),
                    1 => paras[i % paras.len()..].join("\n\n"),
                    2 => format!("Advertisement\n\n{STORY}"),
                    3 => format!("{OTHER}\n\nReport {i}."),
                    _ => paras[..(i % paras.len()).max(3)].join("\n\n"),
                };
                doc(
                    &format!("d{i}"),
                    &text,
                    (i % 3 == 0).then_some("2026-03-01"),
                )
            })
            .collect();
        let run_with = |cache: usize| {
            let config = DedupConfig {
                token_cache_articles: cache,
                text_window_articles: 25,
                ..DedupConfig::default()
            };
            let mut d = config.build().unwrap();
            let links: Vec<CopyLink> = docs.iter().flat_map(|x| d.observe(x)).collect();
            let m = d.memory();
            assert!(m.token_cache_articles <= cache.min(25));
            assert_eq!(m.token_cache_bytes == 0, m.token_cache_articles == 0);
            (links, serde_json::to_string(d.state()).unwrap())
        };
        let (links, state) = run_with(0);
        assert!(links.len() >= 30, "{}", links.len());
        for cache in [1, 3, 100] {
            let (l, s) = run_with(cache);
            assert_eq!(l, links, "cache {cache}");
            assert_eq!(s, state, "cache {cache}");
        }
    }

    #[test]
    fn bad_config_is_rejected() {
        let c = DedupConfig {
            bands: 5,
            ..DedupConfig::default()
        };
        assert!(matches!(c.build(), Err(Error::Config(_))));
    }

    proptest::proptest! {
        #[test]
        fn same_input_same_links(seed in 0u64..1000, n in 2usize..8) {
            let paras: Vec<&str> = STORY.split("\n\n").chain(OTHER.split("\n\n")).collect();
            let docs: Vec<Doc> = (0..n)
                .map(|i| {
                    let k = (seed as usize + i * 3) % paras.len();
                    let take: Vec<&str> = paras.iter().cycle().skip(k).take(3 + i % 3).copied().collect();
                    doc(&format!("d{i}"), &take.join("\n\n"), if i % 2 == 0 { Some("2026-03-01") } else { None })
                })
                .collect();
            let run_once = || {
                let mut d = DedupConfig::default().build().unwrap();
                docs.iter().flat_map(|x| d.observe(x)).collect::<Vec<_>>()
            };
            let first = run_once();
            proptest::prop_assert_eq!(&first, &run_once());
            for l in &first {
                let copy = docs.iter().find(|x| x.article.id == l.copy).unwrap();
                for e in &l.evidence {
                    proptest::prop_assert!(e.copy.end <= copy.text.len());
                }
            }
        }
    }
}
