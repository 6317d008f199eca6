//! HTML: charset, main text (rs-trafilatura, the best crate measured on AEB here) and metadata
//! (our own single-pass scan, so every date says which field it came from).
use crate::markup::{self, Markup};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use encoding_rs::Encoding;
use serde_json::Value;
use storyfold_model::{DateSource, Published};

/// Decodes page bytes: BOM first, then a declared charset, else valid UTF-8, else a guess.
pub(crate) fn decode(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding);
    }
    let declared = markup::declared_charset(bytes)
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()));
    let utf8 = std::str::from_utf8(bytes).is_ok();
    let encoding = match declared {
        // Pages that declare a legacy charset but are valid UTF-8 with non-ASCII bytes were
        // re-encoded by a CMS or proxy; decoding them as declared would garble every accent.
        Some(e) if utf8 && e != encoding_rs::UTF_8 && !bytes.is_ascii() && !is_multibyte(e) => {
            encoding_rs::UTF_8
        }
        // UTF-16 cannot be declared from inside an ASCII-compatible page (HTML spec).
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        Some(e) => e,
        None if utf8 => encoding_rs::UTF_8,
        None => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        }
    };
    let (text, _, _) = encoding.decode(bytes);
    (text.into_owned(), encoding)
}

fn is_multibyte(e: &'static Encoding) -> bool {
    [
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
        encoding_rs::GBK,
        encoding_rs::GB18030,
        encoding_rs::BIG5,
        encoding_rs::ISO_2022_JP,
    ]
    .contains(&e)
}

/// Metadata read from the markup.
#[derive(Debug, Default)]
pub(crate) struct PageMeta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<Published>,
    pub url: Option<String>,
    pub lang: Option<String>,
    pub description: Option<String>,
    /// The page's own statement of its body (JSON-LD `articleBody`).
    pub body: Option<String>,
}

/// JSON-LD types that describe the article itself.
fn is_article_type(value: &Value) -> bool {
    let is_article = |t: &str| {
        t.ends_with("Article") || t == "BlogPosting" || t == "Report" || t == "LiveBlogPosting"
    };
    match value.get("@type") {
        Some(Value::String(t)) => is_article(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(is_article),
        _ => false,
    }
}

/// Flattens JSON-LD blocks (arrays, `@graph`) into their objects.
fn json_ld_objects(blocks: &[Value]) -> Vec<&Value> {
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
        if depth > 4 {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|i| walk(i, out, depth + 1)),
            Value::Object(map) => {
                out.push(v);
                if let Some(graph) = map.get("@graph") {
                    walk(graph, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for b in blocks {
        walk(b, &mut out, 0);
    }
    out
}

fn names(value: &Value, objects: &[&Value]) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.trim().to_string()],
        Value::Array(items) => items.iter().flat_map(|i| names(i, objects)).collect(),
        Value::Object(map) => {
            if let Some(name) = map.get("name") {
                return names(name, objects);
            }
            // A reference into the graph: `{"@id": "..."}`.
            let id = map.get("@id").and_then(Value::as_str);
            objects
                .iter()
                .find(|o| o.get("@id").and_then(Value::as_str) == id && o.get("name").is_some())
                .and_then(|o| o.get("name"))
                .map(|n| names(n, &[]))
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}

/// Meta fields that carry the publication time, best first.
const DATE_META: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publish-date",
    "publishdate",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
    "article:modified_time",
    "datemodified",
];

/// Meta fields that carry the author.
const AUTHOR_META: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "byl",
    "parsely-author",
    "sailthru.author",
];

/// Parses a date as pages write it: ISO 8601 with or without offset, RFC 2822, `YYYY/MM/DD`,
/// `Month D, YYYY`.
pub(crate) fn parse_date(value: &str, source: DateSource) -> Option<Published> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(datetime) = DateTime::parse_from_str(value, format) {
            return Some(Published {
                date: datetime.date_naive(),
                datetime: Some(datetime),
                source,
            });
        }
    }
    if let Some(p) = Published::parse_iso(value, source.clone()) {
        return Some(p);
    }
    let slashed = value.replace('/', "-");
    if let Some(p) = Published::parse_iso(&slashed, source.clone()) {
        return Some(p);
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(value, "%Y%m%d%H%M%S") {
        return Some(Published {
            date: naive.date(),
            datetime: None,
            source,
        });
    }
    let cleaned: String = value
        .replace(',', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for format in ["%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y%m%d"] {
        let words = format.split(' ').count();
        let head: String = cleaned.split(' ').take(words).collect::<Vec<_>>().join(" ");
        if let Ok(date) = NaiveDate::parse_from_str(&head, format) {
            return Some(Published {
                date,
                datetime: None,
                source,
            });
        }
    }
    None
}

/// Drops " | Outlet" style suffixes (and "Outlet | " prefixes) from a page title.
pub(crate) fn clean_title(title: &str, outlet: Option<&str>) -> String {
    let title = title.trim();
    let key = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let outlet_key = outlet.map(key).filter(|k| !k.is_empty());
    for sep in [
        " | ", " - ", " – ", " — ", " :: ", " · ", " // ", " « ", " » ",
    ] {
        if let Some(at) = title.rfind(sep) {
            let (head, tail) = (&title[..at], &title[at + sep.len()..]);
            let tail_key = key(tail);
            let names_outlet = outlet_key.as_ref().is_some_and(|o| {
                tail_key == *o || tail_key.contains(o.as_str()) || o.contains(&tail_key)
            });
            let short =
                tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3;
            if !head.trim().is_empty() && (names_outlet || (short && sep == " | ")) {
                return clean_title(head, outlet);
            }
        }
        if let (Some(at), Some(o)) = (title.find(sep), outlet_key.as_ref()) {
            let (head, tail) = (&title[..at], &title[at + sep.len()..]);
            if key(head) == *o && !tail.trim().is_empty() {
                return tail.trim().to_string();
            }
        }
    }
    title.to_string()
}

fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?;
    Some(host.strip_prefix("www.").unwrap_or(host).to_string())
}

fn clean_byline(raw: &str) -> Option<String> {
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = t.to_lowercase();
    let t = ["by:", "by ", "written by ", "von ", "par "]
        .iter()
        .find_map(|p| {
            lower
                .starts_with(p)
                .then(|| t[p.len()..].trim().to_string())
        })
        .unwrap_or(t);
    let t = strip_trailing_date(&t);
    let t = t
        .trim_matches(|c: char| c == ',' || c == '|' || c.is_whitespace())
        .to_string();
    if t.is_empty()
        || t.starts_with("http")
        || t.contains("://")
        || t.split_whitespace().count() > 12
    {
        return None;
    }
    Some(t)
}

/// English month names and their usual abbreviations, lower-case.
pub(crate) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Cuts a date stamp that byline markup often carries after the names ("Ann Lee November 20,
/// 2019 10:43", "Ann Lee | 20/11/2019"): from the first word that is a month name followed by a
/// number, or that is itself a numeric date, onwards.
fn strip_trailing_date(byline: &str) -> String {
    let words: Vec<&str> = byline.split_whitespace().collect();
    let is_number = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .parse::<u32>()
            .is_ok()
    };
    let is_numeric_date = |w: &str| {
        let parts: Vec<&str> = w.split(['/', '-', '.']).filter(|p| !p.is_empty()).collect();
        parts.len() >= 2 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
    };
    let cut = (1..words.len()).find(|&i| {
        let lower = words[i]
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        (MONTHS.contains(&lower.as_str()) && words.get(i + 1).is_some_and(|n| is_number(n)))
            || is_numeric_date(words[i])
    });
    match cut {
        Some(i) => words[..i].join(" "),
        None => words.join(" "),
    }
}

/// Reads title, byline, outlet, date, URL and language from the markup.
pub(crate) fn page_meta(m: &Markup, fallback_url: Option<&str>) -> PageMeta {
    let objects = json_ld_objects(&m.json_ld);
    let article = objects
        .iter()
        .copied()
        .find(|o| is_article_type(o))
        .or_else(|| {
            objects
                .iter()
                .copied()
                .find(|o| o.get("headline").is_some() || o.get("datePublished").is_some())
        });
    let ld = |field: &str| article.and_then(|a| a.get(field));
    let meta = |key: &str| m.meta.get(key).map(String::as_str);

    let outlet = ld("publisher")
        .map(|p| names(p, &objects))
        .and_then(|n| n.into_iter().find(|s| !s.is_empty()))
        .or_else(|| meta("og:site_name").map(str::to_string))
        .or_else(|| meta("application-name").map(str::to_string));

    let url = m
        .canonical
        .as_deref()
        .or_else(|| meta("og:url"))
        .and_then(|u| match (url::Url::parse(u), fallback_url) {
            (Ok(abs), _) => Some(abs.to_string()),
            (Err(_), Some(base)) => url::Url::parse(base)
                .ok()?
                .join(u)
                .ok()
                .map(|j| j.to_string()),
            (Err(_), None) => None,
        })
        .or_else(|| fallback_url.map(str::to_string));
    let outlet = non_empty(outlet).or_else(|| url.as_deref().and_then(host_of));

    let ld_headline = ld("headline").and_then(Value::as_str).map(str::to_string);
    let title = non_empty(meta("og:title").map(str::to_string))
        .or_else(|| non_empty(ld_headline))
        .or_else(|| non_empty(meta("twitter:title").map(str::to_string)))
        .or_else(|| non_empty(m.title.clone()))
        .or_else(|| non_empty(m.h1.clone()))
        .map(|t| clean_title(&t, outlet.as_deref()));

    let byline = ld("author")
        .map(|a| {
            let mut all = names(a, &objects);
            all.retain(|n| !n.is_empty());
            all.dedup();
            all.join(", ")
        })
        .and_then(|a| clean_byline(&a))
        .or_else(|| {
            AUTHOR_META
                .iter()
                .find_map(|k| meta(k).and_then(clean_byline))
        })
        .or_else(|| m.rel_author.as_deref().and_then(clean_byline))
        .or_else(|| m.byline_element.as_deref().and_then(clean_byline));

    let markup = |field: &str| DateSource::Markup {
        field: field.to_string(),
    };
    let published = ["datePublished", "dateCreated", "dateModified"]
        .iter()
        .find_map(|f| {
            ld(f)
                .and_then(Value::as_str)
                .and_then(|v| parse_date(v, markup(&format!("json-ld {f}"))))
        })
        .or_else(|| {
            DATE_META
                .iter()
                .find_map(|k| meta(k).and_then(|v| parse_date(v, markup(&format!("meta {k}")))))
        })
        .or_else(|| {
            m.time_datetime
                .as_deref()
                .and_then(|v| parse_date(v, markup("time datetime")))
        });

    let lang = m
        .lang
        .as_deref()
        .or_else(|| meta("og:locale"))
        .or_else(|| meta("content-language"))
        .or_else(|| ld("inLanguage").and_then(Value::as_str))
        .and_then(primary_language);

    PageMeta {
        title,
        byline,
        outlet,
        published,
        url,
        lang,
        description: meta("og:description")
            .or_else(|| meta("description"))
            .map(str::to_string),
        body: ld("articleBody")
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}

/// `en-GB` -> `en`; `en_US` -> `en`; rejects values that are not language tags.
pub(crate) fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    ((2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase()))
        .then_some(primary)
}

/// Replaces line breaks in the page source with spaces, except inside `<pre>`. In HTML a
/// source line break is a space (paragraphs come from elements and `<br>`), but the main-text
/// extractor keeps it, which split one `<p>` into several paragraphs. Works in place on the
/// bytes: `\n` and `\r` are ASCII, so swapping them for a space keeps the text valid UTF-8
/// (this ran per character before and cost 3% of extraction time on AEB).
pub(crate) fn collapse_source_newlines(html: String) -> String {
    let mut bytes = html.into_bytes();
    let len = bytes.len();
    let mut at = 0;
    while at < len {
        let pre = find_tag_ignore_case(&bytes, at, b"<pre").unwrap_or(len);
        for b in &mut bytes[at..pre] {
            if *b == b'\n' || *b == b'\r' {
                *b = b' ';
            }
        }
        if pre == len {
            break;
        }
        at = find_tag_ignore_case(&bytes, pre, b"</pre").map_or(len, |e| e + 5);
    }
    // Only ASCII bytes were replaced by ASCII bytes, so this never takes the lossy path.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// First position at or after `from` where `needle` (which starts with `<`) occurs, ignoring
/// ASCII case.
fn find_tag_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + p;
        if bytes
            .get(at..at + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Main text of a decoded page, one entry per paragraph.
/// `html` has had its source line breaks collapsed ([`collapse_source_newlines`]).
/// `assume_article` skips the crate's page-type classifier and extracts as an article.
pub(crate) fn main_text(html: &str, assume_article: bool) -> Vec<String> {
    let options = rs_trafilatura::Options {
        page_type: assume_article.then_some(rs_trafilatura::page_type::PageType::Article),
        ..rs_trafilatura::Options::default()
    };
    match rs_trafilatura::extract_with_options(html, &options) {
        Ok(result) => result
            .content_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        Err(error) => {
            tracing::debug!(%error, "Main-text extractor found nothing; using paragraphs.");
            Vec::new()
        }
    }
}

/// Lower-cased `\w+` runs, the benchmark's tokens.
fn word_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Keeps the paragraphs that the page's own JSON-LD `articleBody` contains. Publishers fill
/// `articleBody` from the article record, so related-link lists, teasers and widgets the
/// main-text extractor picked up are absent from it. Used only when the field is a full text
/// rather than a teaser (at least `MIN_BODY_SHARE` of the extracted words) and when the
/// paragraphs it keeps still cover most of it, so a stale or partial field changes nothing.
pub(crate) fn filter_by_article_body(
    paragraphs: Vec<String>,
    body: &str,
) -> (Vec<String>, Vec<String>) {
    /// Share of the extracted words `articleBody` must have to be trusted.
    const MIN_BODY_SHARE: f64 = 0.6;
    /// Share of a paragraph's word 3-grams that must occur in `articleBody` for it to stay.
    const MIN_CONTAINED: f64 = 0.5;
    /// Extracted text at least this many times longer than `articleBody` ...
    const REPEAT_LENGTH: f64 = 1.5;
    /// ... whose word 3-grams come from `articleBody` at least this often repeats the body.
    const REPEAT_SHARE: f64 = 0.8;
    // Some publishers write `articleBody` as HTML (`<body><p>...</p>`): read its paragraphs.
    let body_text;
    let body = if body.contains("</") {
        let mut paragraphs = paragraph_text(body);
        if paragraphs.is_empty() {
            paragraphs.push(markup::fragment_text(body.as_bytes()));
        }
        body_text = paragraphs.join("\n");
        body_text.as_str()
    } else {
        body
    };
    let body_tokens = word_tokens(body);
    if body_tokens.len() < 30 {
        return (paragraphs, Vec::new());
    }
    let words: std::collections::HashSet<&str> = body_tokens.iter().map(String::as_str).collect();
    let grams: std::collections::HashSet<[&str; 3]> = body_tokens
        .windows(3)
        .map(|w| [w[0].as_str(), w[1].as_str(), w[2].as_str()])
        .collect();
    let paragraph_tokens: Vec<Vec<String>> = paragraphs.iter().map(|p| word_tokens(p)).collect();
    let extracted: usize = paragraph_tokens.iter().map(Vec::len).sum();
    // The extractor sometimes returns the body several times over, glued into one block (its
    // structured-data and DOM passes both kept). Text much longer than `articleBody` yet made
    // almost only of its 3-grams is that repetition; a teaser `articleBody` or an extraction
    // with sidebars has most of its 3-grams elsewhere (on AEB: 0.93 against at most 0.14).
    if extracted as f64 >= REPEAT_LENGTH * body_tokens.len() as f64 {
        let all: Vec<&str> = paragraph_tokens
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let windows = all.len().saturating_sub(2);
        let from_body = all
            .windows(3)
            .filter(|w| grams.contains(&[w[0], w[1], w[2]]))
            .count();
        if windows > 0 && from_body as f64 >= REPEAT_SHARE * windows as f64 {
            let kept = body
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            return (kept, paragraphs);
        }
    }
    if (body_tokens.len() as f64) < MIN_BODY_SHARE * extracted as f64 {
        return (paragraphs, Vec::new());
    }
    let mut keep = Vec::with_capacity(paragraphs.len());
    let mut kept_words = 0usize;
    for tokens in &paragraph_tokens {
        let contained = if tokens.len() < 3 {
            tokens.iter().all(|t| words.contains(t.as_str()))
        } else {
            let hits = tokens
                .windows(3)
                .filter(|w| grams.contains(&[w[0].as_str(), w[1].as_str(), w[2].as_str()]))
                .count();
            hits as f64 >= MIN_CONTAINED * (tokens.len() - 2) as f64
        };
        if contained {
            kept_words += tokens.len();
        }
        keep.push(contained);
    }
    // The kept paragraphs must account for most of `articleBody`, or the field describes
    // something else (a different article, a summary) and is not evidence.
    if (kept_words as f64) < 0.7 * body_tokens.len() as f64 {
        return (paragraphs, Vec::new());
    }
    let (mut kept, mut removed) = (Vec::new(), Vec::new());
    for (p, k) in paragraphs.into_iter().zip(keep) {
        if k {
            kept.push(p);
        } else {
            removed.push(p);
        }
    }
    (kept, removed)
}

/// Byte spans of the `\w+` runs of a text (the benchmark's tokens).
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric() || c == '_', start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Removes link text from the extracted paragraphs: related-story lists, teasers and tag rows
/// that the main-text extractor took with the article, whole or spliced into a paragraph
/// (`anchors` are the page's `<a>` texts). A word is link text when a word 3-gram of some link
/// covers it. A paragraph of `MIN_LINK_WORDS`+ words that is at least `MIN_LINK_SHARE` link
/// text goes; elsewhere a run of `MIN_LINK_RUN`+ link words in a row is cut out (a list of
/// headlines glued to a sentence), and the paragraph goes if under three words remain.
/// Never taken whole: a paragraph that shows a web address (reference lists, "Link to ... –
/// https://..."), and a link paragraph the page repeats (a product or place name used as
/// a subheading and linked each time). Chosen on the first half of AEB by file name.
/// Returns the kept paragraphs and the removed text.
pub(crate) fn filter_link_paragraphs(
    paragraphs: Vec<String>,
    anchors: &[String],
) -> (Vec<String>, Vec<String>) {
    /// Fewest words for a whole paragraph to go as link text: shorter links (tags, `[ CNET ]`
    /// source labels, subheads such as `Pre-Workout Meal`) are often part of the article.
    const MIN_LINK_WORDS: usize = 4;
    /// Share of a paragraph's words that must be link text for it to go whole (0.7 took more
    /// lead sentences spliced with widgets on the first half; 0.9 kept recall).
    const MIN_LINK_SHARE: f64 = 0.9;
    /// Link words in a row cut out of a paragraph; inline links in a sentence are shorter
    /// (8 and 12 cut sentence text on the first half, 25 left lists in place).
    const MIN_LINK_RUN: usize = 16;
    let shows_address = |p: &str| p.contains("://") || p.contains("www.");
    if anchors.is_empty() {
        return (paragraphs, Vec::new());
    }
    let gram_key = |a: &str, b: &str, c: &str| {
        use std::hash::{Hash, Hasher};
        // Fixed keys: the same page gives the same set on every run.
        let mut h = std::hash::DefaultHasher::new();
        (a, b, c).hash(&mut h);
        h.finish()
    };
    let mut grams = std::collections::HashSet::new();
    for anchor in anchors {
        let tokens = word_tokens(anchor);
        grams.extend(tokens.windows(3).map(|w| gram_key(&w[0], &w[1], &w[2])));
    }
    let mut repeats: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for p in &paragraphs {
        *repeats.entry(p.as_str()).or_default() += 1;
    }
    let (mut kept, mut removed) = (Vec::new(), Vec::new());
    for (i, p) in paragraphs.iter().enumerate() {
        let spans = word_spans(p);
        let tokens: Vec<String> = spans.iter().map(|&(s, e)| p[s..e].to_lowercase()).collect();
        let mut covered = vec![false; tokens.len()];
        for (at, w) in tokens.windows(3).enumerate() {
            if grams.contains(&gram_key(&w[0], &w[1], &w[2])) {
                covered[at..at + 3].iter_mut().for_each(|c| *c = true);
            }
        }
        let share = covered.iter().filter(|c| **c).count() as f64 / tokens.len().max(1) as f64;
        let whole = share >= MIN_LINK_SHARE
            && !shows_address(p)
            && p.split_whitespace().count() >= MIN_LINK_WORDS
            && repeats[p.as_str()] == 1;
        if whole {
            tracing::trace!(paragraph = i, share, "Link paragraph removed.");
            removed.push(p.clone());
            continue;
        }
        // Cut each long run of link words, from its first word to the next word after it.
        let mut rest = String::new();
        let (mut from, mut at, mut cut) = (0, 0, false);
        while at < tokens.len() {
            let run = covered[at..].iter().take_while(|c| **c).count();
            if run >= MIN_LINK_RUN {
                let start = spans[at].0;
                let end = spans.get(at + run).map_or(p.len(), |s| s.0);
                rest.push_str(&p[from..start]);
                rest.push(' ');
                removed.push(p[start..end].trim().to_string());
                (from, cut) = (end, true);
            }
            at += run.max(1);
        }
        if !cut {
            kept.push(p.clone());
            continue;
        }
        rest.push_str(&p[from..]);
        let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        tracing::trace!(paragraph = i, "Link run cut from a paragraph.");
        if word_spans(&rest).len() >= 3 {
            kept.push(rest);
        } else if !rest.is_empty() {
            removed.push(rest);
        }
    }
    (kept, removed)
}

/// Splits off the author box that closes many articles: among the last `TAIL` paragraphs, the
/// author's name alone, and a bio that opens with the name and a describing verb (`Ann Lee is
/// a reporter ...`, `Ann Lee's book ...`, `Ann Lee covers ...`). `byline` is the author as the
/// markup names them; with several authors nothing is done.
pub(crate) fn filter_author_bio(
    paragraphs: Vec<String>,
    byline: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    /// Paragraphs at the end that may hold the author box.
    const TAIL: usize = 3;
    /// Words a bio paragraph may have; longer ones are reporting about the person.
    const MAX_BIO_WORDS: usize = 80;
    const VERBS: &[&str] = &[
        "is", "was", "has", "writes", "covers", "lives", "joined", "reports", "'s", "’s",
    ];
    let Some(name) = byline
        .map(str::trim)
        .filter(|b| !b.is_empty() && !b.contains([',', '&']) && !b.contains(" and "))
    else {
        return (paragraphs, Vec::new());
    };
    let tail_from = paragraphs.len().saturating_sub(TAIL);
    let (mut kept, mut removed) = (Vec::new(), Vec::new());
    for (i, p) in paragraphs.into_iter().enumerate() {
        let bio = i >= tail_from
            && (p.trim() == name
                || p.strip_prefix(name).is_some_and(|rest| {
                    let rest = rest.trim_start();
                    p.split_whitespace().count() <= MAX_BIO_WORDS
                        && VERBS.iter().any(|v| {
                            rest.strip_prefix(v).is_some_and(|after| {
                                after.starts_with(' ') || v.starts_with(['\'', '’'])
                            })
                        })
                }));
        if bio {
            removed.push(p);
        } else {
            kept.push(p);
        }
    }
    (kept, removed)
}

/// Fallback main text: the text of every `<p>` element.
pub(crate) fn paragraph_text(html: &str) -> Vec<String> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&bytes[from..], b"<p") {
        let at = from + p;
        from = at + 2;
        if !bytes
            .get(at + 2)
            .is_some_and(|b| *b == b'>' || b.is_ascii_whitespace())
        {
            continue;
        }
        let Some(open_end) = memchr::memchr(b'>', &bytes[at..]).map(|e| at + e + 1) else {
            break;
        };
        let close =
            memchr::memmem::find(&bytes[open_end..], b"</p").map_or(bytes.len(), |e| open_end + e);
        let text = markup::fragment_text(&bytes[open_end..close]);
        if !text.is_empty() {
            out.push(text);
        }
        from = close.max(from);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_over_meta() {
        let mut page = vec![0xEF, 0xBB, 0xBF];
        page.extend_from_slice("<meta charset=\"iso-8859-1\"><p>café</p>".as_bytes());
        let (text, enc) = decode(&page);
        assert_eq!(enc, encoding_rs::UTF_8);
        assert!(text.contains("café"));
    }

    #[test]
    fn declared_latin1_is_honoured() {
        let page = b"<meta charset=\"iso-8859-1\"><p>caf\xe9</p>";
        let (text, _) = decode(page);
        assert!(text.contains("café"));
    }

    #[test]
    fn undeclared_legacy_bytes_are_detected() {
        let page = b"<html><p>Le caf\xe9 \xe9tait ferm\xe9 \xe0 cause de la gr\xe8ve, a d\xe9clar\xe9 le g\xe9rant.</p></html>";
        let (text, _) = decode(page);
        assert!(text.contains("café était fermé"), "{text}");
    }

    #[test]
    fn title_suffixes_go() {
        assert_eq!(
            clean_title("Bridge closes for repairs | Daily Gazette", None),
            "Bridge closes for repairs"
        );
        assert_eq!(
            clean_title(
                "Bridge closes for repairs - The Gazette",
                Some("The Gazette")
            ),
            "Bridge closes for repairs"
        );
        assert_eq!(
            clean_title("Gazette | Bridge closes", Some("Gazette")),
            "Bridge closes"
        );
        assert_eq!(
            clean_title("Rock - paper - scissors", None),
            "Rock - paper - scissors"
        );
    }

    #[test]
    fn source_line_breaks_are_spaces_outside_pre() {
        assert_eq!(
            collapse_source_newlines("<p>a\nb</p>\r\n<PRE>x\ny</PRE><p>é\nz</p>".into()),
            "<p>a b</p>  <PRE>x\ny</PRE><p>é z</p>"
        );
        assert_eq!(
            collapse_source_newlines("<pre>open\nend".into()),
            "<pre>open\nend"
        );
        assert_eq!(collapse_source_newlines("<a\n<".into()), "<a <");
    }

    #[test]
    fn repeated_body_gives_way_to_article_body() {
        let body = "<body><p>The ferry service resumed on Tuesday after a week of storms kept \
                    every boat in the harbour, the operator said.</p><p>Crews worked through the \
                    night to check the hulls and the ramps before the first crossing at six in \
                    the morning, the harbour master told reporters.</p></body>";
        let glued = "The ferry service resumed on Tuesday after a week of storms kept every boat \
                     in the harbour, the operator said.Crews worked through the night to check \
                     the hulls and the ramps before the first crossing at six in the morning, the \
                     harbour master told reporters.";
        let repeated = vec![format!("{glued} {glued} {glued}")];
        let (kept, removed) = filter_by_article_body(repeated.clone(), body);
        assert_eq!(kept.len(), 2, "{kept:?}");
        assert!(kept[1].starts_with("Crews worked"), "{kept:?}");
        assert_eq!(removed, repeated);
        // Text longer than the body for other reasons (a teaser body, sidebars) is not replaced.
        let mut longer = vec![glued.to_string()];
        longer.extend((0..6).map(|i| {
            format!("Lottery winner number {i} buys a castle in the hills with a moat and towers")
        }));
        let (kept, _) = filter_by_article_body(longer.clone(), body);
        assert_eq!(kept, longer);
    }

    #[test]
    fn link_lists_go_and_linked_words_in_sentences_stay() {
        let anchors: Vec<String> = [
            "Harbour bridge to close for a month",
            "Ferry fares rise again next spring",
            "Lighthouse keeper retires after forty years on the rock",
            "the council report",
            "Tide Tables",
            "https://port.example/tides",
        ]
        .map(String::from)
        .to_vec();
        let paragraphs: Vec<String> = [
            "The council voted to close the bridge, as the council report advised on Monday.",
            "Harbour bridge to close for a month",
            "Ferry fares rise again next spring Harbour bridge to close for a month",
            "Tide Tables",
            "Full tables: https://port.example/tides",
            "Ferry fares rise again next spring",
            "Ferry fares rise again next spring",
            "Mayor Jo Park Harbour bridge to close for a month Lighthouse keeper retires after \
             forty years on the rock said the work could not wait.",
        ]
        .map(String::from)
        .to_vec();
        let (kept, removed) = filter_link_paragraphs(paragraphs.clone(), &anchors);
        assert_eq!(
            kept,
            [
                paragraphs[0].as_str(),
                "Tide Tables",
                "Full tables: https://port.example/tides",
                "Ferry fares rise again next spring",
                "Ferry fares rise again next spring",
                "Mayor Jo Park said the work could not wait.",
            ]
        );
        assert_eq!(removed[..2], paragraphs[1..3]);
        assert_eq!(
            removed[2],
            "Harbour bridge to close for a month Lighthouse keeper retires after forty years on \
             the rock"
        );
        let (kept, removed) = filter_link_paragraphs(paragraphs.clone(), &[]);
        assert_eq!((kept, removed.len()), (paragraphs, 0));
    }

    #[test]
    fn closing_author_box_goes() {
        let paragraphs: Vec<String> = [
            "Ann Lee is the harbour master, the council said.",
            "The bridge reopens in May.",
            "Ann Lee",
            "Ann Lee is a reporter who lives by the sea with two cats.",
        ]
        .map(String::from)
        .to_vec();
        let (kept, removed) = filter_author_bio(paragraphs.clone(), Some("Ann Lee"));
        assert_eq!(kept, paragraphs[..2]);
        assert_eq!(removed, paragraphs[2..]);
        let (kept, _) = filter_author_bio(paragraphs.clone(), Some("Ann Lee, Bo Park"));
        assert_eq!(kept, paragraphs);
        let (kept, _) = filter_author_bio(paragraphs.clone(), None);
        assert_eq!(kept, paragraphs);
        let possessive = vec![
            "Body.".to_string(),
            "Ann Lee's book is out now.".to_string(),
        ];
        assert_eq!(filter_author_bio(possessive, Some("Ann Lee")).0, ["Body."]);
    }

    #[test]
    fn bylines_lose_their_date_stamps() {
        assert_eq!(
            clean_byline("By Ann Lee November 20, 2019 10:43").as_deref(),
            Some("Ann Lee")
        );
        assert_eq!(
            clean_byline("GAZETTE STAFF | 20/11/2019").as_deref(),
            Some("GAZETTE STAFF")
        );
        assert_eq!(
            clean_byline("Jo May, Sam Hill").as_deref(),
            Some("Jo May, Sam Hill")
        );
        assert_eq!(clean_byline("June Park").as_deref(), Some("June Park"));
    }

    #[test]
    fn dates_in_page_formats() {
        let src = DateSource::Given;
        let d = |s| parse_date(s, src.clone()).map(|p| p.iso_date());
        assert_eq!(d("2023-03-17T10:00:00+0000").as_deref(), Some("2023-03-17"));
        assert_eq!(d("2023-03-17T10:00:00").as_deref(), Some("2023-03-17"));
        assert_eq!(d("2023/03/17").as_deref(), Some("2023-03-17"));
        assert_eq!(d("March 17, 2023").as_deref(), Some("2023-03-17"));
        assert_eq!(
            d("Fri, 17 Mar 2023 10:00:00 GMT").as_deref(),
            Some("2023-03-17")
        );
        assert_eq!(d("soon"), None);
    }
}
