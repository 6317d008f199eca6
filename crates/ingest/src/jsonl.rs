//! JSON Lines: one article per line, streamed.
use crate::read::{read_line_bounded, reason, Origin};
use crate::{Error, IngestConfig, Result, Source};
use serde::{Deserialize, Deserializer};
use std::io::BufRead;
use storyfold_model::{ArticleId, RawArticle, RawBody};

/// One line, with the field names of DESIGN.md's contract; unknown fields are ignored
/// (datasets carry more than we read).
#[derive(Deserialize)]
struct Line {
    #[serde(default, deserialize_with = "scalar")]
    id: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    published: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    fetched_at: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    html: Option<String>,
}

/// A string, or a number kept as its JSON text (ids and Unix times in some datasets).
fn scalar<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<String>, D::Error> {
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a string or a number, found {}",
            kind(&other)
        ))),
    }
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Articles from JSON Lines, read one line at a time (a huge file is never held whole; each line
/// is limited to `max_file_bytes`). Blank lines are skipped; a malformed line gives one error
/// naming `path:line` and the next line is read.
///
/// Fields: `id` (else `<stem>-<line>`), `url`, `outlet`, `title`, `published` and `fetched_at`
/// (kept as given), and the body: `text` when non-blank, else `html`.
pub struct JsonlSource<R> {
    origin: Origin,
    reader: R,
    line: u64,
    limit_bytes: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlSource<R> {
    /// Reads JSON Lines from `reader`; `name` (a path, or `-` for stdin) names the errors and
    /// gives the default ids their stem.
    pub fn new(name: &str, reader: R, config: &IngestConfig) -> Self {
        Self::from_origin(Origin::named(name), reader, config)
    }

    pub(crate) fn from_origin(origin: Origin, reader: R, config: &IngestConfig) -> Self {
        Self {
            origin,
            reader,
            line: 0,
            limit_bytes: config.max_file_bytes,
            buf: Vec::new(),
            done: false,
        }
    }

    fn parse(&self, input: String, bytes: &[u8]) -> Result<RawArticle> {
        if !bytes.starts_with(b"{") {
            return Err(Error::Json {
                input,
                reason: "not a json object".into(),
            });
        }
        let line: Line = serde_json::from_slice(bytes).map_err(|e| Error::Json {
            input: input.clone(),
            reason: reason(e),
        })?;
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        let body = if !blank(&line.text) {
            RawBody::Text(line.text.unwrap_or_default())
        } else if !blank(&line.html) {
            RawBody::Html(line.html.unwrap_or_default().into_bytes())
        } else {
            return Err(Error::MissingBody {
                input,
                expected: "a non-empty `text` or `html` field",
            });
        };
        let id = match line.id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_owned(),
            _ => format!("{}-{}", self.origin.stem, self.line),
        };
        Ok(RawArticle {
            id: ArticleId(id),
            source: input,
            body,
            url: line.url,
            outlet: line.outlet,
            title: line.title,
            published: line.published,
            fetched_at: line.fetched_at,
        })
    }
}

impl<R: BufRead> Source for JsonlSource<R> {
    fn name(&self) -> &str {
        &self.origin.name
    }

    fn next_article(&mut self) -> Option<Result<RawArticle>> {
        while !self.done {
            let mut buf = std::mem::take(&mut self.buf);
            let read = read_line_bounded(&mut self.reader, self.limit_bytes, &mut buf);
            self.line += 1;
            let input = format!("{}:{}", self.origin.name, self.line);
            let result = match read {
                Err(e) => {
                    self.done = true;
                    Some(Err(self.origin.read_error(&e)))
                }
                Ok(None) => {
                    self.done = true;
                    None
                }
                Ok(Some(len)) if len > self.limit_bytes => Some(Err(Error::TooLarge {
                    input,
                    size_bytes: len,
                    at_least: false,
                    limit_bytes: self.limit_bytes,
                })),
                Ok(Some(_)) => {
                    let mut bytes = buf.trim_ascii();
                    if self.line == 1 {
                        bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                    }
                    (!bytes.is_empty()).then(|| self.parse(input, bytes))
                }
            };
            self.buf = buf;
            if let Some(result) = result {
                if let Ok(article) = &result {
                    tracing::trace!(article = %article.id, source = %article.source, "Read a JSONL article.");
                }
                return Some(result);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{collect, gzip, write};
    use proptest::prelude::*;

    fn read(text: &[u8], limit: u64) -> Vec<Result<RawArticle>> {
        let config = IngestConfig {
            max_file_bytes: limit,
        };
        let mut source = JsonlSource::new("in.jsonl", text, &config);
        std::iter::from_fn(|| source.next_article()).collect()
    }

    #[test]
    fn reads_every_field_and_keeps_published_as_given() {
        let got = read(
            br#"{"id":"w1","url":"https://x.example/a","outlet":"Wire","title":"T","published":"2026-11-17T06:40:00Z","text":"Body.","extra":[1]}"#,
            1 << 20,
        );
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.id.as_str(), "w1");
        assert_eq!(a.source, "in.jsonl:1");
        assert_eq!(a.url.as_deref(), Some("https://x.example/a"));
        assert_eq!(a.outlet.as_deref(), Some("Wire"));
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.published.as_deref(), Some("2026-11-17T06:40:00Z"));
        assert_eq!(a.body, RawBody::Text("Body.".into()));
    }

    #[test]
    fn html_field_gives_html_bytes_and_numbers_are_kept_as_text() {
        let got = read(
            br#"{"id":17,"published":1763362800,"html":"<p>x</p>"}"#,
            1 << 20,
        );
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.id.as_str(), "17");
        assert_eq!(a.published.as_deref(), Some("1763362800"));
        assert_eq!(a.body, RawBody::Html(b"<p>x</p>".to_vec()));
    }

    #[test]
    fn bad_line_in_the_middle_gives_one_error_and_the_stream_goes_on() {
        let got = read(
            b"{\"id\":\"a\",\"text\":\"one\"}\n{\"id\": \"b\", \"text\": oops}\r\n\n[1,2]\n{\"text\":\"four\"}\n{\"id\":\"x\"}\n{\"id\":[1],\"text\":\"t\"}",
            1 << 20,
        );
        assert_eq!(got.len(), 6);
        assert_eq!(got[0].as_ref().unwrap().id.as_str(), "a");
        let e = got[1].as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with("in.jsonl:2: malformed json line: expected value"),
            "{e}"
        );
        assert_eq!(
            got[2].as_ref().unwrap_err().to_string(),
            "in.jsonl:4: malformed json line: not a json object"
        );
        assert_eq!(got[3].as_ref().unwrap().id.as_str(), "in-5");
        assert_eq!(
            got[4].as_ref().unwrap_err().to_string(),
            "in.jsonl:6: no body: expected a non-empty `text` or `html` field"
        );
        let e = got[5].as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with(
                "in.jsonl:7: malformed json line: expected a string or a number, found an array"
            ),
            "{e}"
        );
    }

    #[test]
    fn an_overlong_line_is_refused_and_the_next_is_read() {
        let long = format!("{{\"text\":\"{}\"}}", "a".repeat(300));
        let text = format!("{long}\n{{\"text\":\"short\"}}\n");
        let got = read(text.as_bytes(), 100);
        assert_eq!(
            got[0].as_ref().unwrap_err().to_string(),
            "in.jsonl:1: too large: 311 bytes, the limit is 100"
        );
        assert_eq!(got[1].as_ref().unwrap().body, RawBody::Text("short".into()));
    }

    #[test]
    fn jsonl_files_and_gzipped_jsonl_read_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let lines = b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n";
        let plain = write(dir.path(), "feed.ndjson", lines);
        let packed = write(dir.path(), "more.jsonl.gz", &gzip(lines));
        let ids: Vec<String> = collect(&[plain, packed])
            .into_iter()
            .map(|r| r.unwrap().id.0)
            .collect();
        assert_eq!(ids, ["feed-1", "feed-2", "more-1", "more-2"]);
    }

    #[test]
    fn truncated_gzipped_jsonl_yields_what_it_can_then_a_gzip_error() {
        let dir = tempfile::tempdir().unwrap();
        let lines: String = (0..2000)
            .map(|i| format!("{{\"id\":\"n{i}\",\"text\":\"t {i}\"}}\n"))
            .collect();
        let packed = gzip(lines.as_bytes());
        let path = write(dir.path(), "cut.jsonl.gz", &packed[..packed.len() * 2 / 3]);
        let got = collect(&[path]);
        let last = got.last().unwrap();
        assert!(matches!(last, Err(Error::Gzip { .. })), "{last:?}");
        assert!(got.len() > 100);
        assert!(got[..got.len() - 1].iter().all(|r| r.is_ok()));
    }

    #[test]
    fn invalid_utf8_line_is_an_error_naming_the_line() {
        let got = read(b"{\"text\":\"caf\xe9\"}\n{\"text\":\"ok\"}\n", 1 << 20);
        assert!(got[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .starts_with("in.jsonl:1: malformed json line"));
        assert!(got[1].is_ok());
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let got = read(&bytes, 512);
            prop_assert!(got.len() <= bytes.iter().filter(|&&b| b == b'\n').count() + 1);
        }

        #[test]
        fn every_object_line_with_text_becomes_an_article(texts in proptest::collection::vec(".{1,40}", 1..20)) {
            let lines: String = texts
                .iter()
                .map(|t| serde_json::json!({ "text": format!("x{t}") }).to_string() + "\n")
                .collect();
            let got = read(lines.as_bytes(), 1 << 20);
            prop_assert_eq!(got.len(), texts.len());
            for (i, item) in got.iter().enumerate() {
                let article = item.as_ref().unwrap();
                prop_assert_eq!(article.id.as_str(), format!("in-{}", i + 1));
            }
        }
    }
}
