//! `storyfold similarity`: the same-story score of article pairs.
//!
//! Input: JSON Lines `{"id","a":{article},"b":{article}}`, each article with `text` (or `html`)
//! and optional `id`, `title`, `published`, `outlet`, `url`. Output: `{"id","score"}` per pair in
//! input order, `score` in [0, 1] (1 = same story). The IDF is learned from every article of the
//! input first, so scores do not depend on pair order.
use crate::io::{JsonLines, Tally};
use anyhow::Context;
use clap::Args as ClapArgs;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use storyfold_cluster::ClusterConfig;
use storyfold_model::{ArticleId, Doc, RawArticle, RawBody};

/// Arguments of `storyfold similarity`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Clustering settings as JSON (fields of `ClusterConfig`).
    #[arg(long)]
    pub config: Option<String>,
    /// Sentence-embedding model folder (feature `embed`; default `$STORYFOLD_EMBED_MODEL`, else
    /// `models/all-MiniLM-L6-v2`, as scripts/install-embed-model.sh installs it).
    #[cfg(feature = "embed")]
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
}

/// Turns one side of a pair into a raw article.
pub(crate) fn raw_article(value: &Value, id: String, source: String) -> Option<RawArticle> {
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
    let body = match (field("text"), field("html")) {
        (Some(text), _) => RawBody::Text(text),
        (None, Some(html)) => RawBody::Html(html.into_bytes()),
        (None, None) => return None,
    };
    Some(RawArticle {
        id: ArticleId(field("id").unwrap_or(id)),
        source,
        body,
        url: field("url"),
        outlet: field("outlet"),
        title: field("title"),
        published: field("published"),
        fetched_at: None,
    })
}

/// Runs `storyfold similarity`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    #[cfg(not(feature = "embed"))]
    let config: ClusterConfig = match &args.config {
        Some(json) => serde_json::from_str(json)?,
        None => ClusterConfig::default(),
    };
    // With the embedding model: its defaults, with `--config` laid over them.
    #[cfg(feature = "embed")]
    let config: ClusterConfig = storyfold_cluster::embed::config(args.config.as_deref())?;
    let extractor = storyfold_extract::ExtractConfig::default().build()?;
    let analyzer = storyfold_analyze::AnalyzeConfig::default().build()?;
    let clusterer = config.build()?;
    #[cfg(feature = "embed")]
    let clusterer = storyfold_cluster::embed::attach(clusterer, args.model.as_deref())?;
    let mut clusterer = clusterer;
    let mut tally = Tally::default();
    let mut pairs: Vec<(String, Doc, Doc)> = Vec::new();
    for input in &args.inputs {
        let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
            Box::new(BufReader::new(std::io::stdin()))
        } else {
            let file = std::fs::File::open(input)
                .with_context(|| format!("{}: cannot open", input.display()))?;
            Box::new(BufReader::new(file))
        };
        for (n, line) in reader.lines().enumerate() {
            let source = format!("{}:{}", input.display(), n + 1);
            let line = line.with_context(|| format!("{source}: cannot read"))?;
            if line.trim().is_empty() {
                continue;
            }
            match pair(&line, &source, &extractor, &analyzer) {
                Ok(p) => pairs.push(p),
                Err(e) => tally.bad(&format!("{source}: {e}")),
            }
        }
    }
    for (_, a, b) in &pairs {
        clusterer.learn(a);
        clusterer.learn(b);
    }
    let mut out = JsonLines::stdout();
    for (id, a, b) in &pairs {
        tally.ok += 1;
        if !out.write(&json!({"id": id, "score": clusterer.similarity(a, b)}))? {
            break;
        }
    }
    out.finish()?;
    tally.finish("similarity")
}

fn pair(
    line: &str,
    source: &str,
    extractor: &storyfold_extract::Extractor,
    analyzer: &storyfold_analyze::Analyzer,
) -> anyhow::Result<(String, Doc, Doc)> {
    let value: Value = serde_json::from_str(line).context("not JSON")?;
    let id = match value.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => anyhow::bail!("no \"id\""),
    };
    let mut docs = Vec::with_capacity(2);
    for side in ["a", "b"] {
        let raw = value
            .get(side)
            .and_then(|v| raw_article(v, format!("{id}/{side}"), source.to_string()))
            .with_context(|| format!("\"{side}\" has no text"))?;
        docs.push(analyzer.analyze(extractor.extract(&raw)?));
    }
    let b = docs.pop().context("two sides")?;
    let a = docs.pop().context("two sides")?;
    Ok((id, a, b))
}
