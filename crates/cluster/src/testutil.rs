//! Small builders for tests: documents from made-up sentences.
use storyfold_model::{
    Article, ArticleId, ContentHash, DateSource, Doc, EntityKind, EntityMention, Published, Span,
};

/// A document with an optional title, a body, an optional `YYYY-MM-DD` date and entities.
pub(crate) fn doc(
    id: &str,
    title: Option<&str>,
    text: &str,
    date: Option<&str>,
    entities: &[(&str, EntityKind)],
) -> Doc {
    let published = date.and_then(|d| Published::parse_iso(d, DateSource::Given));
    let article = Article {
        id: ArticleId::from(id),
        source: format!("test:{id}"),
        url: None,
        outlet: None,
        title: title.map(str::to_string),
        byline: None,
        published: published.clone(),
        language: Some("en".into()),
        paragraphs: vec![text.to_string()],
        boilerplate: Vec::new(),
        content_hash: ContentHash::of_text(text),
    };
    let entities = entities
        .iter()
        .filter_map(|(name, kind)| {
            let start = text.find(name)?;
            Some(EntityMention {
                span: Span::new(start, start + name.len()),
                text: name.to_string(),
                kind: *kind,
                canonical: name.to_string(),
            })
        })
        .collect();
    Doc {
        article,
        text: text.to_string(),
        language: Some("en".into()),
        published,
        sentences: Vec::new(),
        entities,
        times: Vec::new(),
        quotes: Vec::new(),
    }
}

/// A text-only document: no title, no date, no entities.
pub(crate) fn text_doc(id: &str, text: &str) -> Doc {
    doc(id, None, text, None, &[])
}
