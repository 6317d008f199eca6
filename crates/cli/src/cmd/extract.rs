//! `storyfold extract`: clean text and metadata of HTML or text files.
//!
//! Output, one line per input in input order:
//! `{"source","id","title","byline","outlet","published","published_source","url","language","text"}`
//! where `published` is ISO 8601 (the full time stamp when the page gave one, else the day),
//! `published_source` says where it came from (`given`, or the markup field such as
//! `json-ld datePublished`), and `text` is the paragraphs separated by blank lines.
use crate::io::{extracted_articles, progress, JsonLines, Tally};
use clap::Args as ClapArgs;
use serde_json::{json, Value};
use std::path::PathBuf;
use storyfold_extract::ExtractConfig;
use storyfold_model::{Article, DateSource, Published};

/// Arguments of `storyfold extract`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files (HTML, `.gz`, text, JSONL); `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// ISO 8601 form of a publication date.
fn iso(published: &Published) -> String {
    match &published.datetime {
        Some(datetime) => datetime.to_rfc3339(),
        None => published.iso_date(),
    }
}

/// Where a date came from, as one string.
fn date_source(published: &Published) -> String {
    match &published.source {
        DateSource::Given => "given".to_string(),
        DateSource::Markup { field } => field.clone(),
        DateSource::Inferred { .. } => "inferred".to_string(),
    }
}

fn article_json(article: &Article) -> Value {
    json!({
        "source": article.source,
        "id": article.id,
        "title": article.title,
        "byline": article.byline,
        "outlet": article.outlet,
        "published": article.published.as_ref().map(iso),
        "published_source": article.published.as_ref().map(date_source),
        "url": article.url,
        "language": article.language,
        "text": article.text(),
    })
}

/// Runs `storyfold extract`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let extractor = ExtractConfig::default().build()?;
    let mut out = JsonLines::stdout();
    let bar = progress(None, "extract");
    let mut tally = Tally::default();
    let mut ok = 0;
    for article in extracted_articles(&args.inputs, &extractor, &mut tally) {
        ok += 1;
        bar.inc(1);
        if !out.write(&article_json(&article))? {
            break;
        }
    }
    bar.finish_and_clear();
    out.finish()?;
    tally.ok = ok;
    tally.finish("extract")
}
