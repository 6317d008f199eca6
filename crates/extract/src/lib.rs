//! Extraction: `RawArticle` -> `Article`, the second stage of the pipeline (after ingest, before
//! analyze).
//!
//! - HTML: the charset is decided from the BOM, then `<meta charset>`/http-equiv, else detected;
//!   the main text comes from `rs-trafilatura` (the best crate measured on the article-extraction
//!   benchmark here, see `docs/RESULTS.md`; it is handed the page without script bodies, style
//!   sheets, SVG content and comments, which it never keeps), and metadata (title, byline, outlet,
//!   publication date with the field it came from, canonical URL, language) from one pass of our
//!   own tag scanner over JSON-LD, OpenGraph, meta tags, `<time>` and byline markup.
//! - Plain text: lines are paragraphs; the headline, boilerplate lines (share prompts, "Read
//!   more" inserts, comment forms, update stamps, image credits, navigation) and duplicated
//!   lines are found by rules a reader would apply; removed lines go to `Article::boilerplate`.
//! - [`TemplateLearner`] learns, across articles, paragraphs that are page template and strips
//!   them in the online pipeline.
//! - [`score`] is the benchmark's own metric, used by `storyfold eval extraction`.
//!
//! ```
//! use storyfold_extract::ExtractConfig;
//! use storyfold_model::{ArticleId, RawArticle, RawBody};
//!
//! let extractor = ExtractConfig::default().build().unwrap();
//! let raw = RawArticle {
//!     id: ArticleId::from("a1"),
//!     source: "a1.txt".into(),
//!     body: RawBody::Text("Harbour bridge to close\n\nThe city will close the bridge on Monday.\n\nShare this article\n".into()),
//!     url: None, outlet: None, title: None, published: Some("2024-05-06".into()), fetched_at: None,
//! };
//! let article = extractor.extract(&raw).unwrap();
//! assert_eq!(article.title.as_deref(), Some("Harbour bridge to close"));
//! assert_eq!(article.paragraphs, ["The city will close the bridge on Monday."]);
//! assert_eq!(article.boilerplate, ["Share this article"]);
//! ```
#![deny(missing_docs)]

mod html;
mod lines;
mod markup;
mod plain;
pub mod score;
mod strip;
mod template;

pub use template::{LineStats, Sighting, TemplateConfig, TemplateLearner, TemplateState};

use storyfold_model::{
    Article, ArticleId, ContentHash, DateSource, Published, RawArticle, RawBody,
};

/// Errors of extraction.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nothing readable was found.
    #[error("{input}: no article text found")]
    Empty {
        /// The input (`RawArticle::source`).
        input: String,
    },
    /// The body is binary data (NUL bytes or mostly control characters), not text or HTML.
    #[error("{input}: binary data, not text or html")]
    Binary {
        /// The input (`RawArticle::source`).
        input: String,
    },
    /// A setting is out of range.
    #[error("invalid extraction config: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
}
/// Result of extraction.
pub type Result<T> = std::result::Result<T, Error>;

/// Extraction settings. Every field has a measured default.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// Apply the line-level boilerplate rules to the paragraphs extracted from HTML too.
    pub html_line_rules: bool,
    /// Detect the language from the text when the markup does not declare it.
    pub detect_language: bool,
    /// Drop extracted paragraphs that the page's JSON-LD `articleBody` does not contain, when
    /// that field holds the full text.
    pub use_article_body: bool,
    /// Extract every HTML page as an article, skipping the main-text crate's page-type
    /// classifier (forum, product, listing, ...). Off by default: the classifier is about a
    /// quarter of extraction time, but skipping it cost 0.0012 F1 on AEB (one listing-like
    /// page then came out with its whole sidebar).
    pub assume_article: bool,
    /// Hand the main-text crate the page without script bodies (JSON-LD kept), style sheets,
    /// SVG content and comments, which it parses, clones and walks but never keeps (over half
    /// the bytes of an AEB page). Metadata is read from the whole page first.
    pub strip_unread_markup: bool,
    /// Drop extracted paragraphs made mostly of the page's link texts (related-story lists,
    /// teasers), found by the word 3-grams of its `<a>` elements.
    pub drop_link_paragraphs: bool,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        Self {
            html_line_rules: true,
            detect_language: true,
            use_article_body: true,
            assume_article: false,
            strip_unread_markup: true,
            drop_link_paragraphs: true,
        }
    }
}

impl ExtractConfig {
    /// Builds an extractor.
    ///
    /// # Errors
    /// None today; the signature leaves room for settings that can be invalid.
    pub fn build(&self) -> Result<Extractor> {
        Ok(Extractor {
            config: self.clone(),
        })
    }
}

/// Turns raw articles into clean ones. Stateless: share one across threads.
#[derive(Clone, Debug)]
pub struct Extractor {
    config: ExtractConfig,
}

impl Extractor {
    /// Extracts main text and metadata. Malformed, truncated or mis-encoded HTML gives a
    /// best-effort result, never a panic.
    ///
    /// # Errors
    /// [`Error::Empty`] when no article text is found, naming `raw.source`.
    pub fn extract(&self, raw: &RawArticle) -> Result<Article> {
        let given_date = raw
            .published
            .as_deref()
            .and_then(|p| html::parse_date(p, DateSource::Given));
        let binary = match &raw.body {
            RawBody::Text(text) => is_binary_text(text),
            RawBody::Html(bytes) => is_binary_bytes(bytes),
        };
        if binary {
            return Err(Error::Binary {
                input: raw.source.clone(),
            });
        }
        let mut article = match &raw.body {
            // Ingest may hand over an HTML file's text; markup is never article text.
            RawBody::Text(text) if looks_like_html(text) => self.html_article(raw, text.as_bytes()),
            RawBody::Text(text) => self.text_article(raw, text),
            RawBody::Html(bytes) => self.html_article(raw, bytes),
        };
        if given_date.is_some() {
            article.published = given_date;
        }
        if article.paragraphs.is_empty() {
            // Rules may take a short text whole as headline or boilerplate (a one-line snippet,
            // a title alone); any text with a word is still an article, kept as written.
            if let RawBody::Text(text) = &raw.body {
                article.paragraphs = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.chars().any(char::is_alphanumeric))
                    .map(str::to_string)
                    .collect();
                article
                    .boilerplate
                    .retain(|b| !article.paragraphs.contains(b));
            }
        }
        if article.paragraphs.is_empty() {
            return Err(Error::Empty {
                input: raw.source.clone(),
            });
        }
        if article.language.is_none() && self.config.detect_language {
            article.language = detect_language(&article.paragraphs);
        }
        article.content_hash = ContentHash::of_text(&article.text());
        tracing::trace!(article = %article.id, paragraphs = article.paragraphs.len(), "Extracted.");
        Ok(article)
    }

    fn text_article(&self, raw: &RawArticle, text: &str) -> Article {
        let cleaned = plain::clean(text, raw.title.as_deref());
        Article {
            id: ArticleId(raw.id.0.clone()),
            source: raw.source.clone(),
            url: raw.url.clone(),
            outlet: raw.outlet.clone(),
            title: cleaned.title,
            byline: cleaned.byline,
            published: None,
            language: None,
            paragraphs: cleaned.paragraphs,
            boilerplate: cleaned.boilerplate,
            content_hash: ContentHash::default(),
        }
    }

    fn html_article(&self, raw: &RawArticle, bytes: &[u8]) -> Article {
        let (text, encoding) = html::decode(bytes);
        tracing::trace!(article = %raw.id, charset = encoding.name(), "Decoded.");
        let markup = markup::scan(text.as_bytes());
        let meta = html::page_meta(&markup, raw.url.as_deref());
        let text = html::collapse_source_newlines(text);
        let mut paragraphs = if self.config.strip_unread_markup {
            html::main_text(&strip::strip_unread(&text), self.config.assume_article)
        } else {
            html::main_text(&text, self.config.assume_article)
        };
        if paragraphs.is_empty() {
            paragraphs = html::paragraph_text(&text);
        }
        let title = raw.title.clone().or(meta.title);
        let mut boilerplate = Vec::new();
        if self.config.use_article_body {
            if let Some(body) = meta.body.as_deref() {
                let (kept, removed) = html::filter_by_article_body(paragraphs, body);
                paragraphs = kept;
                boilerplate = removed;
            }
        }
        if self.config.html_line_rules {
            let (kept, removed) = html_line_filter(paragraphs, title.as_deref());
            paragraphs = kept;
            boilerplate.extend(removed);
        }
        if self.config.drop_link_paragraphs {
            let (kept, removed) = html::filter_link_paragraphs(paragraphs, &markup.anchors);
            paragraphs = kept;
            boilerplate.extend(removed);
        }
        if self.config.html_line_rules {
            let (kept, removed) = html::filter_author_bio(paragraphs, meta.byline.as_deref());
            paragraphs = kept;
            boilerplate.extend(removed);
        }
        if paragraphs.is_empty() {
            if let Some(description) = meta.description.filter(|d| !d.trim().is_empty()) {
                paragraphs.push(description);
            }
        }
        Article {
            id: ArticleId(raw.id.0.clone()),
            source: raw.source.clone(),
            url: meta.url.or_else(|| raw.url.clone()),
            outlet: raw.outlet.clone().or(meta.outlet),
            title,
            byline: meta.byline,
            published: meta.published,
            language: meta.lang,
            paragraphs,
            boilerplate,
            content_hash: ContentHash::default(),
        }
    }
}

/// Bytes checked when sniffing for binary data.
const SNIFF_BYTES: usize = 8192;

/// Whether page bytes are binary: NUL bytes near the start, unless a UTF-16 byte-order mark
/// says they are text (the WHATWG MIME sniffing rule for binary data, minus its BOM cases).
fn is_binary_bytes(bytes: &[u8]) -> bool {
    let utf16_bom = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    !utf16_bom && memchr::memchr(0, &bytes[..bytes.len().min(SNIFF_BYTES)]).is_some()
}

/// Whether a text body is binary data that was decoded lossily: a NUL, or more than one in ten
/// characters a control character or U+FFFD.
fn is_binary_text(text: &str) -> bool {
    let (mut total, mut bad) = (0usize, 0usize);
    for c in text.chars().take(SNIFF_BYTES) {
        if c == '\0' {
            return true;
        }
        total += 1;
        if c == '\u{fffd}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
            bad += 1;
        }
    }
    bad * 10 > total
}

/// Whether a text body is an HTML document.
fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<?xml")
}

/// Line rules on HTML paragraphs: boilerplate and byline lines (`By Ann Lee`, `(Reporting by
/// ...; Editing by ...)`; the byline itself comes from the markup) go, and so does a first
/// paragraph that repeats the title. Repeated paragraphs stay: in extracted HTML they are recipe steps, table
/// cells and list items the page really repeats (dropping them cost 0.004 F1 on AEB).
fn html_line_filter(paragraphs: Vec<String>, title: Option<&str>) -> (Vec<String>, Vec<String>) {
    let title_key = title.map(lines::dedup_key);
    let (mut kept, mut removed) = (Vec::new(), Vec::new());
    for (i, p) in paragraphs.into_iter().enumerate() {
        let repeats_title = i == 0
            && title_key
                .as_ref()
                .is_some_and(|t| *t == lines::dedup_key(&p));
        if repeats_title || lines::classify_html(&p) != lines::LineKind::Text {
            removed.push(p);
        } else {
            kept.push(p);
        }
    }
    (kept, removed)
}

/// ISO 639-1 code of the text's language, when `whatlang` is confident.
fn detect_language(paragraphs: &[String]) -> Option<String> {
    let mut sample = String::new();
    for p in paragraphs {
        if sample.len() > 2000 {
            break;
        }
        sample.push_str(p);
        sample.push('\n');
    }
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() {
        return None;
    }
    iso_639_1(info.lang().code()).map(str::to_string)
}

/// ISO 639-3 (whatlang's codes) to ISO 639-1.
fn iso_639_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" => "zh",
        "cym" => "cy",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        _ => return None,
    })
}

/// A caller-given date, for callers that build articles themselves.
pub fn given_date(value: &str) -> Option<Published> {
    html::parse_date(value, DateSource::Given)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn raw(body: RawBody) -> RawArticle {
        RawArticle {
            id: ArticleId::from("t"),
            source: "t.html".into(),
            body,
            url: Some("https://www.gazette.example/news/bridge".into()),
            outlet: None,
            title: None,
            published: None,
            fetched_at: None,
        }
    }

    const PAGE: &str = r#"<!doctype html><html lang="en-US"><head><meta charset="utf-8">
<title>Bridge to close for repairs | The Gazette</title>
<meta property="og:site_name" content="The Gazette">
<meta name="author" content="Ann Lee">
<meta property="article:published_time" content="2024-05-06T08:30:00+01:00">
<link rel="canonical" href="/news/bridge-close">
</head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Bridge to close for repairs</h1>
<p>The harbour bridge will close for four weeks from Monday while engineers replace worn
joints, the city council said on Friday.</p>
<p>Drivers will be sent along the coast road, which adds about ten minutes to the trip into
town at rush hour, according to council estimates published with the plan.</p>
<p>Share this article</p>
<p>“We know this is a nuisance, but the joints are forty years old,” said the council's chief
engineer, who added that the work had been planned for three years.</p>
</article><footer>© The Gazette. All rights reserved.</footer></body></html>"#;

    #[test]
    fn html_text_and_metadata() {
        let e = ExtractConfig::default().build().unwrap();
        let a = e
            .extract(&raw(RawBody::Html(PAGE.as_bytes().to_vec())))
            .unwrap();
        assert_eq!(a.title.as_deref(), Some("Bridge to close for repairs"));
        assert_eq!(a.byline.as_deref(), Some("Ann Lee"));
        assert_eq!(a.outlet.as_deref(), Some("The Gazette"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(
            a.url.as_deref(),
            Some("https://www.gazette.example/news/bridge-close")
        );
        let published = a.published.clone().unwrap();
        assert_eq!(published.iso_date(), "2024-05-06");
        assert_eq!(
            published.source,
            DateSource::Markup {
                field: "meta article:published_time".into()
            }
        );
        let text = a.paragraphs.join("\n");
        assert!(text.contains("harbour bridge will close"), "{text}");
        assert!(
            text.contains("chief\nengineer") || text.contains("chief engineer"),
            "{text}"
        );
        assert!(!text.contains("Share this article"), "{text}");
        assert!(!text.contains("All rights reserved"), "{text}");
        assert_eq!(a.content_hash, ContentHash::of_text(&a.text()));
    }

    #[test]
    fn json_ld_beats_meta_and_given_date_wins() {
        let page = r##"<html><head><script type="application/ld+json">
{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"Owl returns",
"datePublished":"2023-03-17T10:00:00Z","author":[{"@type":"Person","name":"Jo Park"},{"name":"Sam Hill"}],
"publisher":{"@id":"#org"}},{"@type":"Organization","@id":"#org","name":"Valley News"}]}
</script></head><body><p>A rare owl has returned to the valley after thirty years, wardens
said on Friday, and it has already been seen nesting near the old mill.</p></body></html>"##;
        let e = ExtractConfig::default().build().unwrap();
        let mut r = raw(RawBody::Html(page.as_bytes().to_vec()));
        let a = e.extract(&r).unwrap();
        assert_eq!(a.title.as_deref(), Some("Owl returns"));
        assert_eq!(a.byline.as_deref(), Some("Jo Park, Sam Hill"));
        assert_eq!(a.outlet.as_deref(), Some("Valley News"));
        assert_eq!(
            a.published.as_ref().map(|p| p.source.clone()),
            Some(DateSource::Markup {
                field: "json-ld datePublished".into()
            })
        );
        r.published = Some("2023-03-18".into());
        let a = e.extract(&r).unwrap();
        assert_eq!(
            a.published.map(|p| (p.iso_date(), p.source)),
            Some(("2023-03-18".into(), DateSource::Given))
        );
    }

    #[test]
    fn json_ld_article_body_drops_widgets_but_not_text() {
        let body =
            "The ferry service resumed on Tuesday after a week of storms kept every boat in \
                    the harbour, the operator said. Crews worked through the night to check the \
                    hulls and the ramps before the first crossing at six in the morning. The \
                    operator said timetables would be back to normal by the weekend.";
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle",
"headline":"Ferries sail again","articleBody":"{body}"}}</script></head><body><article>
<p>The ferry service resumed on Tuesday after a week of storms kept every boat in the harbour,
the operator said.</p><p>Crews worked through the night to check the hulls and the ramps before
the first crossing at six in the morning.</p><p>Lottery winner buys a castle in the hills</p>
<p>The operator said timetables would be back to normal by the weekend.</p></article></body></html>"#
        );
        let e = ExtractConfig::default().build().unwrap();
        let a = e.extract(&raw(RawBody::Html(page.into_bytes()))).unwrap();
        assert_eq!(a.paragraphs.len(), 3, "{:?}", a.paragraphs);
        assert!(!a.text().contains("Lottery"));
        // A teaser-length articleBody is not evidence: nothing is dropped.
        let teaser = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle",
"articleBody":"The ferry service resumed on Tuesday."}</script></head><body><article>
<p>The ferry service resumed on Tuesday after a week of storms kept every boat in the harbour,
the operator said.</p><p>Crews worked through the night to check the hulls and the ramps before
the first crossing at six in the morning, the harbour master told reporters.</p></article></body></html>"#;
        let a = e
            .extract(&raw(RawBody::Html(teaser.as_bytes().to_vec())))
            .unwrap();
        assert!(a.text().contains("Crews worked"), "{}", a.text());
    }

    #[test]
    fn outlet_falls_back_to_host() {
        let page = "<html><body><p>The ferry service resumed on Tuesday after a week of storms \
                    kept every boat in the harbour, the operator said.</p></body></html>";
        let e = ExtractConfig::default().build().unwrap();
        let a = e
            .extract(&raw(RawBody::Html(page.as_bytes().to_vec())))
            .unwrap();
        assert_eq!(a.outlet.as_deref(), Some("gazette.example"));
        assert!(a.text().contains("ferry service resumed"));
    }

    #[test]
    fn empty_input_names_the_source() {
        let e = ExtractConfig::default().build().unwrap();
        let err = e.extract(&raw(RawBody::Text("\n  \n".into()))).unwrap_err();
        assert_eq!(err.to_string(), "t.html: no article text found");
        let err = e
            .extract(&raw(RawBody::Html(b"<html><body></body></html>".to_vec())))
            .unwrap_err();
        assert!(matches!(err, Error::Empty { .. }));
    }

    #[test]
    fn short_texts_are_articles() {
        let e = ExtractConfig::default().build().unwrap();
        for text in [
            "centrepoint owner hit sale",
            "Storm",
            "Share this article",
            "  Bridge closes  \n",
        ] {
            let a = e.extract(&raw(RawBody::Text(text.into()))).unwrap();
            assert_eq!(a.text(), text.trim(), "{text}");
            assert!(a.boilerplate.is_empty());
        }
    }

    #[test]
    fn binary_bodies_are_errors() {
        let e = ExtractConfig::default().build().unwrap();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0".to_vec();
        let err = e.extract(&raw(RawBody::Html(png.clone()))).unwrap_err();
        assert_eq!(err.to_string(), "t.html: binary data, not text or html");
        let lossy = String::from_utf8_lossy(&png).into_owned();
        assert!(matches!(
            e.extract(&raw(RawBody::Text(lossy))),
            Err(Error::Binary { .. })
        ));
        // UTF-16 with a byte-order mark is text, though half its bytes are NUL.
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in
            "<p>The ferry service resumed on Tuesday after a week of storms.</p>".encode_utf16()
        {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let a = e.extract(&raw(RawBody::Html(utf16))).unwrap();
        assert!(a.text().contains("ferry service resumed"), "{}", a.text());
    }

    #[test]
    fn latin1_page_decodes() {
        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body><p>".to_vec();
        page.extend_from_slice(b"Le caf\xe9 de la gare a rouvert ses portes lundi apr\xe8s trois mois de travaux, a indiqu\xe9 la mairie dans un communiqu\xe9.");
        page.extend_from_slice(b"</p></body></html>");
        let e = ExtractConfig::default().build().unwrap();
        let a = e.extract(&raw(RawBody::Html(page))).unwrap();
        assert!(a.text().contains("café de la gare"), "{}", a.text());
        assert_eq!(a.language.as_deref(), Some("fr"));
    }

    #[test]
    fn truncated_html_is_best_effort() {
        let e = ExtractConfig::default().build().unwrap();
        let cut = &PAGE.as_bytes()[..PAGE.len() * 2 / 3];
        let a = e.extract(&raw(RawBody::Html(cut.to_vec()))).unwrap();
        assert!(a.text().contains("harbour bridge"));
    }

    #[test]
    fn text_language_is_detected() {
        let e = ExtractConfig::default().build().unwrap();
        let a = e
            .extract(&raw(RawBody::Text(
                "The harbour bridge will close for four weeks from Monday while engineers replace the worn joints, the council said.".into(),
            )))
            .unwrap();
        assert_eq!(a.language.as_deref(), Some("en"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let e = ExtractConfig::default().build().unwrap();
            let _ = e.extract(&raw(RawBody::Html(bytes.clone())));
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let _ = e.extract(&raw(RawBody::Text(text)));
        }

        #[test]
        fn tag_soup_never_panics(parts in proptest::collection::vec(
            prop_oneof![
                Just("<p>".to_string()), Just("</p>".to_string()), Just("<div class=\"byline\">".to_string()),
                Just("<script type=\"application/ld+json\">{".to_string()), Just("<meta charset=".to_string()),
                Just("&#x".to_string()), Just("<!--".to_string()), Just("<time datetime=\"".to_string()),
                "[a-zé ]{0,30}",
            ], 0..40)) {
            let e = ExtractConfig::default().build().unwrap();
            let _ = e.extract(&raw(RawBody::Html(parts.concat().into_bytes())));
        }

        #[test]
        fn hash_matches_text(lines in proptest::collection::vec("[A-Za-z ,.]{0,60}", 0..12)) {
            let e = ExtractConfig::default().build().unwrap();
            if let Ok(a) = e.extract(&raw(RawBody::Text(lines.join("\n")))) {
                prop_assert_eq!(&a.content_hash, &ContentHash::of_text(&a.text()));
                prop_assert!(!a.paragraphs.is_empty());
            }
        }
    }
}
