//! Hand-built `Doc`s for tests, from inline text with light markup:
//! `[Xi|P|Xi Jinping]` is an entity (kinds `P`erson, `O`rg, `L` place, `X` other; the canonical
//! name defaults to the text), `<Monday|2023-03-20>` a time expression (`<a to b|start|end>` a
//! range). Sentences end at `.`, `!` or `?` (closing quotes included) before a space or newline;
//! paragraphs are separated by blank lines. Quotes are the text between “ and ”, their speaker the
//! first person entity of the sentence after the quote.
use chrono::NaiveDate;
use storyfold_model::{
    AlignedSpan, Article, ContentHash, CopyKind, CopyLink, DirectionRule, Doc, EntityKind,
    EntityMention, Grain, Published, Quote, Sentence, Span, TimeExpression,
};

/// A doc with no publication date.
pub fn doc(id: &str, markup: &str) -> Doc {
    build(id, None, None, markup)
}

/// A doc published on `date` (`YYYY-MM-DD`).
pub fn doc_on(id: &str, date: &str, markup: &str) -> Doc {
    build(id, Some(date), None, markup)
}

/// A doc published on `date` by `outlet`.
pub fn doc_from(id: &str, outlet: &str, date: &str, markup: &str) -> Doc {
    build(id, Some(date), Some(outlet), markup)
}

/// A copy link from `copy` to `original`.
pub fn link(copy: &str, original: &str, kind: CopyKind) -> CopyLink {
    CopyLink {
        copy: copy.into(),
        original: original.into(),
        kind,
        similarity: 0.9,
        direction: DirectionRule::EarlierPublished,
        evidence: Vec::<AlignedSpan>::new(),
    }
}

fn grain_of(value: &str) -> Grain {
    if value.contains('W') {
        Grain::Week
    } else {
        match value.len() {
            4 => Grain::Year,
            7 => Grain::Month,
            _ => Grain::Day,
        }
    }
}

fn build(id: &str, date: Option<&str>, outlet: Option<&str>, markup: &str) -> Doc {
    let mut text = String::new();
    let mut entities = Vec::new();
    let mut times = Vec::new();
    let mut rest = markup;
    while let Some(pos) = rest.find(['[', '<']) {
        text.push_str(&rest[..pos]);
        let close = if rest.as_bytes()[pos] == b'[' {
            ']'
        } else {
            '>'
        };
        let end = pos + rest[pos..].find(close).expect("closed markup");
        let inner = &rest[pos + 1..end];
        let fields: Vec<&str> = inner.split('|').collect();
        let start = text.len();
        text.push_str(fields[0]);
        let span = Span::new(start, text.len());
        if close == ']' {
            let kind = match fields[1] {
                "P" => EntityKind::Person,
                "O" => EntityKind::Org,
                "L" => EntityKind::Place,
                _ => EntityKind::Other,
            };
            entities.push(EntityMention {
                span,
                text: fields[0].to_string(),
                kind,
                canonical: fields.get(2).unwrap_or(&fields[0]).to_string(),
            });
        } else {
            times.push(TimeExpression {
                span,
                text: fields[0].to_string(),
                value: fields[1].to_string(),
                grain: grain_of(fields[1]),
                end_value: fields.get(2).map(|s| s.to_string()),
            });
        }
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    let sentences = sentences(&text);
    let quotes = quotes(&text, &sentences, &entities);
    let published =
        date.map(|d| Published::given(NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date")));
    let paragraphs: Vec<String> = text.split("\n\n").map(str::to_string).collect();
    Doc {
        article: Article {
            id: id.into(),
            source: "test".into(),
            url: None,
            outlet: outlet.map(str::to_string),
            title: None,
            byline: None,
            published: published.clone(),
            language: Some("en".into()),
            paragraphs,
            boilerplate: vec![],
            content_hash: ContentHash::of_text(&text),
        },
        text,
        language: Some("en".into()),
        published,
        sentences,
        entities,
        times,
        quotes,
    }
}

fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut paragraph = 0;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut push = |s: usize, e: usize, paragraph: usize| {
        let piece = &text[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            out.push(Sentence {
                span: Span::new(s + lead, s + lead + trimmed.len()),
                paragraph,
            });
        }
    };
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().expect("in bounds");
        let next = i + c.len_utf8();
        if c == '\n' {
            push(start, i, paragraph);
            if text[next..].starts_with('\n') {
                paragraph += 1;
            }
            start = next;
        } else if matches!(c, '.' | '!' | '?') {
            let mut end = next;
            while text[end..].starts_with(['”', '’', '"']) {
                end += text[end..].chars().next().expect("in bounds").len_utf8();
            }
            if end >= text.len() || bytes[end] == b' ' {
                push(start, end, paragraph);
                start = end;
                i = end;
                continue;
            }
        }
        i = next;
    }
    push(start, text.len(), paragraph);
    out
}

fn quotes(text: &str, sentences: &[Sentence], entities: &[EntityMention]) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('“') {
        let start = from + open + '“'.len_utf8();
        let Some(close) = text[start..].find('”') else {
            break;
        };
        let end = start + close;
        let sentence = sentences
            .iter()
            .find(|s| s.span.start <= start && end <= s.span.end + 3);
        let speaker = sentence.and_then(|s| {
            entities
                .iter()
                .filter(|e| e.kind == EntityKind::Person && s.span.contains(&e.span))
                .find(|e| e.span.start >= end)
                .or_else(|| {
                    entities
                        .iter()
                        .find(|e| e.kind == EntityKind::Person && s.span.contains(&e.span))
                })
                .map(|e| e.canonical.clone())
        });
        let quoted = text[start..end].trim_end_matches([',', '.']);
        out.push(Quote {
            span: Span::new(start, start + quoted.len()),
            text: quoted.to_string(),
            speaker,
        });
        from = end + '”'.len_utf8();
    }
    out
}

#[test]
fn builder_finds_spans() {
    let d = doc_on(
        "a",
        "2023-03-17",
        "[Xi|P|Xi Jinping] visits [Moscow|L] <on Monday|2023-03-20>. “We are ready,” [Putin|P] said.\n\nNext.",
    );
    assert_eq!(d.sentences.len(), 3);
    assert_eq!(d.sentence_text(1), "“We are ready,” Putin said.");
    assert_eq!(d.entities[0].span.slice(&d.text), "Xi");
    assert_eq!(d.entities[0].canonical, "Xi Jinping");
    assert_eq!(d.times[0].span.slice(&d.text), "on Monday");
    assert_eq!(d.quotes[0].text, "We are ready");
    assert_eq!(d.quotes[0].speaker.as_deref(), Some("Putin"));
    assert_eq!(d.sentences[2].paragraph, 1);
    let _ = CopyKind::Verbatim;
}
