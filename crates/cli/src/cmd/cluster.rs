//! `storyfold cluster`: groups JSONL articles into stories.
//!
//! Output, one line per article in input order after the whole input is seen:
//! `{"id","story","score","created","why"}` where `story` is the article's final story (stories
//! merged later are followed to the surviving id), `score` the same-story score it joined with (0
//! when it started the story) and `why` the one-line reason.
use crate::io::{extracted_articles, progress, JsonLines, Tally};
use clap::Args as ClapArgs;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;
use storyfold_cluster::ClusterConfig;
use storyfold_model::StoryUpdate;

/// Arguments of `storyfold cluster`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Clustering settings as JSON (fields of `ClusterConfig`), for example `{"threshold":0.4}`.
    #[arg(long)]
    pub config: Option<String>,
    /// Sentence-embedding model folder (feature `embed`; default `$STORYFOLD_EMBED_MODEL`, else
    /// `models/all-MiniLM-L6-v2`, as scripts/install-embed-model.sh installs it).
    #[cfg(feature = "embed")]
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
}

/// Runs `storyfold cluster`.
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
    let bar = progress(None, "cluster");
    let mut updates: Vec<StoryUpdate> = Vec::new();
    let mut survivor: BTreeMap<String, String> = BTreeMap::new();
    let mut tally = Tally::default();
    let mut ok = 0;
    for article in extracted_articles(&args.inputs, &extractor, &mut tally) {
        let update = clusterer.observe(&analyzer.analyze(article));
        for gone in &update.merged {
            survivor.insert(gone.0.clone(), update.story.0.clone());
        }
        updates.push(update);
        ok += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let resolve = |story: &str| {
        let mut story = story.to_string();
        while let Some(next) = survivor.get(&story) {
            story = next.clone();
        }
        story
    };
    let mut out = JsonLines::stdout();
    for u in &updates {
        let value = json!({
            "id": u.article.as_str(),
            "story": resolve(u.story.as_str()),
            "score": u.reason.score,
            "created": u.created,
            "why": u.reason.summary,
        });
        if !out.write(&value)? {
            break;
        }
    }
    out.finish()?;
    tally.ok = ok;
    tally.finish("cluster")
}
