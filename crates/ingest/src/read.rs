//! Opening one input: decompression, format detection, size limits, error mapping.
use crate::document::DocumentSource;
use crate::feed::FeedSource;
use crate::jsonl::JsonlSource;
use crate::sniff::{sniff, Format, HEAD_BYTES};
use crate::warc::WarcSource;
use crate::{Error, IngestConfig, Result, Source};
use flate2::read::MultiGzDecoder;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

/// A boxed source, as [`crate::Inputs`] holds it.
pub(crate) type BoxedSource = Box<dyn Source + Send>;
type BoxedRead = Box<dyn Read + Send>;

/// How an input was named and whether it was gzipped: what every error needs.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    /// The input's name: a path or `-`.
    pub name: String,
    /// Default id prefix: the file stem (`.gz` and the format extension stripped), `stdin` for `-`.
    pub stem: String,
    /// Whether the bytes were gzip-decompressed (read errors then mean a bad gzip).
    pub gzip: bool,
}

impl Origin {
    /// An origin for a name (a path or `-`), not gzipped.
    pub fn named(name: &str) -> Origin {
        let stem = if name == "-" {
            "stdin".to_owned()
        } else {
            let file = Path::new(name)
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file = strip_suffix_ignore_case(&file, ".gz").unwrap_or(&file);
            match file.rfind('.') {
                Some(dot) if dot > 0 => file[..dot].to_owned(),
                _ => file.to_owned(),
            }
        };
        Origin {
            name: name.to_owned(),
            stem,
            gzip: false,
        }
    }

    /// The error for a failed read of this input.
    pub fn read_error(&self, e: &io::Error) -> Error {
        read_error(&self.name, self.gzip, e)
    }
}

fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

/// The extension that decides the format, lowercase: `a.jsonl.gz` gives `jsonl`.
fn format_extension(name: &str) -> (Option<String>, bool) {
    let file = Path::new(name)
        .file_name()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (inner, gz) = match file.strip_suffix(".gz") {
        Some(inner) => (inner.to_owned(), true),
        None => (file, false),
    };
    let extension = Path::new(&inner)
        .extension()
        .map(|e| e.to_string_lossy().into_owned());
    (extension, gz)
}

/// One line of text for an error message, starting lowercase like the rest of the message.
pub(crate) fn reason(message: impl std::fmt::Display) -> String {
    let text = message.to_string();
    let mut line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(first) = line.chars().next() {
        let lower: String = first.to_lowercase().collect();
        line.replace_range(..first.len_utf8(), &lower);
    }
    line.trim_end_matches('.').to_owned()
}

/// The error for opening or inspecting a path.
pub(crate) fn io_error(name: &str, e: &io::Error) -> Error {
    if e.kind() == io::ErrorKind::NotFound {
        Error::NotFound {
            input: name.to_owned(),
        }
    } else {
        Error::Io {
            input: name.to_owned(),
            reason: reason(e),
        }
    }
}

/// The error for a failed read: a decoding failure of gzipped input is a gzip error.
pub(crate) fn read_error(name: &str, gzip: bool, e: &io::Error) -> Error {
    let bad_data = matches!(
        e.kind(),
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof
    );
    if gzip && bad_data {
        Error::Gzip {
            input: name.to_owned(),
            reason: reason(e),
        }
    } else {
        Error::Io {
            input: name.to_owned(),
            reason: reason(e),
        }
    }
}

/// A short, filesystem-safe id: `candidate` itself when it is made of `[A-Za-z0-9._-]` and at
/// most 64 bytes long, else `prefix-` and 16 hex digits of its xxh3 hash (stable across runs).
pub(crate) fn safe_id(prefix: &str, candidate: &str) -> String {
    let candidate = candidate.trim();
    let safe = !candidate.is_empty()
        && candidate.len() <= 64
        && !candidate.starts_with('.')
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if safe {
        candidate.to_owned()
    } else {
        format!("{prefix}-{:016x}", xxh3_64(candidate.as_bytes()))
    }
}

/// Reads one line into `buf` (without its `\n`), keeping at most `limit` bytes of it. Returns the
/// line's full length (more than `limit` means it was cut), or `None` at the end of input.
pub(crate) fn read_line_bounded<R: BufRead>(
    reader: &mut R,
    limit: u64,
    buf: &mut Vec<u8>,
) -> io::Result<Option<u64>> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        total = total.saturating_add(chunk.len() as u64);
        if total <= limit {
            buf.extend_from_slice(chunk);
        } else if !buf.is_empty() {
            buf.clear();
            buf.shrink_to(4096);
        }
        reader.consume(used);
        if done {
            return Ok(Some(total));
        }
    }
}

/// Reads at most `limit` bytes; `Ok(Err(()))` when there is more.
fn read_limited(reader: &mut dyn Read, limit: u64) -> io::Result<std::result::Result<Vec<u8>, ()>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        Ok(Err(()))
    } else {
        Ok(Ok(bytes))
    }
}

/// Reads up to `want` bytes (fewer only at the end of input).
fn read_head(reader: &mut dyn Read, want: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(want);
    reader.take(want as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Opens a regular file of `len` bytes.
pub(crate) fn open_file(
    path: &Path,
    name: &str,
    len: u64,
    config: &IngestConfig,
) -> Result<BoxedSource> {
    let file = std::fs::File::open(path).map_err(|e| io_error(name, &e))?;
    open_any(Origin::named(name), Some(len), Box::new(file), config)
}

/// Opens stdin, sniffed.
pub(crate) fn open_stdin(config: &IngestConfig) -> Result<Option<BoxedSource>> {
    open_any(Origin::named("-"), None, Box::new(io::stdin()), config).map(Some)
}

/// Opens a caller's stream, sniffed.
pub(crate) fn open_stream(
    name: &str,
    reader: BoxedRead,
    config: &IngestConfig,
) -> Result<Option<BoxedSource>> {
    open_any(Origin::named(name), None, reader, config).map(Some)
}

fn open_any(
    mut origin: Origin,
    file_len: Option<u64>,
    raw: BoxedRead,
    config: &IngestConfig,
) -> Result<BoxedSource> {
    let (extension, gz_name) = format_extension(&origin.name);
    let mut raw = BufReader::new(raw);
    let magic = peek(&mut raw, 2).map_err(|e| origin.read_error(&e))?;
    origin.gzip = magic.starts_with(&[0x1f, 0x8b]);
    if gz_name && !origin.gzip {
        return Err(Error::Gzip {
            input: origin.name,
            reason: "no gzip header".into(),
        });
    }
    let mut reader: BoxedRead = if origin.gzip {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let head = read_head(&mut reader, HEAD_BYTES).map_err(|e| origin.read_error(&e))?;
    let format = extension
        .as_deref()
        .and_then(Format::from_extension)
        .unwrap_or_else(|| sniff(&head));
    tracing::trace!(input = %origin.name, ?format, gzip = origin.gzip, "Opened input.");
    let limit = config.max_file_bytes;
    let whole = |head: Vec<u8>, reader: BoxedRead| -> Result<Vec<u8>> {
        if let (Some(len), false) = (file_len, origin.gzip) {
            if len > limit {
                return Err(Error::TooLarge {
                    input: origin.name.clone(),
                    size_bytes: len,
                    at_least: false,
                    limit_bytes: limit,
                });
            }
        }
        let mut reader = Cursor::new(head).chain(reader);
        match read_limited(&mut reader, limit).map_err(|e| origin.read_error(&e))? {
            Ok(bytes) => Ok(bytes),
            Err(()) => Err(Error::TooLarge {
                input: origin.name.clone(),
                size_bytes: limit,
                at_least: true,
                limit_bytes: limit,
            }),
        }
    };
    match format {
        Format::Jsonl => {
            let reader = BufReader::new(Cursor::new(head).chain(reader));
            Ok(Box::new(JsonlSource::from_origin(origin, reader, config)))
        }
        Format::Warc => {
            let reader = BufReader::new(Cursor::new(head).chain(reader));
            Ok(Box::new(WarcSource::from_origin(origin, reader, config)))
        }
        Format::Feed => {
            let bytes = whole(head, reader)?;
            Ok(Box::new(FeedSource::parse(&origin.name, &bytes)?))
        }
        Format::Html | Format::Text => {
            let bytes = whole(head, reader)?;
            Ok(Box::new(DocumentSource::new(
                &origin.name,
                &origin.stem,
                format,
                bytes,
            )?))
        }
        Format::Binary => Err(Error::Binary { input: origin.name }),
    }
}

/// The first `n` bytes without consuming them (fewer at the end of input).
fn peek<R: Read>(reader: &mut BufReader<R>, n: usize) -> io::Result<Vec<u8>> {
    loop {
        match reader.fill_buf() {
            Ok(buf) => return Ok(buf[..buf.len().min(n)].to_vec()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{collect, gzip, write};
    use storyfold_model::RawBody;

    #[test]
    fn stems_drop_gz_and_the_format_extension() {
        assert_eq!(Origin::named("/x/a.jsonl.gz").stem, "a");
        assert_eq!(Origin::named("b.HTML").stem, "b");
        assert_eq!(Origin::named("c").stem, "c");
        assert_eq!(Origin::named(".hidden").stem, ".hidden");
        assert_eq!(Origin::named("-").stem, "stdin");
        assert_eq!(format_extension("A.JSONL.GZ"), (Some("jsonl".into()), true));
    }

    #[test]
    fn safe_ids_are_kept_and_others_hashed() {
        assert_eq!(safe_id("feed", "entry-1"), "entry-1");
        let hashed = safe_id("feed", "https://example.invalid/a/b?c=1");
        assert!(
            hashed.starts_with("feed-") && hashed.len() == 21,
            "{hashed}"
        );
        assert_eq!(hashed, safe_id("feed", "https://example.invalid/a/b?c=1"));
        assert_ne!(safe_id("feed", ".."), "..");
    }

    #[test]
    fn reason_is_one_lowercase_line_without_final_period() {
        assert_eq!(
            reason("Permission denied (os error 13)."),
            "permission denied (os error 13)"
        );
        assert_eq!(reason("a\nb"), "a b");
    }

    #[test]
    fn bounded_lines_report_their_full_length() {
        let mut reader = BufReader::with_capacity(4, &b"abcdefgh\nxy\n\nz"[..]);
        let mut buf = Vec::new();
        assert_eq!(
            read_line_bounded(&mut reader, 5, &mut buf).unwrap(),
            Some(8)
        );
        assert!(buf.is_empty());
        assert_eq!(
            read_line_bounded(&mut reader, 5, &mut buf).unwrap(),
            Some(2)
        );
        assert_eq!(buf, b"xy");
        assert_eq!(
            read_line_bounded(&mut reader, 5, &mut buf).unwrap(),
            Some(0)
        );
        assert_eq!(
            read_line_bounded(&mut reader, 5, &mut buf).unwrap(),
            Some(1)
        );
        assert_eq!(read_line_bounded(&mut reader, 5, &mut buf).unwrap(), None);
    }

    #[test]
    fn gzipped_text_and_html_are_decompressed() {
        let dir = tempfile::tempdir().unwrap();
        let txt = write(dir.path(), "a.txt.gz", &gzip(b"Title\n\nBody."));
        let html = write(
            dir.path(),
            "b.html.gz",
            &gzip(b"<html><body>x</body></html>"),
        );
        let got = collect(&[txt, html]);
        let a = got[0].as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), &a.body),
            ("a", &RawBody::Text("Title\n\nBody.".into()))
        );
        let b = got[1].as_ref().unwrap();
        assert_eq!(
            b.body,
            RawBody::Html(b"<html><body>x</body></html>".to_vec())
        );
    }

    #[test]
    fn truncated_gzip_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let body = "A ferry ran aground on Monday. ".repeat(400);
        let packed = gzip(body.as_bytes());
        let cut = write(dir.path(), "cut.txt.gz", &packed[..packed.len() / 2]);
        let after = write(dir.path(), "z.txt", b"still read");
        let got = collect(&[cut.clone(), after]);
        let e = got[0].as_ref().unwrap_err();
        assert!(matches!(e, Error::Gzip { .. }), "{e}");
        assert!(e
            .to_string()
            .starts_with(&format!("{}: corrupt or truncated gzip", cut.display())));
        assert_eq!(got[1].as_ref().unwrap().id.as_str(), "z");
    }

    #[test]
    fn corrupt_gzip_and_fake_gz_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut packed = gzip(b"some text to pack, some text to pack");
        let n = packed.len();
        packed[12..n - 8].iter_mut().for_each(|b| *b ^= 0x5a);
        let bad = write(dir.path(), "bad.txt.gz", &packed);
        let fake = write(dir.path(), "fake.txt.gz", b"plain text");
        let got = collect(&[bad, fake]);
        for item in &got {
            assert!(matches!(item, Err(Error::Gzip { .. })), "{item:?}");
        }
        assert!(got[1]
            .as_ref()
            .unwrap_err()
            .to_string()
            .ends_with("fake.txt.gz: corrupt or truncated gzip: no gzip header"));
    }

    #[test]
    fn gzip_magic_decompresses_without_the_extension() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "blob",
            &gzip(b"{\"id\":\"q\",\"text\":\"t\"}\n"),
        );
        let got = collect(&[path]);
        assert_eq!(got[0].as_ref().unwrap().id.as_str(), "q");
    }

    #[test]
    fn oversized_documents_name_the_input_and_size() {
        let dir = tempfile::tempdir().unwrap();
        let big = write(dir.path(), "big.txt", &vec![b'a'; 2000]);
        let gz = write(dir.path(), "big2.txt.gz", &gzip(&vec![b'a'; 2000]));
        let config = IngestConfig {
            max_file_bytes: 1000,
        };
        let got: Vec<_> = crate::open(&[big.clone(), gz.clone()], &config).collect();
        assert_eq!(
            got[0].as_ref().unwrap_err().to_string(),
            format!(
                "{}: too large: 2000 bytes, the limit is 1000",
                big.display()
            )
        );
        assert_eq!(
            got[1].as_ref().unwrap_err().to_string(),
            format!(
                "{}: too large: over 1000 bytes, the limit is 1000",
                gz.display()
            )
        );
    }

    #[test]
    fn a_fifty_megabyte_file_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.txt");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(50 << 20).unwrap();
        let got = collect(&[path]);
        let e = got[0].as_ref().unwrap_err();
        assert!(
            matches!(e, Error::TooLarge { size_bytes, at_least: false, .. } if *size_bytes == 50 << 20),
            "{e}"
        );
    }
}
