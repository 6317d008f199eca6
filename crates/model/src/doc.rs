//! An analysed article: sentences, entities, time expressions and quotes with spans.
use crate::article::{Article, Published};
use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into `Doc::text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    /// The text this span covers in `text` (empty if out of bounds).
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
    /// Whether `other` lies within this span.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    /// Whether the span is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A sentence of the text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// Where it is.
    pub span: Span,
    /// Index of the paragraph it belongs to.
    pub paragraph: usize,
}

/// The kind of a named entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation (government body, company, agency, party).
    Org,
    /// A place (country, city, region, body of water).
    Place,
    /// Something named that is none of the above (events, treaties, products).
    Other,
}

impl EntityKind {
    /// The contract name (`person`, `org`, `place`, `other`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Org => "org",
            Self::Place => "place",
            Self::Other => "other",
        }
    }
}

/// One mention of a named entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityMention {
    /// Where it is.
    pub span: Span,
    /// The text as written.
    pub text: String,
    /// Person, organisation, place...
    pub kind: EntityKind,
    /// The canonical name within this article ("Xi" and "President Xi Jinping" -> "Xi Jinping").
    pub canonical: String,
}

/// The grain of a date value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    /// A time of day.
    Time,
    /// A calendar day.
    Day,
    /// An ISO week.
    Week,
    /// A month.
    Month,
    /// A season or quarter.
    Quarter,
    /// A year.
    Year,
    /// A decade or longer.
    Decade,
    /// A duration (`P3D`), not a point in time.
    Duration,
    /// A reference without a date (`PRESENT_REF`, `PAST_REF`).
    Reference,
}

impl Grain {
    /// The contract name (`day`, `month`, ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Time => "time",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
            Self::Decade => "decade",
            Self::Duration => "duration",
            Self::Reference => "reference",
        }
    }
}

/// A time expression, normalised TIMEX3-style against the publication date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeExpression {
    /// Where it is.
    pub span: Span,
    /// The text as written.
    pub text: String,
    /// TIMEX3 value: `2023-03-20`, `2023-03`, `2023-W12`, `P3D`, `PRESENT_REF`, ...
    pub value: String,
    /// The grain of `value`.
    pub grain: Grain,
    /// For ranges ("Monday to Wednesday"), the value of the range's end; `value` is its start.
    pub end_value: Option<String>,
}

/// A direct quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Where the quoted words are (without the quote marks).
    pub span: Span,
    /// The quoted words.
    pub text: String,
    /// Canonical name of the speaker, when attribution resolves one.
    pub speaker: Option<String>,
}

/// An analysed article. Offsets in every span are byte offsets into `text`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    /// The clean article.
    pub article: Article,
    /// `article.text()`, kept so spans have something to point into.
    pub text: String,
    /// ISO 639-1 language code.
    pub language: Option<String>,
    /// The publication date: the article's own, else inferred from the text.
    pub published: Option<Published>,
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// Entity mentions in order.
    pub entities: Vec<EntityMention>,
    /// Time expressions in order.
    pub times: Vec<TimeExpression>,
    /// Quotes in order.
    pub quotes: Vec<Quote>,
}

impl Doc {
    /// The text of sentence `index`.
    pub fn sentence_text(&self, index: usize) -> &str {
        self.sentences
            .get(index)
            .map(|s| s.span.slice(&self.text))
            .unwrap_or("")
    }

    /// Converts a byte offset into `text` to a character (Unicode scalar) offset.
    pub fn char_offset(&self, byte: usize) -> usize {
        crate::text::char_offset(&self.text, byte)
    }
}
