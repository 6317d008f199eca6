//! `storyfold eval clustering`: NMI, ARI and B-cubed F1 of online story clustering on
//! GoogleNews (`{"text","cluster"}` JSON Lines), without being told the number of stories.
//!
//! Each item goes through extract, analyze and the clusterer in file order, as text only (no
//! title, date or outlet). Stories merged later are followed to their surviving id. Splits:
//! `dev` keeps the items of even-numbered gold clusters (the defaults were chosen on it), `test`
//! the odd-numbered ones (never tuned on), `all` everything.
use super::require_data;
use anyhow::Context;
use clap::Args as ClapArgs;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use storyfold_cluster::{score, ClusterConfig};
use storyfold_model::{ArticleId, Doc, RawArticle, RawBody};

/// Arguments of `storyfold eval clustering`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The GoogleNews file (`TS`: title + snippet; `T`, `S` also work).
    #[arg(long, default_value = "../shared/data/googlenews/TS")]
    pub googlenews: PathBuf,
    /// Which items: `test` (odd gold clusters), `dev` (even), `all`, or `every` for all three.
    #[arg(long, default_value = "every")]
    pub split: String,
    /// Clustering settings as JSON (fields of `ClusterConfig`).
    #[arg(long)]
    pub config: Option<String>,
    /// Sentence-embedding model folder (feature `embed`; default `$STORYFOLD_EMBED_MODEL`, else
    /// `models/all-MiniLM-L6-v2`, as scripts/install-embed-model.sh installs it).
    #[cfg(feature = "embed")]
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
}

/// Runs `storyfold eval clustering`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    require_data(&args.googlenews, "the GoogleNews clustering set")?;
    #[cfg(not(feature = "embed"))]
    let config: ClusterConfig = match &args.config {
        Some(json) => serde_json::from_str(json)?,
        None => ClusterConfig::default(),
    };
    // With the embedding model: its defaults, with `--config` laid over them.
    #[cfg(feature = "embed")]
    let config: ClusterConfig = storyfold_cluster::embed::config(args.config.as_deref())?;
    // Each item is clustered in more than one split: embed it once.
    #[cfg(feature = "embed")]
    let embedder = storyfold_cluster::embed::load(args.model.as_deref(), true)?;
    let extractor = storyfold_extract::ExtractConfig::default().build()?;
    let analyzer = storyfold_analyze::AnalyzeConfig::default().build()?;
    let file = std::fs::File::open(&args.googlenews)
        .with_context(|| format!("{}: cannot open", args.googlenews.display()))?;
    let mut items: Vec<(i64, Option<Doc>)> = Vec::new();
    let mut unextracted = 0usize;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let source = format!("{}:{}", args.googlenews.display(), n + 1);
        let line = line.with_context(|| format!("{source}: cannot read"))?;
        let value: serde_json::Value =
            serde_json::from_str(&line).with_context(|| format!("{source}: not JSON"))?;
        let cluster = value["cluster"]
            .as_i64()
            .with_context(|| format!("{source}: no \"cluster\""))?;
        let text = value["text"]
            .as_str()
            .with_context(|| format!("{source}: no \"text\""))?;
        let raw = RawArticle {
            id: ArticleId(format!("g{}", n + 1)),
            source,
            body: RawBody::Text(text.to_string()),
            url: None,
            outlet: None,
            title: None,
            published: None,
            fetched_at: None,
        };
        // An item extraction rejects (too short to be an article) stays in the scoring as a
        // story of its own, so refusing input never flatters the figures.
        let doc = match extractor.extract(&raw) {
            Ok(article) => Some(analyzer.analyze(article)),
            Err(_) => {
                unextracted += 1;
                None
            }
        };
        items.push((cluster, doc));
    }
    if unextracted > 0 {
        println!(
            "{unextracted} of {} items were refused by extract; each is scored as its own story",
            items.len()
        );
    }
    let splits: &[&str] = match args.split.as_str() {
        "every" => &["dev", "test", "all"],
        "dev" => &["dev"],
        "test" => &["test"],
        "all" => &["all"],
        other => anyhow::bail!("unknown split {other:?}: use dev, test, all or every"),
    };
    for split in splits {
        let chosen: Vec<&(i64, Option<Doc>)> = items
            .iter()
            .filter(|(c, _)| match *split {
                "dev" => c % 2 == 0,
                "test" => c % 2 != 0,
                _ => true,
            })
            .collect();
        let clusterer = config.build()?;
        #[cfg(feature = "embed")]
        let clusterer = clusterer.with_embedder(embedder.clone());
        let mut clusterer = clusterer;
        let mut stories = Vec::with_capacity(chosen.len());
        let mut survivor: BTreeMap<String, String> = BTreeMap::new();
        for (n, (_, doc)) in chosen.iter().enumerate() {
            let Some(doc) = doc else {
                stories.push(format!("unextracted-{n}"));
                continue;
            };
            let update = clusterer.observe(doc);
            for gone in update.merged {
                survivor.insert(gone.0, update.story.0.clone());
            }
            stories.push(update.story.0);
        }
        let predicted: Vec<String> = stories
            .into_iter()
            .map(|mut s| {
                while let Some(next) = survivor.get(&s) {
                    s = next.clone();
                }
                s
            })
            .collect();
        let gold: Vec<i64> = chosen.iter().map(|(c, _)| *c).collect();
        let s = score::clustering(&gold, &predicted);
        println!(
            "googlenews {} split={split}: {s}",
            args.googlenews
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }
    Ok(())
}
