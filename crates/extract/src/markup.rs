//! A small, forgiving tag scanner for metadata: one pass over the page finds `<meta>`, `<link>`,
//! `<title>`, `<h1>`, `<time>`, `rel=author` and byline elements, and JSON-LD blocks. It never
//! builds a tree, so broken or truncated markup costs nothing but the fields it hides.
use memchr::memchr;
use std::collections::BTreeMap;

/// One start tag: lower-cased name and attributes (names lower-cased, values entity-decoded).
#[derive(Debug, Default)]
pub(crate) struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the scan found, before it is turned into article fields.
#[derive(Debug, Default)]
pub(crate) struct Markup {
    pub lang: Option<String>,
    pub title: Option<String>,
    pub h1: Option<String>,
    /// `<meta>` content by lower-cased `name`, `property`, `itemprop` or `http-equiv` (first wins).
    pub meta: BTreeMap<String, String>,
    pub canonical: Option<String>,
    pub time_datetime: Option<String>,
    pub rel_author: Option<String>,
    pub byline_element: Option<String>,
    pub json_ld: Vec<serde_json::Value>,
    pub charset: Option<String>,
    /// Visible text of every `<a>` element, in page order (empty ones left out).
    pub anchors: Vec<String>,
}

/// Elements whose content is never markup.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "noscript", "template",
];

/// Parses a start or end tag at `bytes[at] == b'<'`. Returns the tag (None for end tags and
/// declarations), whether it is an end tag, and the index just past `>`.
fn parse_tag(bytes: &[u8], at: usize) -> (Option<Tag>, bool, usize) {
    let len = bytes.len();
    let mut i = at + 1;
    if i >= len {
        return (None, false, len);
    }
    if bytes[i..].starts_with(b"!--") {
        let end = find(bytes, i + 3, b"-->").map_or(len, |e| e + 3);
        return (None, false, end);
    }
    if bytes[i] == b'!' || bytes[i] == b'?' {
        let end = memchr(b'>', &bytes[i..]).map_or(len, |e| i + e + 1);
        return (None, false, end);
    }
    let closing = bytes[i] == b'/';
    if closing {
        i += 1;
    }
    if i >= len || !bytes[i].is_ascii_alphabetic() {
        // A lone `<` in text.
        return (None, false, at + 1);
    }
    let name_start = i;
    while i < len && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name = String::from_utf8_lossy(&bytes[name_start..i]).to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < len && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= len {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        let key_start = i;
        while i < len && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let key = String::from_utf8_lossy(&bytes[key_start..i]).to_ascii_lowercase();
        while i < len && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < len && bytes[i] == b'=' {
            i += 1;
            while i < len && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < len && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let start = i + 1;
                let end = memchr(quote, &bytes[start..]).map_or(len, |e| start + e);
                value = decode_entities(&String::from_utf8_lossy(&bytes[start..end]));
                i = (end + 1).min(len);
            } else {
                let start = i;
                while i < len && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&String::from_utf8_lossy(&bytes[start..i]));
            }
        }
        if !key.is_empty() {
            attrs.push((key, value));
        }
    }
    if closing {
        (None, true, i)
    } else {
        (Some(Tag { name, attrs }), false, i)
    }
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= haystack.len() {
        return None;
    }
    memchr::memmem::find(&haystack[from..], needle).map(|p| p + from)
}

/// Finds the end tag `</name` (ASCII case-insensitive) from `from`; returns (content end, index
/// past the end tag).
fn find_end_tag(bytes: &[u8], from: usize, name: &str) -> (usize, usize) {
    let mut i = from;
    while let Some(p) = memchr(b'<', bytes.get(i..).unwrap_or(&[])) {
        let at = i + p;
        let rest = &bytes[at + 1..];
        if rest.first() == Some(&b'/')
            && rest.len() > name.len()
            && rest[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            let after = memchr(b'>', &bytes[at..]).map_or(bytes.len(), |e| at + e + 1);
            return (at, after);
        }
        i = at + 1;
    }
    (bytes.len(), bytes.len())
}

/// Bytes of an `<a>` element's content read for its text; longer link blocks are cut there.
const MAX_ANCHOR_BYTES: usize = 4000;

/// End of an `<a>` element's content: its `</a>` (not `</abbr>`, `</aside>`), or the next `<a`
/// start tag (links do not nest), or `limit`.
fn find_anchor_end(bytes: &[u8], from: usize, limit: usize) -> usize {
    let limit = limit.min(bytes.len());
    let mut i = from;
    while let Some(p) = memchr(b'<', &bytes[i.min(limit)..limit]) {
        let at = i + p;
        let name_at = if bytes.get(at + 1) == Some(&b'/') {
            2
        } else {
            1
        };
        let is_a = bytes
            .get(at + name_at)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'a'))
            && bytes
                .get(at + name_at + 1)
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if is_a {
            return at;
        }
        i = at + 1;
    }
    limit
}

/// Visible text of a markup fragment: tags dropped, entities decoded, whitespace collapsed.
pub(crate) fn fragment_text(fragment: &[u8]) -> String {
    let mut out = Vec::with_capacity(fragment.len());
    let mut i = 0;
    while i < fragment.len() {
        match memchr(b'<', &fragment[i..]) {
            Some(p) => {
                out.extend_from_slice(&fragment[i..i + p]);
                out.push(b' ');
                let at = i + p;
                let (_, _, next) = parse_tag(fragment, at);
                i = next.max(at + 1);
            }
            None => {
                out.extend_from_slice(&fragment[i..]);
                break;
            }
        }
    }
    let text = decode_entities(&String::from_utf8_lossy(&out));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes character references: numeric ones and the named ones common in news pages.
pub(crate) fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..]
            .char_indices()
            .take(12)
            .find(|(_, c)| !c.is_ascii_alphanumeric() && *c != '#')
            .map(|(i, c)| (i + 1, c));
        let decoded = match end {
            Some((e, ';')) => entity(&rest[1..e]).map(|c| (c, e + 1)),
            Some((e, _)) => entity(&rest[1..e]).map(|c| (c, e)),
            None => None,
        };
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "rsquo" => '\u{2019}',
        "lsquo" => '\u{2018}',
        "rdquo" => '\u{201d}',
        "ldquo" => '\u{201c}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hellip" => '\u{2026}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "middot" => '\u{b7}',
        "bull" => '\u{2022}',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "agrave" => 'à',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "ccedil" => 'ç',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        "euro" => '€',
        "pound" => '£',
        "deg" => '°',
        "times" => '×',
        _ => return None,
    })
}

fn is_byline_class(value: &str) -> bool {
    let value = value.to_ascii_lowercase();
    value.split(|c: char| c.is_whitespace()).any(|class| {
        class.contains("byline")
            || class == "author"
            || class == "author-name"
            || class == "authorname"
            || class.ends_with("__author")
            || class.ends_with("-author")
            || class.starts_with("author-")
    })
}

/// Scans the whole page once for metadata.
pub(crate) fn scan(bytes: &[u8]) -> Markup {
    let mut markup = Markup::default();
    let mut i = 0;
    while let Some(p) = memchr(b'<', bytes.get(i..).unwrap_or(&[])) {
        let at = i + p;
        let (tag, _closing, next) = parse_tag(bytes, at);
        i = next.max(at + 1);
        let Some(tag) = tag else { continue };
        match tag.name.as_str() {
            "html" => {
                if markup.lang.is_none() {
                    markup.lang = tag.attr("lang").map(str::to_string);
                }
            }
            "meta" => {
                if let Some(charset) = tag.attr("charset") {
                    markup.charset.get_or_insert_with(|| charset.to_string());
                }
                let key = tag
                    .attr("property")
                    .or_else(|| tag.attr("name"))
                    .or_else(|| tag.attr("itemprop"))
                    .or_else(|| tag.attr("http-equiv"));
                if let (Some(key), Some(content)) = (key, tag.attr("content")) {
                    let key = key.trim().to_ascii_lowercase();
                    if key == "content-type" {
                        if let Some(cs) = charset_of_content_type(content) {
                            markup.charset.get_or_insert(cs);
                        }
                    }
                    let content = content.trim();
                    if !content.is_empty() {
                        markup
                            .meta
                            .entry(key)
                            .or_insert_with(|| content.to_string());
                    }
                }
            }
            "link" => {
                let rel = tag.attr("rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") && markup.canonical.is_none() {
                    markup.canonical = tag.attr("href").map(str::to_string);
                }
            }
            "time" => {
                if markup.time_datetime.is_none() {
                    markup.time_datetime = tag.attr("datetime").map(str::to_string);
                }
            }
            "script" => {
                let (end, after) = find_end_tag(bytes, i, "script");
                let kind = tag.attr("type").unwrap_or("").to_ascii_lowercase();
                if kind.contains("ld+json") {
                    let body = String::from_utf8_lossy(&bytes[i..end]);
                    if let Some(value) = parse_json_ld(&body) {
                        markup.json_ld.push(value);
                    }
                }
                i = after;
            }
            "title" => {
                let (end, after) = find_end_tag(bytes, i, "title");
                if markup.title.is_none() {
                    let text = fragment_text(&bytes[i..end]);
                    if !text.is_empty() {
                        markup.title = Some(text);
                    }
                }
                i = after;
            }
            name if RAW_TEXT.contains(&name) => {
                let (_, after) = find_end_tag(bytes, i, name);
                i = after;
            }
            "h1" => {
                if markup.h1.is_none() {
                    let (end, _) = find_end_tag(bytes, i, "h1");
                    let text = fragment_text(&bytes[i..end]);
                    if !text.is_empty() {
                        markup.h1 = Some(text);
                    }
                }
            }
            name => {
                if name == "a" {
                    // Bounded: an unclosed `<a>` must not make the page quadratic.
                    let end = find_anchor_end(bytes, i, i + MAX_ANCHOR_BYTES);
                    let text = fragment_text(&bytes[i..end]);
                    if !text.is_empty() {
                        markup.anchors.push(text);
                    }
                }
                let rel_author = tag.attr("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("author"))
                });
                let byline_class = tag.attr("class").is_some_and(is_byline_class)
                    || tag.attr("itemprop").is_some_and(|v| v == "author");
                if (rel_author && markup.rel_author.is_none())
                    || (byline_class && markup.byline_element.is_none())
                {
                    let (end, _) = find_end_tag(bytes, i, name);
                    let text = fragment_text(&bytes[i..end.min(i + 2000)]);
                    if !text.is_empty() && text.split_whitespace().count() <= 12 {
                        if rel_author {
                            markup.rel_author = Some(text);
                        } else {
                            markup.byline_element = Some(text);
                        }
                    }
                }
            }
        }
    }
    markup
}

/// The charset a `Content-Type` value names.
pub(crate) fn charset_of_content_type(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let at = lower.find("charset=")?;
    let cs = lower[at + 8..]
        .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
        .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .next()?
        .to_string();
    (!cs.is_empty()).then_some(cs)
}

/// The charset declared in the first bytes of a page (`<meta charset>` or http-equiv).
pub(crate) fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(8192)];
    let mut i = 0;
    while let Some(p) = memchr(b'<', head.get(i..).unwrap_or(&[])) {
        let at = i + p;
        let (tag, _, next) = parse_tag(head, at);
        i = next.max(at + 1);
        let Some(tag) = tag else { continue };
        match tag.name.as_str() {
            "meta" => {
                if let Some(cs) = tag.attr("charset") {
                    return Some(cs.trim().to_string());
                }
                if tag
                    .attr("http-equiv")
                    .is_some_and(|h| h.eq_ignore_ascii_case("content-type"))
                {
                    if let Some(cs) = tag.attr("content").and_then(charset_of_content_type) {
                        return Some(cs);
                    }
                }
            }
            name if RAW_TEXT.contains(&name) => {
                let (_, after) = find_end_tag(head, i, name);
                i = after;
            }
            "body" => break,
            _ => {}
        }
    }
    None
}

/// Parses a JSON-LD block; tolerates raw control characters inside strings, which many sites
/// emit.
fn parse_json_ld(body: &str) -> Option<serde_json::Value> {
    let trimmed = body
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim();
    if let Ok(value) = serde_json::from_str(trimmed) {
        return Some(value);
    }
    let cleaned: String = trimmed
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    serde_json::from_str(&cleaned).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_named_and_numeric_entities() {
        assert_eq!(
            decode_entities("a &amp; b&#8217;s &#x2014; &nbsp;x &bogus;"),
            "a & b’s — \u{a0}x &bogus;"
        );
    }

    #[test]
    fn scans_meta_and_json_ld() {
        let page = br#"<html lang="en-GB"><head><meta charset=utf-8><title>Hi &amp; bye</title>
            <meta property="og:title" content="Og">
            <script type="application/ld+json">{"@type":"NewsArticle","headline":"H"}</script>
            <link rel="canonical" href="https://x.example/a"></head>
            <body><h1>Head <b>line</b></h1><span class="byline">By Ann Lee</span>
            <time datetime="2023-03-17">Friday</time></body></html>"#;
        let m = scan(page);
        assert_eq!(m.lang.as_deref(), Some("en-GB"));
        assert_eq!(m.title.as_deref(), Some("Hi & bye"));
        assert_eq!(m.meta.get("og:title").map(String::as_str), Some("Og"));
        assert_eq!(m.json_ld.len(), 1);
        assert_eq!(m.canonical.as_deref(), Some("https://x.example/a"));
        assert_eq!(m.h1.as_deref(), Some("Head line"));
        assert_eq!(m.byline_element.as_deref(), Some("By Ann Lee"));
        assert_eq!(m.time_datetime.as_deref(), Some("2023-03-17"));
        assert_eq!(declared_charset(page).as_deref(), Some("utf-8"));
    }

    #[test]
    fn collects_link_texts() {
        let page = br#"<p>Read <a href="/x">the <b>full</b> report</a> and
            <a href=/y>unclosed <abbr>UN</abbr> link <a href="/z">next</A> <a href="/e"></a>"#;
        let m = scan(page);
        assert_eq!(m.anchors, ["the full report", "unclosed UN link", "next"]);
    }

    #[test]
    fn reads_http_equiv_charset() {
        let page = br#"<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">"#;
        assert_eq!(declared_charset(page).as_deref(), Some("iso-8859-1"));
    }

    #[test]
    fn survives_truncated_tags() {
        let m = scan(b"<html lang=\"fr\"><meta name=\"author\" content=\"X");
        assert_eq!(m.lang.as_deref(), Some("fr"));
        let _ = scan(b"<");
        let _ = scan(b"<!--");
        let _ = scan(b"<script>");
    }
}
