//! `storyfold dedup`: who copied whom among JSONL articles.
//!
//! Output, one line per article in input order, after the whole input is seen (each article's
//! final link): `{"id","copy_of","kind","similarity","direction","evidence":[...]}` where `kind` is
//! `original` (and `copy_of` null) for non-copies, else `verbatim`, `rewrite` or `spun`;
//! `direction` says which rule picked the original (`earlier_published`, `more_complete`,
//! `arrival_order`). Each evidence item is an aligned passage:
//! `{"copy_start","copy_end","original_start","original_end","similarity","copy_text","original_text"}`
//! with character (Unicode scalar) offsets into each article's clean text, end exclusive, and the
//! passages' first 200 characters.
use crate::io::{extracted_articles, progress, JsonLines, Tally};
use clap::Args as ClapArgs;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use storyfold_dedup::DedupConfig;
use storyfold_model::{text::char_offset, CopyLink};

/// Arguments of `storyfold dedup`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

const SNIPPET_CHARS: usize = 200;

/// Runs `storyfold dedup`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let extractor = storyfold_extract::ExtractConfig::default().build()?;
    let analyzer = storyfold_analyze::AnalyzeConfig::default().build()?;
    let mut deduper = DedupConfig::default().build()?;
    let bar = progress(None, "dedup");
    let mut order: Vec<String> = Vec::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut links: HashMap<String, CopyLink> = HashMap::new();
    let mut tally = Tally::default();
    let mut ok = 0;
    for article in extracted_articles(&args.inputs, &extractor, &mut tally) {
        let doc = analyzer.analyze(article);
        for link in deduper.observe(&doc) {
            links.insert(link.copy.0.clone(), link);
        }
        let id = doc.article.id.0.clone();
        if texts.insert(id.clone(), doc.text).is_none() {
            order.push(id);
        }
        ok += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut out = JsonLines::stdout();
    for id in &order {
        let value = match links.get(id) {
            None => json!({"id": id, "copy_of": null, "kind": "original", "similarity": null,
                           "direction": null, "evidence": []}),
            Some(link) => link_json(link, &texts),
        };
        if !out.write(&value)? {
            break;
        }
    }
    out.finish()?;
    tally.ok = ok;
    tally.finish("dedup")
}

fn link_json(link: &CopyLink, texts: &HashMap<String, String>) -> Value {
    let empty = String::new();
    let copy = texts.get(link.copy.as_str()).unwrap_or(&empty);
    let original = texts.get(link.original.as_str()).unwrap_or(&empty);
    let evidence: Vec<Value> = link
        .evidence
        .iter()
        .map(|e| {
            json!({
                "copy_start": char_offset(copy, e.copy.start),
                "copy_end": char_offset(copy, e.copy.end),
                "original_start": char_offset(original, e.original.start),
                "original_end": char_offset(original, e.original.end),
                "similarity": round3(e.similarity),
                "copy_text": snippet(e.copy.slice(copy)),
                "original_text": snippet(e.original.slice(original)),
            })
        })
        .collect();
    json!({
        "id": link.copy,
        "copy_of": link.original,
        "kind": link.kind.as_str(),
        "similarity": round3(link.similarity),
        "direction": link.direction,
        "evidence": evidence,
    })
}

fn round3(x: f32) -> f64 {
    (x as f64 * 1000.0).round() / 1000.0
}

fn snippet(text: &str) -> String {
    text.chars().take(SNIPPET_CHARS).collect()
}
