//! One document: a text or HTML file, or stdin that is neither JSON Lines, a feed nor WARC.
use crate::sniff::{decode_text, has_utf16_bom, looks_binary, Format, HEAD_BYTES};
use crate::{Error, Result, Source};
use storyfold_model::{ArticleId, RawArticle, RawBody};

/// A source of exactly one article: a whole text or HTML document.
pub struct DocumentSource {
    name: String,
    article: Option<RawArticle>,
}

impl DocumentSource {
    /// One document named `name` (a path or `-`) with id `id`. Text is decoded here (UTF-8, or
    /// UTF-16 with a BOM; the title stays in the text for extract to find); HTML bytes are kept
    /// as they are for extract to decode.
    ///
    /// # Errors
    /// [`Error::Binary`] for binary data, [`Error::InvalidUtf8`] for text that is not UTF-8.
    pub fn new(name: &str, id: &str, format: Format, bytes: Vec<u8>) -> Result<Self> {
        let body = match format {
            Format::Html => {
                let sample = &bytes[..bytes.len().min(HEAD_BYTES)];
                if !has_utf16_bom(&bytes) && looks_binary(sample) {
                    return Err(Error::Binary {
                        input: name.to_owned(),
                    });
                }
                RawBody::Html(bytes)
            }
            Format::Text => RawBody::Text(decode_text(name, bytes)?),
            _ => {
                return Err(Error::Binary {
                    input: name.to_owned(),
                })
            }
        };
        Ok(Self {
            name: name.to_owned(),
            article: Some(RawArticle {
                id: ArticleId(id.to_owned()),
                source: name.to_owned(),
                body,
                url: None,
                outlet: None,
                title: None,
                published: None,
                fetched_at: None,
            }),
        })
    }
}

impl Source for DocumentSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_article(&mut self) -> Option<Result<RawArticle>> {
        self.article.take().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{collect, write};

    #[test]
    fn text_file_keeps_its_title_line_and_takes_the_stem_as_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "ferry-1.txt",
            b"\xEF\xBB\xBFFerry aground\n\nA ferry ran aground.\n",
        );
        let got = collect(std::slice::from_ref(&path));
        let article = got[0].as_ref().unwrap();
        assert_eq!(article.id.as_str(), "ferry-1");
        assert_eq!(article.source, path.display().to_string());
        assert_eq!(
            article.body,
            RawBody::Text("Ferry aground\n\nA ferry ran aground.\n".into())
        );
        assert_eq!(article.title, None);
    }

    #[test]
    fn text_without_extension_is_sniffed_as_text_or_html() {
        let dir = tempfile::tempdir().unwrap();
        let text = write(dir.path(), "notes", b"Plain words here.");
        let html = write(
            dir.path(),
            "page",
            b"  <!DOCTYPE html><html><body>x</body></html>",
        );
        let got = collect(&[text, html]);
        assert!(matches!(got[0].as_ref().unwrap().body, RawBody::Text(_)));
        assert!(matches!(got[1].as_ref().unwrap().body, RawBody::Html(_)));
    }

    #[test]
    fn html_bytes_pass_through_undecoded() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"<html><head><meta charset=\"iso-8859-1\"></head><body>Caf\xe9</body></html>";
        let path = write(dir.path(), "latin.htm", bytes);
        let got = collect(&[path]);
        assert_eq!(got[0].as_ref().unwrap().body, RawBody::Html(bytes.to_vec()));
    }

    #[test]
    fn binary_junk_in_a_text_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "junk.txt",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0",
        );
        let got = collect(std::slice::from_ref(&path));
        assert_eq!(
            got[0].as_ref().unwrap_err().to_string(),
            format!("{}: binary data, not text", path.display())
        );
    }

    #[test]
    fn binary_junk_named_html_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "x.html", &[0u8, 1, 2, 3, 4, 5, 6, 7, 200, 201]);
        assert!(matches!(collect(&[path])[0], Err(Error::Binary { .. })));
    }

    #[test]
    fn invalid_utf8_names_the_file_and_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "latin.txt",
            b"Ferry aground\n\nThe caf\xe9 on the quay closed early.",
        );
        let got = collect(std::slice::from_ref(&path));
        assert_eq!(
            got[0].as_ref().unwrap_err().to_string(),
            format!("{}: invalid utf-8 at byte 22", path.display())
        );
    }

    #[test]
    fn empty_text_file_is_an_empty_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "empty.txt", b"");
        assert_eq!(
            collect(&[path])[0].as_ref().unwrap().body,
            RawBody::Text(String::new())
        );
    }
}
