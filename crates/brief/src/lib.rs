//! The brief: a story's corroboration -> 5 to 10 cited sentences, each checked against the
//! passages it cites. Sits last in the pipeline, after corroborate.
//!
//! - **Candidates** are the story's claims (never a contradicted one: the claims table shows
//!   the disagreement), in the wording of the earliest original that carries them, when that
//!   wording reads as a sentence on its own (capital start, final stop, not a question, not
//!   too short or long).
//! - **Selection** is greedy: a claim's score grows with its independent sources, its outlets,
//!   a place near the top of its article (where news puts the essentials) and the names,
//!   numbers and dates it carries, and is scaled by the share of its content words no chosen
//!   sentence has yet (coverage, not repetition). After `min_sentences`, only corroborated
//!   claims are added, up to `max_sentences`.
//! - **Citations**: every article carrying the claim is cited with its passage when that
//!   passage has the sentence's numbers and dates and most of its words and names.
//! - **Check**: the sentence's every number, name, date word and content word must occur in the
//!   cited passages ([`check`]); a sentence that fails is dropped, never shown.
//!
//! ```
//! use storyfold_brief::BriefConfig;
//! use storyfold_corroborate::CorroborateConfig;
//! use storyfold_model::{Article, ContentHash, Doc, Sentence, Span, Story, StoryId};
//!
//! fn doc(id: &str, text: &str) -> Doc {
//!     let article = Article {
//!         id: id.into(), source: "example".into(), url: None, outlet: None, title: None,
//!         byline: None, published: None, language: None, paragraphs: vec![text.into()],
//!         boilerplate: vec![], content_hash: ContentHash::of_text(text),
//!     };
//!     Doc {
//!         article, text: text.into(), language: None, published: None,
//!         sentences: vec![Sentence { span: Span::new(0, text.len()), paragraph: 0 }],
//!         entities: vec![], times: vec![], quotes: vec![],
//!     }
//! }
//! let docs = vec![
//!     doc("a", "The harbour bridge reopened after three weeks of repairs."),
//!     doc("b", "After three weeks of repairs the harbour bridge has reopened."),
//! ];
//! let story = Story {
//!     id: StoryId::from("s-1"), aliases: vec![], articles: vec!["a".into(), "b".into()],
//!     title: "Bridge".into(), first_seen: None, last_seen: None, reasons: vec![],
//! };
//! let corroboration = CorroborateConfig::default().build().unwrap().corroborate(&story, &docs, &[]);
//! let brief = BriefConfig::default().build().unwrap().brief(&story, &docs, &corroboration);
//! assert_eq!(brief.sentences.len(), 1);
//! assert_eq!(brief.sentences[0].articles.len(), 2);
//! assert!(storyfold_brief::check(&brief.sentences[0].text, &brief.sentences[0].support).is_ok());
//! ```
#![deny(missing_docs)]
mod check;

pub use check::{check, Facts, Unsupported};
use std::collections::{BTreeMap, BTreeSet};
use storyfold_corroborate::dates::{time_interval, Interval};
use storyfold_corroborate::terms::StemCache;
use storyfold_model::text::{normalize_whitespace, words};
use storyfold_model::{
    Brief, BriefSentence, Claim, ClaimSpan, ClaimStatus, Corroboration, Doc, Story, SupportSpan,
};
use tracing::debug;

/// Errors of the brief.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range.
    #[error("invalid brief config: {0}")]
    Config(String),
}
/// Result of the brief.
pub type Result<T> = std::result::Result<T, Error>;

/// Brief settings. Defaults follow issue 7 (5 to 10 sentences) and were checked on the
/// project's examples (see docs/RESULTS.md).
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BriefConfig {
    /// Sentences to reach before only corroborated claims are added (fewer when the story
    /// has fewer usable claims).
    pub min_sentences: usize,
    /// Most sentences.
    pub max_sentences: usize,
    /// Shortest sentence, in words.
    pub min_words: usize,
    /// Longest sentence, in words.
    pub max_words: usize,
    /// Share of a candidate's content words not yet in the brief below which it is a repeat.
    pub min_novelty: f32,
    /// Share of the sentence's words and names a passage must have to be cited (its numbers
    /// and dates it must have all of).
    pub min_citation_coverage: f32,
}

impl Default for BriefConfig {
    fn default() -> Self {
        Self {
            min_sentences: 5,
            max_sentences: 10,
            min_words: 6,
            max_words: 55,
            min_novelty: 0.4,
            min_citation_coverage: 0.6,
        }
    }
}

impl BriefConfig {
    /// Builds a briefer.
    ///
    /// # Errors
    /// [`Error::Config`] when the sentence counts are zero or out of order, or a share is
    /// outside [0, 1].
    pub fn build(&self) -> Result<Briefer> {
        if self.max_sentences == 0 || self.min_sentences > self.max_sentences {
            return Err(Error::Config(format!(
                "need 0 < min_sentences <= max_sentences, got {} and {}",
                self.min_sentences, self.max_sentences
            )));
        }
        if self.min_words > self.max_words {
            return Err(Error::Config("min_words must not exceed max_words".into()));
        }
        for (name, value) in [
            ("min_novelty", self.min_novelty),
            ("min_citation_coverage", self.min_citation_coverage),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(Error::Config(format!(
                    "{name} must be in [0, 1], got {value}"
                )));
            }
        }
        Ok(Briefer {
            config: self.clone(),
        })
    }
}

/// Writes briefs.
#[derive(Clone, Debug)]
pub struct Briefer {
    config: BriefConfig,
}

/// Words that open a sentence which leans on the one before it.
const DEPENDENT_OPENERS: &[&str] = &[
    "also", "and", "but", "he", "her", "his", "it", "its", "she", "that", "their", "these", "they",
    "this", "those", "we",
];

/// A claim that could open a brief sentence.
struct Candidate<'a> {
    claim: usize,
    /// The sentence as shown.
    text: String,
    /// The representative passage.
    passage: &'a ClaimSpan,
    /// Content stems (names, words and numbers) for coverage.
    stems: BTreeSet<String>,
    score: f32,
}

/// The facts of one passage of an article, with its dates read from the analysis.
struct PassageFacts {
    facts: Facts,
    dates: Vec<Interval>,
}

fn passage_facts(doc: Option<&Doc>, passage: &ClaimSpan, stems: &mut StemCache) -> PassageFacts {
    let mut text = passage.text.clone();
    let mut dates = Vec::new();
    if let Some(doc) = doc {
        for time in doc.times.iter().filter(|t| passage.span.contains(&t.span)) {
            let Some(interval) = time_interval(time) else {
                continue;
            };
            dates.push(interval);
            // The date is compared by value; its words ("Monday", "16") are not asked of the
            // other passages, which may write the same day differently.
            let (s, e) = (
                time.span.start - passage.span.start,
                time.span.end - passage.span.start,
            );
            if let Some(piece) = text.get(s..e) {
                let blank = " ".repeat(piece.len());
                text.replace_range(s..e, &blank);
            }
        }
    }
    PassageFacts {
        facts: Facts::of(&text, stems),
        dates,
    }
}

/// Whether `passage` says enough of what `sentence` says to be cited for it.
fn supports(sentence: &PassageFacts, passage: &PassageFacts, min_coverage: f32) -> bool {
    let numbers_ok = sentence
        .facts
        .numbers
        .iter()
        .all(|n| passage.facts.numbers.contains(n));
    let dates_ok = sentence
        .dates
        .iter()
        .all(|d| passage.dates.iter().any(|p| p.overlaps(d)));
    let wanted: BTreeSet<&String> = sentence.facts.words.union(&sentence.facts.names).collect();
    let have = wanted
        .iter()
        .filter(|w| passage.facts.words.contains(**w) || passage.facts.names.contains(**w))
        .count();
    let coverage = if wanted.is_empty() {
        1.0
    } else {
        have as f32 / wanted.len() as f32
    };
    numbers_ok && dates_ok && coverage >= min_coverage
}

/// Drops a leading dateline ("KELMOUTH (MPA) — "): a short prefix in capitals before a dash.
fn strip_dateline(text: &str) -> &str {
    for dash in [" — ", " – ", " - ", " -- "] {
        let Some(at) = text.find(dash) else {
            continue;
        };
        let head = &text[..at];
        let first = words(head).next().map(|w| w.text).unwrap_or("");
        let shouting = first.chars().count() >= 3
            && first
                .chars()
                .all(|c| !c.is_alphabetic() || c.is_uppercase());
        if shouting && words(head).count() <= 6 {
            return text[at + dash.len()..].trim_start();
        }
    }
    text
}

/// Whether a wording reads as a sentence of its own.
fn reads_as_sentence(text: &str, config: &BriefConfig) -> bool {
    let n = words(text).count();
    let first = text.chars().next();
    let opens = first.is_some_and(|c| c.is_uppercase() || matches!(c, '“' | '"' | '‘' | '\''));
    let closing: &[char] = &['"', '”', '’', '\'', ')'];
    let ends = text.trim_end_matches(closing).ends_with(['.', '!']);
    let lower = text.to_lowercase();
    let boilerplate = ["http", "www.", "@", "copyright", "©", "subscribe", "click"]
        .iter()
        .any(|b| lower.contains(b));
    opens && ends && !boilerplate && (config.min_words..=config.max_words).contains(&n)
}

impl Briefer {
    /// The brief of one story. `docs` are the story's articles; `corroboration` is what
    /// corroborate found in them.
    pub fn brief(&self, story: &Story, docs: &[Doc], corroboration: &Corroboration) -> Brief {
        let config = &self.config;
        let by_id: BTreeMap<&str, &Doc> = docs.iter().map(|d| (d.article.id.as_str(), d)).collect();
        let mut stems = StemCache::default();
        let candidates: Vec<Candidate> = corroboration
            .claims
            .iter()
            .enumerate()
            .filter_map(|(index, claim)| self.candidate(index, claim, &by_id, &mut stems))
            .collect();

        // Greedy selection for coverage: each round takes the best score times novelty.
        let mut chosen: Vec<usize> = Vec::new();
        let mut covered: BTreeSet<String> = BTreeSet::new();
        while chosen.len() < config.max_sentences {
            let mut best: Option<(f32, usize)> = None;
            for (i, c) in candidates.iter().enumerate() {
                if chosen.contains(&i) {
                    continue;
                }
                let claim = &corroboration.claims[c.claim];
                if chosen.len() >= config.min_sentences && claim.status != ClaimStatus::Corroborated
                {
                    continue;
                }
                let fresh = c.stems.iter().filter(|s| !covered.contains(*s)).count();
                let novelty = fresh as f32 / c.stems.len().max(1) as f32;
                if novelty < config.min_novelty {
                    continue;
                }
                let value = c.score * novelty;
                if best.is_none_or(|(v, _)| value > v) {
                    best = Some((value, i));
                }
            }
            let Some((_, i)) = best else {
                break;
            };
            covered.extend(candidates[i].stems.iter().cloned());
            chosen.push(i);
        }
        // Reading order: the story order of the claims.
        chosen.sort_by_key(|&i| candidates[i].claim);

        let mut sentences = Vec::with_capacity(chosen.len());
        for i in chosen {
            let c = &candidates[i];
            let claim = &corroboration.claims[c.claim];
            let sentence = self.cite(c, claim, &by_id, &mut stems);
            match check(&sentence.text, &sentence.support) {
                Ok(()) => sentences.push(sentence),
                Err(why) => debug!(
                    story = %story.id,
                    claim = c.claim,
                    reason = ?why,
                    "Dropped a brief sentence its passages do not support."
                ),
            }
        }
        debug!(story = %story.id, sentences = sentences.len(), "Wrote brief.");
        Brief { sentences }
    }

    fn candidate<'a>(
        &self,
        index: usize,
        claim: &'a Claim,
        by_id: &BTreeMap<&str, &Doc>,
        stems: &mut StemCache,
    ) -> Option<Candidate<'a>> {
        if claim.status == ClaimStatus::Contradicted {
            return None;
        }
        let passage = claim
            .spans
            .iter()
            .find(|s| normalize_whitespace(&s.text) == claim.text)
            .or_else(|| claim.spans.first())?;
        let text = strip_dateline(&normalize_whitespace(&passage.text)).to_string();
        if !reads_as_sentence(&text, &self.config) {
            return None;
        }
        let facts = Facts::of(&text, stems);
        let stems_of: BTreeSet<String> = facts
            .words
            .iter()
            .chain(&facts.names)
            .chain(&facts.numbers)
            .cloned()
            .collect();
        if stems_of.len() < 3 {
            return None;
        }
        let doc = by_id.get(passage.article.as_str()).copied();
        // Position of the passage in its article: news puts the essentials first.
        let position = doc
            .map(|d| {
                d.sentences
                    .partition_point(|s| s.span.end <= passage.span.start)
            })
            .unwrap_or(usize::MAX);
        let lead = match position {
            0 => 1.5,
            1..=2 => 1.0,
            3..=5 => 0.5,
            _ => 0.0,
        };
        let dated = doc.map_or(0, |d| {
            d.times
                .iter()
                .filter(|t| passage.span.contains(&t.span))
                .count()
        });
        let detail = (0.2 * (facts.names.len() + facts.numbers.len() + dated) as f32).min(1.0);
        let opener = words(&text)
            .next()
            .map(|w| w.text.to_lowercase())
            .unwrap_or_default();
        let dependent = if DEPENDENT_OPENERS.contains(&opener.as_str()) {
            1.5
        } else {
            0.0
        };
        // Mostly quoted words: colour rather than fact; keep them for when facts run out.
        let quoted = doc.map_or(0, |d| {
            d.quotes
                .iter()
                .filter(|q| passage.span.contains(&q.span))
                .map(|q| q.span.len())
                .sum::<usize>()
        });
        let quote_penalty = if quoted * 2 > passage.span.len() {
            0.75
        } else {
            0.0
        };
        let sources = claim.independent_sources.min(4) as f32;
        let outlets = (claim.articles.len() as f32).ln_1p().min(2.0);
        let score =
            (1.5 * sources + 0.5 * outlets + lead + detail - dependent - quote_penalty).max(0.1);
        Some(Candidate {
            claim: index,
            text,
            passage,
            stems: stems_of,
            score,
        })
    }

    fn cite(
        &self,
        candidate: &Candidate,
        claim: &Claim,
        by_id: &BTreeMap<&str, &Doc>,
        stems: &mut StemCache,
    ) -> BriefSentence {
        let doc_of = |id: &str| by_id.get(id).copied();
        let sentence = passage_facts(
            doc_of(candidate.passage.article.as_str()),
            candidate.passage,
            stems,
        );
        // The best passage of each article (a claim may be repeated within one).
        let mut cited: Vec<(&ClaimSpan, bool)> = Vec::new();
        for span in &claim.spans {
            if std::ptr::eq(span, candidate.passage) {
                cited.push((span, true));
                continue;
            }
            if cited.iter().any(|(c, _)| c.article == span.article) {
                continue;
            }
            let facts = passage_facts(doc_of(span.article.as_str()), span, stems);
            if supports(&sentence, &facts, self.config.min_citation_coverage) {
                cited.push((span, false));
            }
        }
        // One passage per article; the representative's own article keeps the representative.
        let representative_article = &candidate.passage.article;
        cited.retain(|(c, is_rep)| *is_rep || c.article != *representative_article);
        let mut support: Vec<SupportSpan> = cited
            .iter()
            .map(|(c, _)| SupportSpan {
                article: c.article.clone(),
                span: c.span,
                text: c.text.clone(),
            })
            .collect();
        // Story order of the claim's articles.
        let order: BTreeMap<&str, usize> = claim
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.as_str(), i))
            .collect();
        support.sort_by_key(|s| (order.get(s.article.as_str()).copied(), s.span.start));
        BriefSentence {
            text: candidate.text.clone(),
            articles: support.iter().map(|s| s.article.clone()).collect(),
            support,
        }
    }
}

#[cfg(test)]
mod tests;
