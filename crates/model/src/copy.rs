//! Who copied whom.
use crate::doc::Span;
use crate::ids::ArticleId;
use serde::{Deserialize, Serialize};

/// How a copy relates to its original.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    /// Same text, perhaps with different boilerplate or truncated.
    Verbatim,
    /// Same facts in the same order, reworded in parts.
    Rewrite,
    /// Systematic synonym swaps or machine-translation artefacts; quotes altered.
    Spun,
}

impl CopyKind {
    /// The contract name (`verbatim`, `rewrite`, `spun`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Verbatim => "verbatim",
            Self::Rewrite => "rewrite",
            Self::Spun => "spun",
        }
    }
}

/// The rule that decided which of two articles is the original.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionRule {
    /// The original was published earlier.
    EarlierPublished,
    /// Same or unknown dates: the original is the more complete text.
    MoreComplete,
    /// Nothing else decided: the original arrived first.
    ArrivalOrder,
}

/// A pair of aligned passages: evidence for a copy link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlignedSpan {
    /// Byte span in the copy's text.
    pub copy: Span,
    /// Byte span in the original's text.
    pub original: Span,
    /// Similarity of the two passages in [0, 1].
    pub similarity: f32,
}

/// A link from a copy to its likely original.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CopyLink {
    /// The copy.
    pub copy: ArticleId,
    /// The likely original.
    pub original: ArticleId,
    /// Verbatim, rewrite or spun.
    pub kind: CopyKind,
    /// Overall similarity in [0, 1].
    pub similarity: f32,
    /// Which rule decided the direction.
    pub direction: DirectionRule,
    /// Aligned passages.
    pub evidence: Vec<AlignedSpan>,
}
