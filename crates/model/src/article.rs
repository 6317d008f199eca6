//! Articles before and after extraction.
use crate::ids::{ArticleId, ContentHash};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// What ingest read, before extraction: bytes or text plus whatever metadata the source carried.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawArticle {
    /// The caller's id, else the file stem.
    pub id: ArticleId,
    /// Where it came from, for error messages: a path, `path:line`, a feed URL or `-`.
    pub source: String,
    /// The body as received.
    pub body: RawBody,
    /// Canonical URL, when the source gave one.
    pub url: Option<String>,
    /// Outlet (publication) name, when the source gave one.
    pub outlet: Option<String>,
    /// Title, when the source gave one.
    pub title: Option<String>,
    /// Publication time as the source gave it (ISO 8601 date or date-time), unparsed.
    pub published: Option<String>,
    /// When it was fetched, ISO 8601, when known.
    pub fetched_at: Option<String>,
}

/// The body of a raw article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "content", rename_all = "lowercase")]
pub enum RawBody {
    /// Plain text, already decoded.
    Text(String),
    /// HTML bytes, charset not yet decided (extract decides it from BOM, meta or content).
    Html(Vec<u8>),
}

/// A publication date and how we know it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// The calendar day of publication (in the article's own time zone where known).
    pub date: NaiveDate,
    /// The full time stamp, when the source gave one.
    pub datetime: Option<DateTime<FixedOffset>>,
    /// Where the date came from.
    pub source: DateSource,
}

/// Where a publication date came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateSource {
    /// Given by the caller (JSONL `published`, feed item date).
    Given,
    /// Read from the page's markup; `field` says which (for example `json-ld datePublished`).
    Markup {
        /// The markup field it was read from.
        field: String,
    },
    /// Inferred from dates and tenses in the text; the true date lies in `earliest..=latest`.
    Inferred {
        /// Earliest possible publication day.
        earliest: NaiveDate,
        /// Latest possible publication day.
        latest: NaiveDate,
        /// The grain the evidence allows (`day`, `month`, `year`).
        grain: crate::doc::Grain,
        /// The text that decided it.
        evidence: String,
    },
}

impl Published {
    /// A date given by the caller.
    pub fn given(date: NaiveDate) -> Self {
        Self {
            date,
            datetime: None,
            source: DateSource::Given,
        }
    }

    /// Whether the date was inferred from the text rather than given or read from markup.
    pub fn is_inferred(&self) -> bool {
        matches!(self.source, DateSource::Inferred { .. })
    }

    /// Parses an ISO 8601 date (`2023-03-17`) or date-time (`2023-03-17T10:00:00Z`, with offset).
    pub fn parse_iso(value: &str, source: DateSource) -> Option<Self> {
        let value = value.trim();
        if let Ok(datetime) = DateTime::parse_from_rfc3339(value) {
            return Some(Self {
                date: datetime.date_naive(),
                datetime: Some(datetime),
                source,
            });
        }
        if let Ok(datetime) = DateTime::parse_from_rfc2822(value) {
            return Some(Self {
                date: datetime.date_naive(),
                datetime: Some(datetime),
                source,
            });
        }
        let day = value.get(..10).unwrap_or(value);
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .ok()
            .map(|date| Self {
                date,
                datetime: None,
                source,
            })
    }

    /// The date as `YYYY-MM-DD`.
    pub fn iso_date(&self) -> String {
        self.date.format("%Y-%m-%d").to_string()
    }
}

/// A clean article: main text and metadata, boilerplate removed (and kept aside for audit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The article's id.
    pub id: ArticleId,
    /// Where it came from (path, `path:line`, URL).
    pub source: String,
    /// Canonical URL.
    pub url: Option<String>,
    /// Outlet name (given, from markup, or the URL's host).
    pub outlet: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Author(s) as printed.
    pub byline: Option<String>,
    /// Publication date, given or from markup; inference happens in analyze.
    pub published: Option<Published>,
    /// ISO 639-1 language code, when detected.
    pub language: Option<String>,
    /// The clean text, one entry per paragraph.
    pub paragraphs: Vec<String>,
    /// Lines or blocks removed as boilerplate, kept for audit.
    pub boilerplate: Vec<String>,
    /// Hash of the clean text; the store's key for idempotent re-ingest.
    pub content_hash: ContentHash,
}

impl Article {
    /// The clean text: paragraphs separated by blank lines. Offsets in `Doc` index into this.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}
