//! `storyfold run INPUT...`: ingest into the store, update the stories, print them.
use crate::io::{progress, read_articles, Tally};
use crate::render;
use anyhow::Context;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use storyfold::model::StoryId;
use storyfold::{Outcome, Pipeline, PipelineConfig, Store};

/// Arguments of `storyfold run`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Files, folders, JSONL, feeds, WARC; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Print the story document (DESIGN.md's JSON contract) instead of the readable summary.
    #[arg(long)]
    pub json: bool,
    /// Articles per transaction.
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
    /// Sentence-embedding model folder (feature `embed`): clusters with the embedding similarity
    /// too. Off unless given here or in `$STORYFOLD_EMBED_MODEL`.
    #[cfg(feature = "embed")]
    #[arg(long, value_name = "DIR", env = "STORYFOLD_EMBED_MODEL")]
    pub model: Option<PathBuf>,
}

/// Runs `storyfold run`.
pub fn run(args: &Args, global: &crate::Global) -> anyhow::Result<()> {
    let config = PipelineConfig {
        batch_articles: args.batch,
        ..PipelineConfig::default()
    };
    // With a model: load it before the store is opened, so a missing file fails first.
    #[cfg(feature = "embed")]
    let (config, embedder) = with_model(config, args.model.as_deref())?;
    let store = Store::open(&global.store)?;
    let pipeline = Pipeline::open(store, &config)?;
    #[cfg(feature = "embed")]
    let pipeline = match embedder {
        Some(embedder) => pipeline.with_embedder(embedder),
        None => pipeline,
    };
    let mut pipeline = pipeline;
    let bar = progress(None, "ingesting");
    let mut tally = Tally::default();
    let mut stories: Vec<StoryId> = Vec::new();
    let mut added = 0usize;
    for item in read_articles(&args.inputs) {
        bar.inc(1);
        let raw = match item {
            Ok(raw) => raw,
            Err(error) => {
                bar.suspend(|| tally.bad(&error));
                pipeline.record_failure(&input_of(&error.to_string()), &error.to_string());
                continue;
            }
        };
        let source = raw.source.clone();
        match pipeline.ingest(raw) {
            Ok(Outcome::Added { story, .. }) => {
                tally.ok += 1;
                added += 1;
                stories.push(story);
            }
            Ok(Outcome::AlreadyStored { id }) => {
                tally.ok += 1;
                if let Some(story) = pipeline.store().story_of(&id)? {
                    stories.push(story);
                }
            }
            Err(storyfold::Error::Extract { input, source }) => {
                bar.suspend(|| tally.bad(&format!("{input}: {source}")));
                pipeline.record_failure(&input, &source.to_string());
            }
            Err(error) => return Err(error).with_context(|| format!("while ingesting {source}")),
        }
        if pipeline.batch_full() {
            bar.suspend(|| pipeline.commit())?;
        }
    }
    pipeline.commit()?;
    bar.finish_and_clear();
    tally.finish("run")?;
    let store = pipeline.into_store();
    // Stories of this run's inputs, each once, in the order first met; merges resolve to the
    // surviving story.
    let mut ids = Vec::new();
    for id in stories {
        if let Some(id) = store.resolve_story(&id)? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let document = storyfold::story_document(&store, &ids)?;
    tracing::info!(added, stories = ids.len(), "Run finished.");
    if args.json {
        render::print_json(&document)
    } else {
        render::print_stories(&document.stories, render::Detail::Summary)
    }
}

/// The embedding model in `dir` and the clustering defaults chosen for it; without `dir`, the
/// configuration as it is and no model.
#[cfg(feature = "embed")]
fn with_model(
    mut config: PipelineConfig,
    dir: Option<&std::path::Path>,
) -> anyhow::Result<(
    PipelineConfig,
    Option<std::sync::Arc<dyn storyfold_cluster::Embedder>>,
)> {
    let Some(dir) = dir else {
        return Ok((config, None));
    };
    let embedder = storyfold_cluster::embed::load(Some(dir), false)?;
    config.cluster = storyfold_cluster::ClusterConfig::with_embedding();
    tracing::info!(model = %dir.display(), "Clustering with sentence embeddings.");
    Ok((config, Some(embedder)))
}

/// The input named at the front of an ingest error (`path: reason`).
fn input_of(message: &str) -> String {
    message.split(": ").next().unwrap_or(message).to_string()
}
