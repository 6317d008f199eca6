//! `storyfold eval similarity`: Pearson r between the same-story score and the human Overall
//! judgement of SemEval-2022 task 8 pairs.
//!
//! The CSV (`training_set.csv`) carries both texts (`text1`, `text2`: headline and body run
//! together), the languages (`lang1`, `lang2`) and seven gold ratings; it has no titles, dates or
//! outlets, so the score uses text (and entities the analyzer finds) only. Gold 1 means the same
//! story and 4 unrelated, so r is computed against the negated Overall (higher = more similar).
//! The IDF is learned from all the texts first. Splits: even rows `dev` (the defaults were chosen
//! on it), odd rows `test`; each is reported overall and for en-en pairs.
use super::require_data;
use anyhow::Context;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use storyfold_cluster::{score, ClusterConfig};
use storyfold_model::{ArticleId, Doc, RawArticle, RawBody};

/// Arguments of `storyfold eval similarity`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The SemEval-2022 task 8 CSV.
    #[arg(
        long,
        default_value = "../shared/data/semeval2022-task8/training_set.csv"
    )]
    pub semeval: PathBuf,
    /// Clustering settings as JSON (fields of `ClusterConfig`).
    #[arg(long)]
    pub config: Option<String>,
    /// Sentence-embedding model folder (feature `embed`; default `$STORYFOLD_EMBED_MODEL`, else
    /// `models/all-MiniLM-L6-v2`, as scripts/install-embed-model.sh installs it).
    #[cfg(feature = "embed")]
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
}

struct Pair {
    row: usize,
    en: bool,
    a: Doc,
    b: Doc,
    gold: f64,
}

/// Runs `storyfold eval similarity`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    require_data(&args.semeval, "the SemEval-2022 task 8 pairs")?;
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
    let mut reader = csv::Reader::from_path(&args.semeval)
        .with_context(|| format!("{}: cannot open", args.semeval.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no column {name}", args.semeval.display()))
    };
    let (t1, t2, l1, l2, overall) = (
        column("text1")?,
        column("text2")?,
        column("lang1")?,
        column("lang2")?,
        column("Overall")?,
    );
    let mut pairs = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {row}", args.semeval.display()))?;
        let get = |i: usize| record.get(i).unwrap_or("");
        let gold: f64 = get(overall)
            .parse()
            .with_context(|| format!("row {row}: Overall {:?}", get(overall)))?;
        let mut docs = Vec::with_capacity(2);
        for (side, col) in [("a", t1), ("b", t2)] {
            let raw = RawArticle {
                id: ArticleId(format!("{row}{side}")),
                source: format!("{}:{row}", args.semeval.display()),
                body: RawBody::Text(get(col).to_string()),
                url: None,
                outlet: None,
                title: None,
                published: None,
                fetched_at: None,
            };
            docs.push(extractor.extract(&raw).ok().map(|a| analyzer.analyze(a)));
        }
        if let (Some(Some(b)), Some(Some(a))) = (docs.pop(), docs.pop()) {
            pairs.push(Pair {
                row,
                en: get(l1) == "en" && get(l2) == "en",
                a,
                b,
                gold: -gold,
            });
        }
    }
    let clusterer = config.build()?;
    #[cfg(feature = "embed")]
    let clusterer = storyfold_cluster::embed::attach(clusterer, args.model.as_deref())?;
    let mut clusterer = clusterer;
    for p in &pairs {
        clusterer.learn(&p.a);
        clusterer.learn(&p.b);
    }
    let scores: Vec<f64> = pairs
        .iter()
        .map(|p| f64::from(clusterer.similarity(&p.a, &p.b)))
        .collect();
    for split in ["dev", "test", "all"] {
        for en_only in [false, true] {
            let (x, y): (Vec<f64>, Vec<f64>) = pairs
                .iter()
                .zip(&scores)
                .filter(|(p, _)| match split {
                    "dev" => p.row % 2 == 0,
                    "test" => p.row % 2 == 1,
                    _ => true,
                })
                .filter(|(p, _)| !en_only || p.en)
                .map(|(p, s)| (*s, p.gold))
                .unzip();
            let r = score::pearson(&x, &y)
                .map(|r| format!("{r:.4}"))
                .unwrap_or_else(|| "n/a".into());
            println!(
                "semeval split={split} {}: pairs {} Pearson r (score vs -Overall) {r}",
                if en_only { "en-en" } else { "all languages" },
                x.len()
            );
        }
    }
    Ok(())
}
