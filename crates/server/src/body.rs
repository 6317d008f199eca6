//! `POST /api/articles` bodies: JSON article, JSON array, JSON Lines, raw HTML or plain text ->
//! raw articles. The whole body is checked before anything is ingested, so a malformed body
//! changes nothing.
use crate::Failure;
use axum::http::StatusCode;
use serde::Deserialize;
use storyfold_model::{ArticleId, ContentHash, DateSource, Published, RawArticle, RawBody};

/// One article as the API takes it (DESIGN.md: `id`, `url`, `outlet`, `title`, `published`, and
/// `text` or `html`). Unknown fields are ignored.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ArticleInput {
    pub id: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub text: Option<String>,
    pub html: Option<String>,
}

/// How the body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// One JSON object, an array of them, or JSON Lines.
    Json,
    /// One HTML page; metadata from the query string.
    Html,
    /// One plain-text article; metadata from the query string.
    Text,
}

/// The body's kind from its `Content-Type`, sniffed when there is none.
pub(crate) fn kind_of(content_type: Option<&str>, body: &[u8]) -> Result<BodyKind, Failure> {
    let Some(content_type) = content_type else {
        let start = body.iter().find(|b| !b.is_ascii_whitespace());
        return match start {
            Some(b'{' | b'[') => Ok(BodyKind::Json),
            Some(b'<') => Ok(BodyKind::Html),
            _ => Err(Failure::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "give a Content-Type: application/json, application/x-ndjson, text/html or \
                 text/plain",
            )),
        };
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json"
        | "application/x-ndjson"
        | "application/jsonl"
        | "application/json-lines"
        | "application/jsonlines" => Ok(BodyKind::Json),
        "text/html" | "application/xhtml+xml" => Ok(BodyKind::Html),
        "text/plain" => Ok(BodyKind::Text),
        other => Err(Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "unsupported Content-Type {other:?}; use application/json, \
                 application/x-ndjson, text/html or text/plain"
            ),
        )),
    }
}

/// Longest accepted article id.
const MAX_ID_CHARS: usize = 200;

/// Parses the whole body into raw articles, or says what is wrong with it.
///
/// `meta` gives the metadata of a raw HTML or text body (from the query string); `fetched_at`
/// is when the request arrived.
pub(crate) fn parse(
    kind: BodyKind,
    body: &[u8],
    meta: ArticleInput,
    fetched_at: &str,
) -> Result<Vec<RawArticle>, Failure> {
    let text = std::str::from_utf8(body)
        .map_err(|e| Failure::bad_request(format!("the body is not UTF-8: {e}")))?;
    if text.trim().is_empty() {
        return Err(Failure::bad_request("the body is empty"));
    }
    let inputs = match kind {
        BodyKind::Json => json_inputs(text)?,
        BodyKind::Html => vec![ArticleInput {
            html: Some(text.to_string()),
            text: None,
            ..meta
        }],
        BodyKind::Text => vec![ArticleInput {
            text: Some(text.to_string()),
            html: None,
            ..meta
        }],
    };
    if inputs.is_empty() {
        return Err(Failure::bad_request("the body holds no articles"));
    }
    let many = inputs.len() > 1;
    inputs
        .into_iter()
        .enumerate()
        .map(|(index, input)| {
            raw_article(input, fetched_at).map_err(|message| {
                Failure::bad_request(if many {
                    format!("article {}: {message}", index + 1)
                } else {
                    message
                })
            })
        })
        .collect()
}

/// A JSON object, an array of objects, or objects one after another (JSON Lines).
fn json_inputs(text: &str) -> Result<Vec<ArticleInput>, Failure> {
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    for value in &mut stream {
        let value = value.map_err(|e| Failure::bad_request(format!("malformed JSON: {e}")))?;
        values.push(value);
    }
    let values = match values.as_slice() {
        [serde_json::Value::Array(items)] => items.clone(),
        _ => values,
    };
    let many = values.len() > 1;
    values
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let at = if many {
                format!("article {}: ", index + 1)
            } else {
                String::new()
            };
            if !value.is_object() {
                return Err(Failure::bad_request(format!(
                    "{at}expected a JSON object with `text` or `html`, got {}",
                    kind_name(&value)
                )));
            }
            serde_json::from_value(value)
                .map_err(|e| Failure::bad_request(format!("{at}malformed article: {e}")))
        })
        .collect()
}

fn kind_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn raw_article(input: ArticleInput, fetched_at: &str) -> Result<RawArticle, String> {
    let body = match (input.text, input.html) {
        (Some(_), Some(_)) => return Err("give `text` or `html`, not both".into()),
        (None, None) => return Err("missing `text` or `html`".into()),
        (Some(text), None) if text.trim().is_empty() => return Err("`text` is empty".into()),
        (None, Some(html)) if html.trim().is_empty() => return Err("`html` is empty".into()),
        (Some(text), None) => RawBody::Text(text),
        (None, Some(html)) => RawBody::Html(html.into_bytes()),
    };
    if let Some(published) = &input.published {
        if Published::parse_iso(published, DateSource::Given).is_none() {
            return Err(format!(
                "`published` {published:?} is not an ISO 8601 date or date-time"
            ));
        }
    }
    let id = match input.id {
        Some(id) => {
            let id = id.trim().to_string();
            if id.is_empty() {
                return Err("`id` is empty".into());
            }
            if id.chars().count() > MAX_ID_CHARS || id.chars().any(char::is_control) {
                return Err(format!(
                    "`id` must be at most {MAX_ID_CHARS} characters without control characters"
                ));
            }
            id
        }
        // No id given: derive one from the content, so posting the same body twice names it
        // the same way (and the store's content-hash check makes the second post a no-op).
        None => {
            let content = match &body {
                RawBody::Text(text) => ContentHash::of_text(text),
                RawBody::Html(html) => ContentHash::of_text(&String::from_utf8_lossy(html)),
            };
            format!("api-{}", &content.as_str()[..16])
        }
    };
    let clean = |value: Option<String>| {
        value
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok(RawArticle {
        source: format!("POST /api/articles ({id})"),
        id: ArticleId(id),
        body,
        url: clean(input.url),
        outlet: clean(input.outlet),
        title: clean(input.title),
        published: clean(input.published),
        fetched_at: Some(fetched_at.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-22T10:00:00Z";

    fn json(body: &str) -> Result<Vec<RawArticle>, Failure> {
        parse(
            BodyKind::Json,
            body.as_bytes(),
            ArticleInput::default(),
            NOW,
        )
    }

    #[test]
    fn one_object_array_and_lines_parse() {
        let one = json(r#"{"id":"a","text":"Some words.","outlet":"Wire"}"#).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].id.as_str(), "a");
        assert_eq!(one[0].outlet.as_deref(), Some("Wire"));
        assert_eq!(one[0].fetched_at.as_deref(), Some(NOW));
        let array = json(r#"[{"id":"a","text":"x"},{"id":"b","html":"<p>y</p>"}]"#).unwrap();
        assert_eq!(array.len(), 2);
        assert!(matches!(array[1].body, RawBody::Html(_)));
        let lines = json("{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}\n").unwrap();
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        let message = |body: &str| json(body).unwrap_err().message;
        assert!(message("{\"id\":").contains("malformed JSON"));
        assert!(message("{\"id\":\"a\"}").contains("missing `text` or `html`"));
        assert!(message("{\"text\":\"a\",\"html\":\"b\"}").contains("not both"));
        assert!(message("[{\"text\":\"a\"}, 3]").contains("article 2"));
        assert!(message("{\"text\":5}").contains("malformed article"));
        assert!(message("{\"text\":\"a\",\"published\":\"soon\"}").contains("ISO 8601"));
        assert!(message("   ").contains("empty"));
        assert!(message("[]").contains("no articles"));
        let not_utf8 = parse(BodyKind::Json, &[0xff, 0xfe], ArticleInput::default(), NOW);
        assert_eq!(not_utf8.unwrap_err().status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn missing_id_is_derived_from_content() {
        let a = json(r#"{"text":"Same words."}"#).unwrap();
        let b = json(r#"{"text":"Same  words."}"#).unwrap();
        assert_eq!(a[0].id, b[0].id);
        assert!(a[0].id.as_str().starts_with("api-"));
    }

    #[test]
    fn raw_html_takes_metadata_from_the_query() {
        let meta = ArticleInput {
            id: Some("page-1".into()),
            outlet: Some("Gazette".into()),
            ..ArticleInput::default()
        };
        let raw = parse(BodyKind::Html, b"<html><p>Hi</p></html>", meta, NOW).unwrap();
        assert_eq!(raw[0].id.as_str(), "page-1");
        assert_eq!(raw[0].outlet.as_deref(), Some("Gazette"));
        assert!(matches!(raw[0].body, RawBody::Html(_)));
    }

    #[test]
    fn content_types_decide_the_kind() {
        assert_eq!(
            kind_of(Some("application/json; charset=utf-8"), b"").unwrap(),
            BodyKind::Json
        );
        assert_eq!(
            kind_of(Some("application/x-ndjson"), b"").unwrap(),
            BodyKind::Json
        );
        assert_eq!(kind_of(Some("text/html"), b"").unwrap(), BodyKind::Html);
        assert_eq!(kind_of(None, b"  [{}]").unwrap(), BodyKind::Json);
        assert_eq!(kind_of(None, b"<p>").unwrap(), BodyKind::Html);
        let refused = kind_of(Some("image/png"), b"").unwrap_err();
        assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}
