//! `storyfold analyze`: entities, time expressions and quotes of articles, as JSON Lines.
//!
//! JSONL records (`{"id","text","published"?,...}`) are analysed with `text` exactly as given:
//! the article's paragraphs are `text` split on blank lines, so `Article::text()` is `text` and
//! every offset in the output is a character (Unicode scalar) offset into it. Other inputs
//! (plain text files, folders) go through ingest and are analysed as read.
use crate::io::{progress, read_articles, JsonLines, Tally};
use clap::Args as ClapArgs;
use serde_json::{json, Value};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use storyfold_analyze::{AnalyzeConfig, Analyzer};
use storyfold_model::text::char_offset;
use storyfold_model::{Article, ContentHash, DateSource, Doc, Published, RawBody};

/// Arguments of `storyfold analyze`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// One input record, before analysis.
struct Record {
    id: String,
    source: String,
    text: String,
    published: Option<String>,
    title: Option<String>,
    url: Option<String>,
    outlet: Option<String>,
}

/// Runs `storyfold analyze`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let analyzer = AnalyzeConfig::default().build()?;
    let mut out = JsonLines::stdout();
    let mut tally = Tally::default();
    let bar = progress(None, "analyze");
    let emit = |record: Record, tally: &mut Tally, out: &mut JsonLines| -> anyhow::Result<bool> {
        let doc = analyze(&analyzer, record);
        tally.ok += 1;
        bar.inc(1);
        out.write(&to_json(&doc))
    };
    'inputs: for input in &args.inputs {
        if is_jsonl(input) {
            let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
                Box::new(std::io::BufReader::new(std::io::stdin()))
            } else {
                match std::fs::File::open(input) {
                    Ok(f) => Box::new(std::io::BufReader::new(f)),
                    Err(e) => {
                        tally.bad(&format!("{}: {e}", input.display()));
                        continue;
                    }
                }
            };
            for (n, line) in reader.lines().enumerate() {
                let source = format!("{}:{}", input.display(), n + 1);
                let line = match line {
                    Ok(line) => line,
                    Err(e) => {
                        tally.bad(&format!("{source}: {e}"));
                        break;
                    }
                };
                if line.trim().is_empty() {
                    continue;
                }
                match record_of(&line, &source) {
                    Ok(record) => {
                        if !emit(record, &mut tally, &mut out)? {
                            break 'inputs;
                        }
                    }
                    Err(e) => tally.bad(&format!("{source}: {e}")),
                }
            }
        } else {
            for raw in read_articles(std::slice::from_ref(input)) {
                let raw = match raw {
                    Ok(raw) => raw,
                    Err(e) => {
                        tally.bad(&e);
                        continue;
                    }
                };
                let RawBody::Text(text) = raw.body else {
                    tally.bad(&format!(
                        "{}: HTML input; run `storyfold extract` first",
                        raw.source
                    ));
                    continue;
                };
                let record = Record {
                    id: raw.id.0,
                    source: raw.source,
                    text,
                    published: raw.published,
                    title: raw.title,
                    url: raw.url,
                    outlet: raw.outlet,
                };
                if !emit(record, &mut tally, &mut out)? {
                    break 'inputs;
                }
            }
        }
    }
    bar.finish_and_clear();
    out.finish()?;
    tally.finish("analyze")
}

fn is_jsonl(path: &Path) -> bool {
    path.as_os_str() == "-"
        || matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("jsonl" | "ndjson" | "json")
        )
}

fn record_of(line: &str, source: &str) -> anyhow::Result<Record> {
    let value: Value = serde_json::from_str(line)?;
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
    let Some(text) = field("text") else {
        anyhow::bail!("no \"text\" field");
    };
    Ok(Record {
        id: field("id").unwrap_or_else(|| source.to_string()),
        source: source.to_string(),
        text,
        published: field("published"),
        title: field("title"),
        url: field("url"),
        outlet: field("outlet"),
    })
}

fn analyze(analyzer: &Analyzer, record: Record) -> Doc {
    let published = record
        .published
        .as_deref()
        .and_then(|p| Published::parse_iso(p, DateSource::Given));
    // Splitting on "\n\n" and joining with it again gives back `text` exactly.
    let paragraphs = record.text.split("\n\n").map(str::to_string).collect();
    let article = Article {
        id: record.id.into(),
        source: record.source,
        url: record.url,
        outlet: record.outlet,
        title: record.title,
        byline: None,
        published,
        language: None,
        paragraphs,
        boilerplate: Vec::new(),
        content_hash: ContentHash::of_text(&record.text),
    };
    analyzer.analyze(article)
}

fn to_json(doc: &Doc) -> Value {
    let at = |byte: usize| char_offset(&doc.text, byte);
    let entities: Vec<Value> = doc
        .entities
        .iter()
        .map(|e| {
            json!({"text": e.text, "start": at(e.span.start), "end": at(e.span.end),
                   "kind": e.kind.as_str(), "canonical": e.canonical})
        })
        .collect();
    let times: Vec<Value> = doc
        .times
        .iter()
        .map(|t| {
            let mut v = json!({"text": t.text, "start": at(t.span.start), "end": at(t.span.end),
                               "value": t.value, "grain": t.grain.as_str()});
            if let Some(end) = &t.end_value {
                v["end_value"] = json!(end);
            }
            v
        })
        .collect();
    let quotes: Vec<Value> = doc
        .quotes
        .iter()
        .map(|q| {
            json!({"text": q.text, "start": at(q.span.start), "end": at(q.span.end),
                   "speaker": q.speaker})
        })
        .collect();
    let mut out = json!({
        "id": doc.article.id.as_str(),
        "language": doc.language,
        "published": doc.published.as_ref().map(|p| p.iso_date()),
        "published_inferred": doc.published.as_ref().is_some_and(|p| p.is_inferred()),
        "entities": entities,
        "times": times,
        "quotes": quotes,
    });
    if let Some(Published {
        source:
            DateSource::Inferred {
                earliest,
                latest,
                grain,
                evidence,
            },
        ..
    }) = &doc.published
    {
        out["published_interval"] = json!({
            "earliest": earliest.format("%Y-%m-%d").to_string(),
            "latest": latest.format("%Y-%m-%d").to_string(),
            "grain": grain.as_str(),
            "evidence": evidence,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_characters_into_the_input_text() {
        let line = r#"{"id":"x","published":"2031-06-12","text":"Café owners in Zürich met on \u201cMonday\u201d.\n\n\u00abWe agree,\u00bb said Mayor Léa Brun on Tuesday."}"#;
        let record = record_of(line, "test").expect("valid record");
        let text = record.text.clone();
        let analyzer = storyfold_analyze::AnalyzeConfig::default()
            .build()
            .expect("default config builds");
        let out = to_json(&analyze(&analyzer, record));
        let chars: Vec<char> = text.chars().collect();
        let mut checked = 0;
        for list in ["entities", "times", "quotes"] {
            for item in out[list].as_array().expect("a list") {
                let start = item["start"].as_u64().expect("start") as usize;
                let end = item["end"].as_u64().expect("end") as usize;
                let slice: String = chars[start..end].iter().collect();
                assert_eq!(slice, item["text"].as_str().expect("text"));
                checked += 1;
            }
        }
        assert!(checked >= 4, "{out}");
        assert_eq!(out["times"][0]["value"], "2031-06-09");
        let quote = out["quotes"]
            .as_array()
            .and_then(|q| {
                q.iter()
                    .find(|q| q["text"].as_str().is_some_and(|t| t.contains("agree")))
            })
            .expect("the guillemet quote");
        assert_eq!(quote["speaker"], "Léa Brun");
    }
}
