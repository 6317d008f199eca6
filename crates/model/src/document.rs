//! The story document: the JSON contract of `storyfold run --json` and `GET /stories/{id}`
//! (DESIGN.md). Field names here are the contract; add fields, never rename them.
use crate::copy::AlignedSpan;
use crate::ids::{ArticleId, StoryId};
use crate::story::{ClaimSpan, Contradiction, GroupingReason, SupportSpan};
use serde::{Deserialize, Serialize};

/// `{"stories": [...]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct StoryDocument {
    /// The stories.
    pub stories: Vec<DocumentStory>,
}

/// One story of the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentStory {
    /// Stable story id.
    pub id: StoryId,
    /// Ids of stories merged into this one.
    pub aliases: Vec<StoryId>,
    /// Representative headline.
    pub title: String,
    /// Earliest publication date of its articles.
    pub first_seen: Option<String>,
    /// Latest publication date of its articles.
    pub last_seen: Option<String>,
    /// Number of distinct outlets.
    pub outlets: usize,
    /// Number of independent sources (articles after collapsing copies).
    pub independent_sources: usize,
    /// The articles.
    pub articles: Vec<DocumentArticle>,
    /// Entities across the story.
    pub entities: Vec<DocumentEntity>,
    /// Quote groups.
    pub quotes: Vec<DocumentQuote>,
    /// Claims.
    pub claims: Vec<DocumentClaim>,
    /// Dated events.
    pub timeline: Vec<DocumentTimelineEntry>,
    /// The cited brief.
    pub brief: Vec<DocumentBriefSentence>,
    /// Why each article is in the story.
    pub why: Vec<GroupingReason>,
}

/// An article as the story document shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentArticle {
    /// Article id.
    pub id: ArticleId,
    /// Headline.
    pub title: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Author(s).
    pub byline: Option<String>,
    /// Publication date, ISO 8601.
    pub published: Option<String>,
    /// Whether `published` was inferred from the text.
    pub published_inferred: bool,
    /// URL.
    pub url: Option<String>,
    /// Language code.
    pub language: Option<String>,
    /// Clean text.
    pub text: String,
    /// The article this one copies, if any.
    pub copy_of: Option<ArticleId>,
    /// `verbatim`, `rewrite`, `spun`, or null for originals.
    pub copy_kind: Option<String>,
    /// Similarity to `copy_of`.
    pub copy_similarity: Option<f32>,
    /// Aligned passages with `copy_of` (byte spans into each text).
    pub copy_evidence: Vec<AlignedSpan>,
}

/// An entity across a story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentEntity {
    /// Canonical name.
    pub name: String,
    /// `person`, `org`, `place`, `other`.
    pub kind: String,
    /// Number of mentions.
    pub mentions: usize,
    /// Articles mentioning it.
    pub articles: Vec<ArticleId>,
}

/// A quote group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentQuote {
    /// Reference wording.
    pub text: String,
    /// Speaker.
    pub speaker: Option<String>,
    /// Articles quoting it.
    pub articles: Vec<ArticleId>,
    /// Distinct wordings.
    pub variants: Vec<DocumentQuoteVariant>,
}

/// One wording of a quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentQuoteVariant {
    /// The wording.
    pub text: String,
    /// Articles printing it.
    pub articles: Vec<ArticleId>,
    /// Whether words were changed.
    pub altered: bool,
    /// Reference words this wording dropped or replaced.
    pub removed_words: Vec<String>,
    /// Words this wording added.
    pub added_words: Vec<String>,
}

/// A claim.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentClaim {
    /// Representative wording.
    pub text: String,
    /// Articles carrying it.
    pub articles: Vec<ArticleId>,
    /// Sources after collapsing copies.
    pub independent_sources: usize,
    /// `corroborated`, `single-source`, `contradicted`.
    pub status: String,
    /// Indexes of contradicting claims.
    pub contradicts: Vec<usize>,
    /// Where each article carries it.
    pub spans: Vec<ClaimSpan>,
    /// The disagreements in detail.
    pub contradictions: Vec<Contradiction>,
}

/// A timeline entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentTimelineEntry {
    /// Event date.
    pub date: String,
    /// `day`, `month`, `year`...
    pub grain: String,
    /// Last day, for ranges.
    pub end_date: Option<String>,
    /// What happened.
    pub text: String,
    /// Articles reporting it.
    pub articles: Vec<ArticleId>,
    /// When they reported it.
    pub reported: Vec<String>,
}

/// A brief sentence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentBriefSentence {
    /// The sentence.
    pub text: String,
    /// Articles cited.
    pub articles: Vec<ArticleId>,
    /// Passages it was checked against.
    pub support: Vec<SupportSpan>,
}
