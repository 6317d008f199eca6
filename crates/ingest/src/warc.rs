//! WARC archives: one article per `response` record whose HTTP payload is HTML.
//!
//! Parsed by hand rather than with the `warc` crate (0.4.0): its reader panics on a huge
//! `Content-Length` (`expected_body_len + 4` overflows in `warc_reader.rs`), cannot resume after
//! a bad record, and pulls in `uuid` 0.8, `nom` and `url`. The format is simple: a `WARC/x.y`
//! line, `Name: value` headers, a blank line, `Content-Length` bytes of block, `\r\n\r\n`.
use crate::read::{read_line_bounded, reason, safe_id, Origin};
use crate::sniff::{sniff, Format};
use crate::{Error, IngestConfig, Result, Source};
use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};
use std::io::{self, BufRead, Read};
use storyfold_model::{ArticleId, RawArticle, RawBody};

/// Longest header line and most header lines accepted in one record.
const MAX_HEADER_LINE_BYTES: u64 = 64 << 10;
const MAX_HEADERS: usize = 512;

/// Articles from a WARC archive (plain, or `.warc.gz` as a series of gzip members), read one
/// record at a time. Errors name `path#n`, the n-th record (from 1); a malformed record is
/// skipped up to the next `WARC/` line and the stream goes on. Records other than HTML
/// responses (warcinfo, requests, images, redirects, errors) are skipped quietly.
///
/// Each HTML response gives: id = the record id's UUID (else a hash of the target URI), url =
/// `WARC-Target-URI`, fetched_at = `WARC-Date`, body = the HTTP body, de-chunked and decoded from
/// gzip or deflate.
pub struct WarcSource<R> {
    origin: Origin,
    reader: R,
    record: u64,
    limit_bytes: u64,
    line: Vec<u8>,
    /// A `WARC/` line was already read while skipping damage.
    have_version: bool,
    /// The last record's headers were bad: its block is skipped without a second report.
    resyncing: bool,
    done: bool,
}

/// What one record turned out to be.
enum Outcome {
    Article(Box<RawArticle>),
    Skip,
}

impl<R: BufRead> WarcSource<R> {
    /// Reads WARC records from `reader` (already decompressed); `name` names the errors.
    pub fn new(name: &str, reader: R, config: &IngestConfig) -> Self {
        Self::from_origin(Origin::named(name), reader, config)
    }

    pub(crate) fn from_origin(origin: Origin, reader: R, config: &IngestConfig) -> Self {
        Self {
            origin,
            reader,
            record: 0,
            limit_bytes: config.max_file_bytes,
            line: Vec::new(),
            have_version: false,
            resyncing: false,
            done: false,
        }
    }

    fn next_line(&mut self) -> io::Result<Option<u64>> {
        read_line_bounded(&mut self.reader, MAX_HEADER_LINE_BYTES, &mut self.line)
    }

    fn error(&self, reason: impl Into<String>) -> Error {
        Error::Warc {
            input: format!("{}#{}", self.origin.name, self.record),
            reason: reason.into(),
        }
    }

    /// Skips to the next `WARC/` line; false at the end of input. Counts skipped non-blank lines.
    fn find_version(&mut self) -> io::Result<Option<usize>> {
        if std::mem::take(&mut self.have_version) {
            return Ok(Some(0));
        }
        let mut skipped = 0;
        while self.next_line()?.is_some() {
            if self.line.starts_with(b"WARC/") {
                return Ok(Some(skipped));
            }
            if !self.line.trim_ascii().is_empty() {
                skipped += 1;
            }
        }
        Ok(None)
    }

    fn read_record(&mut self) -> Result<Option<Outcome>> {
        let io = |s: &Self, e: io::Error| s.origin.read_error(&e);
        let skipped = match self.find_version() {
            Ok(Some(skipped)) => skipped,
            Ok(None) => return Ok(None),
            Err(e) => return Err(io(self, e)),
        };
        let resyncing = std::mem::take(&mut self.resyncing);
        if skipped > 0 && !resyncing {
            // Report the damage, then read the record found on the next call.
            self.have_version = true;
            return Err(Error::Warc {
                input: format!("{}#{}", self.origin.name, self.record + 1),
                reason: format!("garbage before the record ({skipped} lines)"),
            });
        }
        self.record += 1;
        // Until this record's headers are read, damage is this record's: skip to the next one
        // without a second report.
        self.resyncing = true;
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            match self.next_line() {
                Ok(Some(len)) if len > MAX_HEADER_LINE_BYTES => {
                    return Err(self.error("header line too long"))
                }
                Ok(Some(_)) => {}
                Ok(None) => return Err(self.error("truncated headers")),
                Err(e) => return Err(io(self, e)),
            }
            let line = self.line.trim_ascii_end();
            if line.is_empty() {
                break;
            }
            if line.starts_with(b"WARC/") {
                self.have_version = true;
                return Err(self.error("headers end without a blank line"));
            }
            let text = String::from_utf8_lossy(line);
            let Some((name, value)) = text.split_once(':') else {
                return Err(self.error(format!("malformed header line {:?}", truncate(&text))));
            };
            if headers.len() == MAX_HEADERS {
                return Err(self.error("too many headers"));
            }
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let Some(length) = header("content-length") else {
            return Err(self.error("no content-length"));
        };
        let Ok(length) = length.parse::<u64>() else {
            return Err(self.error(format!("bad content-length {:?}", truncate(length))));
        };
        self.resyncing = false;
        if length > self.limit_bytes {
            let skipped = io::copy(&mut (&mut self.reader).take(length), &mut io::sink())
                .map_err(|e| io(self, e))?;
            if skipped < length {
                self.done = true;
            }
            return Err(Error::TooLarge {
                input: format!("{}#{}", self.origin.name, self.record),
                size_bytes: length,
                at_least: false,
                limit_bytes: self.limit_bytes,
            });
        }
        let mut block = Vec::new();
        (&mut self.reader)
            .take(length)
            .read_to_end(&mut block)
            .map_err(|e| io(self, e))?;
        if (block.len() as u64) < length {
            self.done = true;
            return Err(self.error(format!(
                "truncated block: {} of {length} bytes",
                block.len()
            )));
        }
        self.skip_record_end().map_err(|e| io(self, e))?;
        self.interpret(&headers, block)
    }

    /// Consumes the `\r\n\r\n` after a block (tolerating bare `\n`s).
    fn skip_record_end(&mut self) -> io::Result<()> {
        for _ in 0..4 {
            let buf = self.reader.fill_buf()?;
            match buf.first() {
                Some(b'\r' | b'\n') => self.reader.consume(1),
                _ => break,
            }
        }
        Ok(())
    }

    fn interpret(&self, headers: &[(String, String)], block: Vec<u8>) -> Result<Option<Outcome>> {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let kind = header("warc-type").unwrap_or("").to_ascii_lowercase();
        let content_type = header("content-type").unwrap_or("").to_ascii_lowercase();
        let body = match kind.as_str() {
            "response"
                if content_type.is_empty() || content_type.starts_with("application/http") =>
            {
                match self.http_payload(block)? {
                    Some(body) => body,
                    None => return Ok(Some(Outcome::Skip)),
                }
            }
            "resource" if content_type.contains("html") => block,
            _ => return Ok(Some(Outcome::Skip)),
        };
        let url = header("warc-target-uri")
            .map(|u| u.trim_start_matches('<').trim_end_matches('>').to_owned())
            .filter(|u| !u.is_empty());
        let record_id = header("warc-record-id")
            .map(|r| r.trim_start_matches('<').trim_end_matches('>'))
            .map(|r| r.strip_prefix("urn:uuid:").unwrap_or(r))
            .unwrap_or("");
        let key = if !record_id.is_empty() {
            record_id.to_owned()
        } else {
            url.clone()
                .unwrap_or_else(|| format!("{}#{}", self.origin.stem, self.record))
        };
        Ok(Some(Outcome::Article(Box::new(RawArticle {
            id: ArticleId(safe_id("warc", &key)),
            source: format!("{}#{}", self.origin.name, self.record),
            body: RawBody::Html(body),
            url,
            outlet: None,
            title: None,
            published: None,
            fetched_at: header("warc-date").map(str::to_owned),
        }))))
    }

    /// The HTML body of an HTTP response block, or `None` when it is not a 2xx HTML response.
    fn http_payload(&self, block: Vec<u8>) -> Result<Option<Vec<u8>>> {
        let Some((head_len, body_start)) = find_head_end(&block) else {
            return Err(self.error("http response without a header end"));
        };
        let head = String::from_utf8_lossy(&block[..head_len]);
        let mut lines = head.lines();
        let status_line = lines.next().unwrap_or("");
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok());
        let Some(status) = status.filter(|_| status_line.starts_with("HTTP/")) else {
            return Err(self.error(format!("bad http status line {:?}", truncate(status_line))));
        };
        if !(200..300).contains(&status) {
            tracing::debug!(input = %self.origin.name, record = self.record, status, "Skipped a non-2xx response.");
            return Ok(None);
        }
        let mut content_type = None;
        let mut chunked = false;
        let mut encoding = String::new();
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim().to_ascii_lowercase();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-type" => content_type = Some(value),
                "transfer-encoding" => chunked = value.contains("chunked"),
                "content-encoding" => encoding = value,
                _ => {}
            }
        }
        let mut body = block[body_start..].to_vec();
        if chunked {
            body = dechunk(&body).ok_or_else(|| self.error("bad chunked encoding"))?;
        }
        body = match encoding.as_str() {
            "" | "identity" => body,
            "gzip" | "x-gzip" => self.decode(MultiGzDecoder::new(&body[..]), &encoding)?,
            "deflate" => match self.decode(ZlibDecoder::new(&body[..]), &encoding) {
                Ok(decoded) => decoded,
                Err(_) => self.decode(DeflateDecoder::new(&body[..]), &encoding)?,
            },
            other => {
                return Err(self.error(format!(
                    "unsupported content-encoding {:?}",
                    truncate(other)
                )))
            }
        };
        let html = match &content_type {
            Some(t) => t.contains("html"),
            None => sniff(&body) == Format::Html,
        };
        Ok(html.then_some(body))
    }

    fn decode(&self, decoder: impl Read, encoding: &str) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        decoder
            .take(self.limit_bytes.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| self.error(format!("bad {encoding} body: {}", reason(e))))?;
        if out.len() as u64 > self.limit_bytes {
            return Err(Error::TooLarge {
                input: format!("{}#{}", self.origin.name, self.record),
                size_bytes: self.limit_bytes,
                at_least: true,
                limit_bytes: self.limit_bytes,
            });
        }
        Ok(out)
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// (end of the HTTP head, start of the body): after `\r\n\r\n`, or `\n\n` from sloppy writers.
fn find_head_end(block: &[u8]) -> Option<(usize, usize)> {
    let crlf = block.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = block.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(c), Some(l)) if l < c => Some((l, l + 2)),
        (Some(c), _) => Some((c, c + 4)),
        (None, Some(l)) => Some((l, l + 2)),
        (None, None) => None,
    }
}

/// Decodes an HTTP/1.1 chunked body; `None` when malformed.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let line_end = body.iter().position(|&b| b == b'\n')?;
        let line = std::str::from_utf8(&body[..line_end]).ok()?;
        let size_text = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        body = &body[line_end + 1..];
        if size == 0 {
            return Some(out);
        }
        if size > body.len() {
            return None;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size..];
        body = body
            .strip_prefix(b"\r\n")
            .or_else(|| body.strip_prefix(b"\n"))?;
    }
}

impl<R: BufRead> Source for WarcSource<R> {
    fn name(&self) -> &str {
        &self.origin.name
    }

    fn next_article(&mut self) -> Option<Result<RawArticle>> {
        while !self.done {
            match self.read_record() {
                Ok(Some(Outcome::Article(article))) => {
                    tracing::trace!(article = %article.id, source = %article.source, "Read a WARC record.");
                    return Some(Ok(*article));
                }
                Ok(Some(Outcome::Skip)) => {}
                Ok(None) => self.done = true,
                Err(e) => {
                    if matches!(e, Error::Io { .. } | Error::Gzip { .. }) {
                        self.done = true;
                    }
                    return Some(Err(e));
                }
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

    fn record(kind: &str, extra: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\n{extra}Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn response(uri: &str, uuid: &str, http: &[u8]) -> Vec<u8> {
        record(
            "response",
            &format!(
                "WARC-Record-ID: <urn:uuid:{uuid}>\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-11-17T09:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            ),
            http,
        )
    }

    const PAGE: &[u8] = b"<!doctype html><html><body><p>A ferry ran aground.</p></body></html>";

    fn sample() -> Vec<u8> {
        let mut warc = record(
            "warcinfo",
            "Content-Type: application/warc-fields\r\n",
            b"software: test\r\n",
        );
        warc.extend(record(
            "request",
            "WARC-Target-URI: https://a.example/ferry\r\n",
            b"GET /ferry HTTP/1.1\r\n\r\n",
        ));
        let mut http =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
        http.extend_from_slice(PAGE);
        warc.extend(response(
            "https://a.example/ferry",
            "11111111-2222-3333-4444-555555555555",
            &http,
        ));
        warc.extend(response(
            "https://a.example/logo.png",
            "aaaaaaaa-2222-3333-4444-555555555555",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        warc.extend(response(
            "https://a.example/old",
            "bbbbbbbb-2222-3333-4444-555555555555",
            b"HTTP/1.1 301 Moved\r\nLocation: /new\r\n\r\n",
        ));
        let mut chunked = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        let packed = gzip(PAGE);
        let (a, b) = packed.split_at(10);
        chunked.extend(format!("{:x}\r\n", a.len()).bytes());
        chunked.extend_from_slice(a);
        chunked.extend(format!("\r\n{:x};ext=1\r\n", b.len()).bytes());
        chunked.extend_from_slice(b);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        warc.extend(response(
            "<https://b.example/ferry>",
            "cccccccc-2222-3333-4444-555555555555",
            &chunked,
        ));
        warc
    }

    fn read(bytes: &[u8], limit: u64) -> Vec<Result<RawArticle>> {
        let config = IngestConfig {
            max_file_bytes: limit,
        };
        let mut source = WarcSource::new("c.warc", bytes, &config);
        std::iter::from_fn(|| source.next_article()).collect()
    }

    #[test]
    fn html_responses_become_articles_and_the_rest_is_skipped() {
        let got = read(&sample(), 1 << 20);
        assert_eq!(got.len(), 2, "{got:?}");
        let a = got[0].as_ref().unwrap();
        assert_eq!(a.id.as_str(), "11111111-2222-3333-4444-555555555555");
        assert_eq!(a.source, "c.warc#3");
        assert_eq!(a.url.as_deref(), Some("https://a.example/ferry"));
        assert_eq!(a.fetched_at.as_deref(), Some("2026-11-17T09:00:00Z"));
        assert_eq!(a.body, RawBody::Html(PAGE.to_vec()));
        let b = got[1].as_ref().unwrap();
        assert_eq!(b.url.as_deref(), Some("https://b.example/ferry"));
        assert_eq!(
            b.body,
            RawBody::Html(PAGE.to_vec()),
            "chunked + gzip decoded"
        );
    }

    #[test]
    fn warc_and_warc_gz_files_are_read_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let plain = write(dir.path(), "crawl.warc", &sample());
        // A .warc.gz is a series of gzip members, one per record.
        let mut members = Vec::new();
        let bytes = sample();
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let next = rest[1..]
                .windows(5)
                .position(|w| w == b"WARC/")
                .map_or(rest.len(), |p| p + 1);
            members.extend(gzip(&rest[..next]));
            rest = &rest[next..];
        }
        let packed = write(dir.path(), "crawl.warc.gz", &members);
        let got = collect(&[plain, packed]);
        assert_eq!(got.len(), 4);
        assert!(got.iter().all(|r| r.is_ok()));
        assert_eq!(got[0].as_ref().unwrap().id, got[2].as_ref().unwrap().id);
    }

    #[test]
    fn damage_is_reported_once_and_reading_resumes_at_the_next_record() {
        let mut bytes = b"this is not warc\r\nnor this\r\n".to_vec();
        bytes.extend(sample());
        let got = read(&bytes, 1 << 20);
        assert_eq!(
            got[0].as_ref().unwrap_err().to_string(),
            "c.warc#1: bad warc record: garbage before the record (2 lines)"
        );
        assert_eq!(got.len(), 3);

        let mut bad =
            b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: nope\r\n\r\nxyz\r\n\r\n".to_vec();
        bad.extend(sample());
        let got = read(&bad, 1 << 20);
        assert_eq!(
            got[0].as_ref().unwrap_err().to_string(),
            "c.warc#1: bad warc record: bad content-length \"nope\""
        );
        assert_eq!(got.len(), 3, "one error, then the two articles: {got:?}");
    }

    #[test]
    fn huge_content_length_is_too_large_not_a_panic() {
        let bytes = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 18446744073709551615\r\n\r\n\n\r\n";
        let got = read(bytes, 1 << 20);
        let e = got[0].as_ref().unwrap_err().to_string();
        assert_eq!(
            e,
            "c.warc#1: too large: 18446744073709551615 bytes, the limit is 1048576"
        );
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn truncated_record_ends_the_stream_with_one_error() {
        let bytes = sample();
        let got = read(&bytes[..bytes.len() - 40], 1 << 20);
        assert!(got[0].is_ok());
        let e = got.last().unwrap().as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with("c.warc#6: bad warc record: truncated block"),
            "{e}"
        );
    }

    #[test]
    fn dechunk_rejects_bad_sizes() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n0\r\n\r\n").as_deref(),
            Some(&b"abc"[..])
        );
        assert_eq!(dechunk(b"ff\r\nabc"), None);
        assert_eq!(dechunk(b"zz\r\n"), None);
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read(&bytes, 4096);
        }

        #[test]
        fn never_panics_on_mangled_archives(cut in 0usize..1500, at in 0usize..1500, byte in any::<u8>()) {
            let mut bytes = sample();
            bytes.truncate(cut.min(bytes.len()));
            if at < bytes.len() {
                bytes[at] = byte;
            }
            let got = read(&bytes, 1 << 20);
            prop_assert!(got.len() <= 8);
        }
    }
}
