//! What an input is: by its extension first, else by its first bytes.
use crate::{Error, Result};

/// How many leading bytes [`sniff`] needs (more are ignored).
pub(crate) const HEAD_BYTES: usize = 8 << 10;

/// The format of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Plain text: one document.
    Text,
    /// HTML: one document, bytes passed through for extract to decode.
    Html,
    /// JSON Lines: one article per line.
    Jsonl,
    /// RSS, Atom or JSON Feed: one article per entry.
    Feed,
    /// A WARC archive: one article per HTML response record.
    Warc,
    /// Not text: refused.
    Binary,
}

impl Format {
    /// The format an extension promises (lowercase, without the dot; `.gz` already stripped),
    /// or `None` when the content must decide.
    pub fn from_extension(extension: &str) -> Option<Format> {
        Some(match extension {
            "txt" | "text" => Format::Text,
            "html" | "htm" | "xhtml" | "shtml" => Format::Html,
            "jsonl" | "ndjson" => Format::Jsonl,
            "xml" | "rss" | "atom" => Format::Feed,
            "warc" => Format::Warc,
            _ => return None,
        })
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Guesses the format of an input from its first bytes (after decompression): `WARC/` starts a
/// WARC archive, `{` JSON Lines, `<rss`/`<feed`/`<rdf:RDF` a feed, other markup HTML, NUL
/// bytes or mostly non-text bytes binary data, and the rest text.
pub fn sniff(head: &[u8]) -> Format {
    let head = &head[..head.len().min(HEAD_BYTES)];
    if let Some(text) = decode_utf16(head) {
        return sniff_markup(text.trim_start().as_bytes()).unwrap_or(Format::Text);
    }
    let head = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    if head.starts_with(b"WARC/") {
        return Format::Warc;
    }
    let trimmed = head.trim_ascii_start();
    if trimmed.starts_with(b"{") {
        return Format::Jsonl;
    }
    if looks_binary(head) {
        return Format::Binary;
    }
    sniff_markup(trimmed).unwrap_or(Format::Text)
}

fn sniff_markup(trimmed: &[u8]) -> Option<Format> {
    let lower = trimmed[..trimmed.len().min(4096)].to_ascii_lowercase();
    let find = |needle: &[u8]| lower.windows(needle.len()).position(|w| w == needle);
    let html = [&b"<html"[..], b"<!doctype html", b"<head", b"<body"]
        .iter()
        .filter_map(|n| find(n))
        .min();
    if trimmed.starts_with(b"<") {
        let feed = [&b"<rss"[..], b"<feed", b"<rdf:rdf"]
            .iter()
            .filter_map(|n| find(n))
            .min();
        return Some(match (feed, html) {
            (Some(f), Some(h)) if f < h => Format::Feed,
            (Some(_), None) => Format::Feed,
            _ => Format::Html,
        });
    }
    html.map(|_| Format::Html)
}

/// True for NUL bytes, or more than 10% control characters, or more than 30% bytes that are not
/// UTF-8, in the sample: text in any single-byte charset stays under those, and compressed,
/// image or executable data is far over them.
pub(crate) fn looks_binary(sample: &[u8]) -> bool {
    if sample.is_empty() {
        return false;
    }
    if sample.contains(&0) {
        return true;
    }
    let control = sample
        .iter()
        .filter(|&&b| matches!(b, 0x01..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F))
        .count();
    let invalid: usize = sample.utf8_chunks().map(|c| c.invalid().len()).sum();
    control * 10 > sample.len() || invalid * 10 > sample.len() * 3
}

/// Decodes text with a UTF-16 byte-order mark (lossy), or `None` without one.
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (rest, little) = if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (rest, true)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (rest, false)
    } else {
        return None;
    };
    let units = rest.chunks_exact(2).map(|p| {
        let pair = [p[0], p[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// True when HTML bytes carry a UTF-16 byte-order mark (so their NUL bytes are not junk).
pub(crate) fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")
}

/// Decodes a text document: UTF-8 (a BOM is dropped) or UTF-16 with a BOM. Refuses binary data
/// and reports the byte offset of invalid UTF-8.
pub(crate) fn decode_text(input: &str, bytes: Vec<u8>) -> Result<String> {
    if let Some(text) = decode_utf16(&bytes) {
        if text.contains('\0') || looks_binary(text.as_bytes()) {
            return Err(Error::Binary {
                input: input.to_owned(),
            });
        }
        return Ok(text);
    }
    if bytes.contains(&0) || looks_binary(&bytes[..bytes.len().min(HEAD_BYTES)]) {
        return Err(Error::Binary {
            input: input.to_owned(),
        });
    }
    let offset = usize::from(bytes.starts_with(UTF8_BOM)) * UTF8_BOM.len();
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            text.drain(..offset);
            Ok(text)
        }
        Err(e) => Err(Error::InvalidUtf8 {
            input: input.to_owned(),
            offset: e.utf8_error().valid_up_to(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format_from_its_first_bytes() {
        assert_eq!(sniff(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n"), Format::Warc);
        assert_eq!(sniff(b"\xEF\xBB\xBF  {\"id\":\"a\"}\n"), Format::Jsonl);
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"),
            Format::Feed
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            Format::Feed
        );
        assert_eq!(
            sniff(b"<!DOCTYPE html><html><head><title>x</title>"),
            Format::Html
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><html xmlns=\"x\"><body>feed</body>"),
            Format::Html
        );
        assert_eq!(sniff(b"<div><p>A fragment</p></div>"), Format::Html);
        assert_eq!(
            sniff(b"Ferry runs aground\n\nKELMOUTH - A ferry ..."),
            Format::Text
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Format::Binary);
        assert_eq!(sniff(b""), Format::Text);
    }

    #[test]
    fn sniffs_utf16_html_by_its_bom() {
        let mut bytes = b"\xFF\xFE".to_vec();
        for unit in "<html><body>hi</body></html>".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        assert_eq!(sniff(&bytes), Format::Html);
    }

    #[test]
    fn latin1_text_is_not_binary_but_random_bytes_are() {
        assert!(!looks_binary(
            "Caf\u{e9} cr\u{e8}me, na\u{ef}ve fa\u{e7}ade".as_bytes()
        ));
        assert!(!looks_binary(
            b"Caf\xe9 cr\xe8me au lait, na\xefve fa\xe7ade de la maison"
        ));
        assert!(looks_binary(&[
            0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C
        ]));
        assert!(looks_binary(b"\x01\x02\x03\x04abc"));
    }

    #[test]
    fn decode_text_drops_the_bom_and_names_the_invalid_offset() {
        assert_eq!(
            decode_text("a", b"\xEF\xBB\xBFHello".to_vec()).unwrap(),
            "Hello"
        );
        let e = decode_text("a.txt", b"Hello, Caf\xe9 owner said so.".to_vec()).unwrap_err();
        assert_eq!(e.to_string(), "a.txt: invalid utf-8 at byte 10");
        let e = decode_text("j.txt", b"abc\0def".to_vec()).unwrap_err();
        assert_eq!(e.to_string(), "j.txt: binary data, not text");
        let mut utf16 = b"\xFE\xFF".to_vec();
        for unit in "Hi there".encode_utf16() {
            utf16.extend(unit.to_be_bytes());
        }
        assert_eq!(decode_text("u", utf16).unwrap(), "Hi there");
    }

    #[test]
    fn extensions_map_to_formats() {
        assert_eq!(Format::from_extension("htm"), Some(Format::Html));
        assert_eq!(Format::from_extension("ndjson"), Some(Format::Jsonl));
        assert_eq!(Format::from_extension("atom"), Some(Format::Feed));
        assert_eq!(Format::from_extension("warc"), Some(Format::Warc));
        assert_eq!(Format::from_extension("md"), None);
    }
}
