//! Stories and what we conclude about them.
use crate::copy::CopyLink;
use crate::doc::{EntityKind, Grain, Span};
use crate::ids::{ArticleId, StoryId};
use serde::{Deserialize, Serialize};

/// Why an article joined a story (or started one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct GroupingReason {
    /// The article this reason is about.
    pub article: ArticleId,
    /// Combined same-story score against the story it joined (0 when it started one).
    pub score: f32,
    /// The component scores by name (`text`, `title`, `entities`, `numbers`, `time`, ...).
    pub components: Vec<(String, f32)>,
    /// Most salient shared terms.
    pub shared_terms: Vec<String>,
    /// Shared named entities.
    pub shared_entities: Vec<String>,
    /// A one-line human explanation.
    pub summary: String,
}

/// A story: the articles about one real-world event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// Stable id (the oldest id survives merges).
    pub id: StoryId,
    /// Ids of stories merged into this one.
    pub aliases: Vec<StoryId>,
    /// Member articles in arrival order.
    pub articles: Vec<ArticleId>,
    /// A representative headline.
    pub title: String,
    /// Earliest publication (or arrival) date, ISO 8601.
    pub first_seen: Option<String>,
    /// Latest publication (or arrival) date, ISO 8601.
    pub last_seen: Option<String>,
    /// Why each article is here.
    pub reasons: Vec<GroupingReason>,
}

/// What the clusterer decided for one article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryUpdate {
    /// The article.
    pub article: ArticleId,
    /// The story it now belongs to.
    pub story: StoryId,
    /// Whether the article started a new story.
    pub created: bool,
    /// Stories merged into `story` because of this article (now aliases of it).
    pub merged: Vec<StoryId>,
    /// Why.
    pub reason: GroupingReason,
}

/// An entity of a story, across its articles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryEntity {
    /// Canonical name across the story.
    pub name: String,
    /// Person, organisation, place...
    pub kind: EntityKind,
    /// Number of mentions across the story.
    pub mentions: usize,
    /// Articles that mention it.
    pub articles: Vec<ArticleId>,
}

/// Where a claim (or quote, or brief sentence) stands in one article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimSpan {
    /// The article.
    pub article: ArticleId,
    /// Byte span in that article's `Doc::text`.
    pub span: Span,
    /// The text of that span.
    pub text: String,
}

/// A claim's standing after cross-checking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimStatus {
    /// Carried by two or more independent sources, and not contradicted.
    Corroborated,
    /// Carried by one independent source only (copies do not count).
    SingleSource,
    /// Another claim of the story disagrees with it.
    Contradicted,
}

impl ClaimStatus {
    /// The contract name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Corroborated => "corroborated",
            Self::SingleSource => "single-source",
            Self::Contradicted => "contradicted",
        }
    }
}

/// What two claims disagree on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContradictionKind {
    /// A number differs.
    Number,
    /// A date differs.
    Date,
    /// A place differs.
    Place,
    /// A named person differs.
    Person,
}

/// A disagreement between this claim and another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contradiction {
    /// Index of the other claim in `Corroboration::claims`.
    pub other: usize,
    /// What differs.
    pub kind: ContradictionKind,
    /// The disagreeing value in this claim.
    pub this_value: String,
    /// The disagreeing value in the other claim.
    pub other_value: String,
    /// The span in this claim that holds `this_value`.
    pub this_span: ClaimSpan,
    /// The span in the other claim that holds `other_value`.
    pub other_span: ClaimSpan,
}

/// A unit of fact aligned across a story's articles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Representative wording (from the earliest original that carries it).
    pub text: String,
    /// Every article carrying it, with where.
    pub spans: Vec<ClaimSpan>,
    /// Articles carrying it, in story order.
    pub articles: Vec<ArticleId>,
    /// Number of sources after collapsing copies into their originals.
    pub independent_sources: usize,
    /// Corroborated, single-source or contradicted.
    pub status: ClaimStatus,
    /// Disagreements with other claims.
    pub contradictions: Vec<Contradiction>,
}

/// One wording of a quote, and who printed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteVariant {
    /// The wording.
    pub text: String,
    /// Articles that print this wording.
    pub articles: Vec<ArticleId>,
    /// Whether words of the utterance were changed (not just punctuation or trimming).
    pub altered: bool,
    /// Words of the reference wording replaced or dropped in this variant.
    pub removed_words: Vec<String>,
    /// Words this variant has that the reference wording lacks.
    pub added_words: Vec<String>,
}

/// One utterance as reported by several outlets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteGroup {
    /// Reference wording (the one carried by the earliest original).
    pub text: String,
    /// Speaker, when known.
    pub speaker: Option<String>,
    /// All articles quoting it.
    pub articles: Vec<ArticleId>,
    /// Each distinct wording.
    pub variants: Vec<QuoteVariant>,
}

/// A dated event of a story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When it happened: `YYYY-MM-DD`, `YYYY-MM` or `YYYY` at `grain`.
    pub date: String,
    /// Day, month or year.
    pub grain: Grain,
    /// For ranges, the last day.
    pub end_date: Option<String>,
    /// The sentence (or clause) that reports it.
    pub text: String,
    /// Articles that report it.
    pub articles: Vec<ArticleId>,
    /// When those articles were published (ISO dates), kept apart from `date`.
    pub reported: Vec<String>,
}

/// Per-story cross-check: claims, quote groups and timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Corroboration {
    /// Claims.
    pub claims: Vec<Claim>,
    /// Quote groups.
    pub quotes: Vec<QuoteGroup>,
    /// Timeline, ordered by event date.
    pub timeline: Vec<TimelineEntry>,
    /// Entities across the story.
    pub entities: Vec<StoryEntity>,
    /// The copy links among the story's articles that were used for independence.
    pub copy_links: Vec<CopyLink>,
}

/// A passage a brief sentence was checked against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportSpan {
    /// The article.
    pub article: ArticleId,
    /// Byte span in its text.
    pub span: Span,
    /// The passage.
    pub text: String,
}

/// One sentence of a brief.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefSentence {
    /// The sentence.
    pub text: String,
    /// Articles cited.
    pub articles: Vec<ArticleId>,
    /// The passages it was checked against; every content word, number, name and date of `text`
    /// appears in them.
    pub support: Vec<SupportSpan>,
}

/// A story's brief: every sentence cites and was checked against its sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Brief {
    /// Sentences in reading order.
    pub sentences: Vec<BriefSentence>,
}
