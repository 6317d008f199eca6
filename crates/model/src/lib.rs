//! The shared data model of storyfold: every stage takes and returns these types.
//!
//! Pipeline: `RawArticle` (ingest) -> `Article` (extract) -> `Doc` (analyze) -> `CopyLink` (dedup)
//! -> `StoryUpdate` (cluster) -> `Corroboration` (corroborate) -> `Brief` (brief), and
//! `StoryDocument` is the JSON contract of `storyfold run --json` and `GET /stories/{id}`.
//! No I/O happens here.
//!
//! ```
//! use storyfold_model::{ArticleId, text::words};
//! let id = ArticleId::from("wire-1");
//! assert_eq!(id.as_str(), "wire-1");
//! let tokens: Vec<_> = words("Xi met Putin on Monday.").map(|w| w.text).collect();
//! assert_eq!(tokens, ["Xi", "met", "Putin", "on", "Monday"]);
//! ```
#![deny(missing_docs)]

mod article;
mod copy;
mod doc;
mod document;
mod ids;
mod story;
pub mod text;

pub use article::{Article, DateSource, Published, RawArticle, RawBody};
pub use copy::{AlignedSpan, CopyKind, CopyLink, DirectionRule};
pub use doc::{Doc, EntityKind, EntityMention, Grain, Quote, Sentence, Span, TimeExpression};
pub use document::{
    DocumentArticle, DocumentBriefSentence, DocumentClaim, DocumentEntity, DocumentQuote,
    DocumentQuoteVariant, DocumentStory, DocumentTimelineEntry, StoryDocument,
};
pub use ids::{ArticleId, ContentHash, StoryId};
pub use story::{
    Brief, BriefSentence, Claim, ClaimSpan, ClaimStatus, Contradiction, ContradictionKind,
    Corroboration, GroupingReason, QuoteGroup, QuoteVariant, Story, StoryEntity, StoryUpdate,
    SupportSpan, TimelineEntry,
};
