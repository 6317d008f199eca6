//! Ingest, the first stage: files, folders, JSON Lines, RSS/Atom feeds, WARC archives and stdin
//! become a stream of [`RawArticle`]s for extract.
//!
//! [`open`] takes paths (`-` is stdin) and returns [`Inputs`], an iterator of
//! `Result<RawArticle>`: one bad file, line, feed entry or WARC record yields one [`Error`] that
//! names it, and the stream goes on with the next. Nothing here panics on bad input.
//!
//! | input | how it is read | `RawArticle` |
//! |---|---|---|
//! | `.txt`, or text with an unknown extension | whole, UTF-8 (or UTF-16 with a BOM) | `RawBody::Text`, id = file stem |
//! | `.html`, `.htm`, `.xhtml`, or sniffed HTML | whole, bytes as they are | `RawBody::Html`, id = file stem |
//! | `.jsonl`, `.ndjson`, or sniffed `{` | streamed line by line | `id` field, else `<stem>-<line>` |
//! | `.xml`, `.rss`, `.atom`, or a sniffed feed | whole, with `feed-rs` | one per entry |
//! | `.warc`, or sniffed `WARC/` | streamed record by record | one per HTML `response` record |
//! | `*.gz` (or gzip magic bytes) | decompressed on the fly | as the inner format |
//! | a folder | recursively, sorted by path, hidden and documentation files skipped | |
//!
//! ```
//! use std::io::Cursor;
//! use storyfold_ingest::{open_reader, IngestConfig};
//! use storyfold_model::RawBody;
//!
//! let lines = "{\"id\":\"a\",\"outlet\":\"Kelmouth Courier\",\"text\":\"A ferry ran aground.\"}\n\
//!              not json\n\
//!              {\"text\":\"Crossings resume on Friday.\"}\n";
//! let got: Vec<_> = open_reader("-", Cursor::new(lines), &IngestConfig::default()).collect();
//! assert_eq!(got.len(), 3);
//! let first = got[0].as_ref().unwrap();
//! assert_eq!(first.id.as_str(), "a");
//! assert_eq!(first.body, RawBody::Text("A ferry ran aground.".into()));
//! assert!(got[1].as_ref().unwrap_err().to_string().starts_with("-:2: malformed json line"));
//! assert_eq!(got[2].as_ref().unwrap().id.as_str(), "stdin-3");
//! ```
#![deny(missing_docs)]

mod document;
mod feed;
mod jsonl;
mod read;
mod sniff;
mod walk;
mod warc;

use std::io::Read;
use std::path::{Path, PathBuf};
use storyfold_model::RawArticle;

pub use document::DocumentSource;
pub use feed::FeedSource;
pub use jsonl::JsonlSource;
pub use sniff::{sniff, Format};
pub use warc::WarcSource;

/// Errors of ingest. Each names its input: a path, `path:line` (JSON Lines), `path#n` (the n-th
/// feed entry or WARC record) or `-` (stdin), and reads as one line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path does not exist.
    #[error("{input}: no such file")]
    NotFound {
        /// The input.
        input: String,
    },
    /// The input could not be read.
    #[error("{input}: cannot read: {reason}")]
    Io {
        /// The input.
        input: String,
        /// Why, on one line.
        reason: String,
    },
    /// A document (or one JSONL line, or one WARC record) is larger than `max_file_bytes`.
    #[error("{input}: too large: {} bytes, the limit is {limit_bytes}", size_text(*size_bytes, *at_least))]
    TooLarge {
        /// The input.
        input: String,
        /// Its size, or how far it was read before giving up (see `at_least`).
        size_bytes: u64,
        /// True when `size_bytes` is a lower bound (a compressed or streamed input).
        at_least: bool,
        /// The limit in force.
        limit_bytes: u64,
    },
    /// NUL bytes or mostly non-text bytes where text was expected.
    #[error("{input}: binary data, not text")]
    Binary {
        /// The input.
        input: String,
    },
    /// A text input that is not valid UTF-8.
    #[error("{input}: invalid utf-8 at byte {offset}")]
    InvalidUtf8 {
        /// The input.
        input: String,
        /// Byte offset of the first invalid sequence (in the decompressed data).
        offset: usize,
    },
    /// A `.gz` input that is truncated or corrupt.
    #[error("{input}: corrupt or truncated gzip: {reason}")]
    Gzip {
        /// The input.
        input: String,
        /// Why, on one line.
        reason: String,
    },
    /// A JSON Lines line that is not a JSON object of the expected shape.
    #[error("{input}: malformed json line: {reason}")]
    Json {
        /// `path:line`.
        input: String,
        /// Why, on one line.
        reason: String,
    },
    /// A record with nothing to read: no `text` or `html` field, a feed entry with neither
    /// content nor summary.
    #[error("{input}: no body: expected {expected}")]
    MissingBody {
        /// The input.
        input: String,
        /// What was looked for.
        expected: &'static str,
    },
    /// A feed that `feed-rs` could not parse.
    #[error("{input}: not a valid feed: {reason}")]
    Feed {
        /// The input.
        input: String,
        /// Why, on one line.
        reason: String,
    },
    /// A malformed WARC record or HTTP payload.
    #[error("{input}: bad warc record: {reason}")]
    Warc {
        /// The input (`path#n` for the n-th record).
        input: String,
        /// Why, on one line.
        reason: String,
    },
}

fn size_text(size_bytes: u64, at_least: bool) -> String {
    if at_least {
        format!("over {size_bytes}")
    } else {
        size_bytes.to_string()
    }
}

impl Error {
    /// The input this error is about: a path, `path:line`, `path#n` or `-`.
    pub fn input(&self) -> &str {
        match self {
            Error::NotFound { input }
            | Error::Io { input, .. }
            | Error::TooLarge { input, .. }
            | Error::Binary { input }
            | Error::InvalidUtf8 { input, .. }
            | Error::Gzip { input, .. }
            | Error::Json { input, .. }
            | Error::MissingBody { input, .. }
            | Error::Feed { input, .. }
            | Error::Warc { input, .. } => input,
        }
    }
}

/// Result of ingest.
pub type Result<T> = std::result::Result<T, Error>;

/// Ingest settings.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestConfig {
    /// Larger documents are refused with an error naming them. A JSONL file or a WARC archive is
    /// not limited as a whole: each line or record is. 16 MiB: ten times the largest page in the
    /// AEB evaluation set, and small enough that a stray video or disk image is refused quickly.
    pub max_file_bytes: u64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 16 << 20,
        }
    }
}

/// One input's stream of raw articles: a single document, a JSONL file, a feed, a WARC archive.
pub trait Source {
    /// The input's name for messages: a path or `-`.
    fn name(&self) -> &str;
    /// The next article or error; `None` once the input is exhausted. After an error that
    /// leaves the input unreadable (a truncated gzip) the next call returns `None`.
    fn next_article(&mut self) -> Option<Result<RawArticle>>;
}

/// Opens inputs (files, folders, JSONL, feeds, WARC, `-` for stdin) as a stream of raw
/// articles, in the order given; folders are walked in sorted path order. One bad input or
/// record yields one `Err` and the stream goes on. Nothing is read until the stream is polled.
pub fn open(inputs: &[PathBuf], config: &IngestConfig) -> Inputs {
    Inputs {
        pending: inputs.iter().rev().cloned().map(Pending::Path).collect(),
        current: None,
        config: config.clone(),
        walker: walk::Walker::default(),
    }
}

/// Opens one already-open stream (stdin, an upload, a socket) named `name`, sniffed like stdin:
/// gzip is decompressed; JSON Lines, a feed or a WARC archive are read as such; anything else is
/// one document (HTML if it looks like HTML, else text) with id `stdin` when `name` is `-`, else
/// the stem of `name`.
pub fn open_reader<R: Read + Send + 'static>(
    name: &str,
    reader: R,
    config: &IngestConfig,
) -> Inputs {
    Inputs {
        pending: vec![Pending::Reader(name.to_owned(), Box::new(reader))],
        current: None,
        config: config.clone(),
        walker: walk::Walker::default(),
    }
}

enum Pending {
    Path(PathBuf),
    Reader(String, Box<dyn Read + Send>),
}

/// The stream of raw articles from [`open`] or [`open_reader`].
pub struct Inputs {
    pending: Vec<Pending>,
    current: Option<Box<dyn Source + Send>>,
    config: IngestConfig,
    walker: walk::Walker,
}

impl Iterator for Inputs {
    type Item = Result<RawArticle>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(source) = self.current.as_mut() {
                match source.next_article() {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
            }
            let opened = match self.pending.pop()? {
                Pending::Path(path) if path.as_os_str() == "-" => read::open_stdin(&self.config),
                Pending::Path(path) => self.open_path(&path),
                Pending::Reader(name, reader) => read::open_stream(&name, reader, &self.config),
            };
            match opened {
                Ok(Some(source)) => self.current = Some(source),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Inputs {
    /// Opens a file as a source, or queues a folder's children; `Ok(None)` when nothing is to be
    /// read now.
    fn open_path(&mut self, path: &Path) -> Result<Option<Box<dyn Source + Send>>> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| read::io_error(&name, &e))?;
        if meta.is_dir() {
            let children = self.walker.children(path, &name)?;
            self.pending
                .extend(children.into_iter().rev().map(Pending::Path));
            return Ok(None);
        }
        read::open_file(path, &name, meta.len(), &self.config).map(Some)
    }
}

#[cfg(test)]
mod testutil;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{collect, write};
    use storyfold_model::RawBody;

    #[test]
    fn every_error_reads_as_one_lowercase_line_naming_its_input() {
        let errors = [
            Error::NotFound {
                input: "a.txt".into(),
            },
            Error::Io {
                input: "a.txt".into(),
                reason: "permission denied".into(),
            },
            Error::TooLarge {
                input: "a.txt".into(),
                size_bytes: 9,
                at_least: true,
                limit_bytes: 8,
            },
            Error::Binary {
                input: "a.txt".into(),
            },
            Error::InvalidUtf8 {
                input: "a.txt".into(),
                offset: 3,
            },
            Error::Gzip {
                input: "a.txt".into(),
                reason: "unexpected end of file".into(),
            },
            Error::Json {
                input: "a.txt:2".into(),
                reason: "expected value".into(),
            },
            Error::MissingBody {
                input: "a.txt:2".into(),
                expected: "`text` or `html`",
            },
            Error::Feed {
                input: "a.txt".into(),
                reason: "no root".into(),
            },
            Error::Warc {
                input: "a.txt#1".into(),
                reason: "no content-length".into(),
            },
        ];
        for e in errors {
            let text = e.to_string();
            assert!(text.starts_with(e.input()), "{text}");
            assert!(!text.contains('\n') && !text.ends_with('.'), "{text}");
            let first = text[e.input().len() + 2..].chars().next().unwrap();
            assert!(!first.is_uppercase(), "{text}");
        }
    }

    #[test]
    fn too_large_says_the_size_and_the_limit() {
        let e = Error::TooLarge {
            input: "big.txt".into(),
            size_bytes: 52_428_800,
            at_least: false,
            limit_bytes: 16 << 20,
        };
        assert_eq!(
            e.to_string(),
            "big.txt: too large: 52428800 bytes, the limit is 16777216"
        );
    }

    #[test]
    fn missing_file_says_no_such_file_and_the_stream_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good.txt", b"Title\n\nBody.");
        let missing = dir.path().join("missing.txt");
        let got = collect(&[missing.clone(), good]);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].as_ref().unwrap_err().to_string(),
            format!("{}: no such file", missing.display())
        );
        assert_eq!(got[1].as_ref().unwrap().id.as_str(), "good");
    }

    #[test]
    fn inputs_come_out_in_the_order_given() {
        let dir = tempfile::tempdir().unwrap();
        let b = write(dir.path(), "b.txt", b"B");
        let a = write(dir.path(), "a.txt", b"A");
        let ids: Vec<String> = collect(&[b, a])
            .into_iter()
            .map(|r| r.unwrap().id.0)
            .collect();
        assert_eq!(ids, ["b", "a"]);
    }

    #[test]
    fn config_reads_from_json_with_defaults() {
        let config: IngestConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(config.max_file_bytes, 16 << 20);
        assert!(serde_json::from_str::<IngestConfig>("{\"max_bytes\":1}").is_err());
    }

    proptest::proptest! {
        #[test]
        fn open_never_panics_on_arbitrary_bytes(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000),
            name in proptest::sample::select(vec![
                "-", "a.txt", "a.html", "a.jsonl", "a.rss", "a.warc", "a.txt.gz", "noext",
            ]),
            packed in proptest::prelude::any::<bool>(),
        ) {
            let bytes = if packed { crate::testutil::gzip(&bytes) } else { bytes };
            let config = IngestConfig { max_file_bytes: 1024 };
            for item in open_reader(name, std::io::Cursor::new(bytes), &config) {
                if let Err(e) = item {
                    proptest::prop_assert!(e.to_string().starts_with(name));
                    proptest::prop_assert!(!e.to_string().contains('\n'));
                }
            }
        }
    }

    #[test]
    fn stdin_text_is_one_document_with_id_stdin() {
        let got: Vec<_> = open_reader(
            "-",
            std::io::Cursor::new("Headline\n\nBody text."),
            &IngestConfig::default(),
        )
        .collect();
        assert_eq!(got.len(), 1);
        let article = got[0].as_ref().unwrap();
        assert_eq!(
            (article.id.as_str(), article.source.as_str()),
            ("stdin", "-")
        );
        assert_eq!(article.body, RawBody::Text("Headline\n\nBody text.".into()));
    }

    #[test]
    fn open_reader_reads_one_html_document() {
        let html = b"<!doctype html><html><body><p>Hi</p></body></html>".to_vec();
        let got: Vec<_> = open_reader(
            "page.html",
            std::io::Cursor::new(html.clone()),
            &IngestConfig::default(),
        )
        .collect();
        let article = got[0].as_ref().unwrap();
        assert_eq!(article.id.as_str(), "page");
        assert_eq!(article.body, RawBody::Html(html));
    }
}
