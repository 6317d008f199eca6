//! `storyfold eval extraction`: main-text F1/P/R on the article-extraction benchmark (AEB) with
//! the benchmark's own metric (`storyfold_extract::score`), for storyfold and for every
//! `peer-output/*.json`, printed as one table sorted by F1.
use anyhow::Context;
use clap::Args as ClapArgs;
use serde_json::{Map, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use storyfold_extract::{score, ExtractConfig};
use storyfold_model::{ArticleId, RawArticle, RawBody};

/// Arguments of `storyfold eval extraction`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The benchmark folder (`ground-truth.json`, `html/`, `peer-output/`).
    #[arg(long, default_value = "../shared/data/aeb")]
    pub aeb: PathBuf,
    /// Also write storyfold's predictions here, in the benchmark's format.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))
}

fn read_page(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{}: not gzip", path.display()))?;
    Ok(bytes)
}

fn body(value: Option<&Value>) -> &str {
    value
        .and_then(|v| v.get("articleBody"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Runs `storyfold eval extraction`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    super::require_data(&args.aeb, "the article-extraction benchmark")?;
    let truth = read_json(&args.aeb.join("ground-truth.json"))?;
    let truth = truth
        .as_object()
        .context("ground-truth.json: expected an object keyed by page")?;
    let extractor = ExtractConfig::default().build()?;
    let mut predictions = Map::new();
    let mut failed = 0usize;
    let bar = crate::io::progress(Some(truth.len() as u64), "extract");
    for (key, page) in truth {
        let bytes = read_page(&args.aeb.join("html").join(format!("{key}.html.gz")))?;
        let raw = RawArticle {
            id: ArticleId(key.clone()),
            source: format!("{key}.html.gz"),
            body: RawBody::Html(bytes),
            url: page.get("url").and_then(Value::as_str).map(str::to_string),
            outlet: None,
            title: None,
            published: None,
            fetched_at: None,
        };
        let text = match extractor.extract(&raw) {
            Ok(article) => article.text(),
            Err(error) => {
                eprintln!("storyfold: {error}");
                failed += 1;
                String::new()
            }
        };
        predictions.insert(key.clone(), serde_json::json!({ "articleBody": text }));
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Some(path) = &args.output {
        std::fs::write(path, serde_json::to_string(&predictions)?)
            .with_context(|| format!("{}", path.display()))?;
    }

    let score_of = |predicted: &Map<String, Value>| {
        score::score(
            truth
                .iter()
                .map(|(key, page)| (body(Some(page)), body(predicted.get(key)))),
        )
    };
    let mut rows = vec![("storyfold".to_string(), score_of(&predictions))];
    let peers = args.aeb.join("peer-output");
    if peers.is_dir() {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&peers)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let value = read_json(&path)?;
            // Newer peer files wrap predictions as {"output": {...}, "version": ...}.
            let map = value
                .get("output")
                .and_then(Value::as_object)
                .or_else(|| value.as_object())
                .with_context(|| format!("{}: expected an object", path.display()))?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            rows.push((name, score_of(map)));
        }
    }
    rows.sort_by(|a, b| b.1.f1.total_cmp(&a.1.f1).then_with(|| a.0.cmp(&b.0)));
    println!(
        "AEB: {} pages ({}); storyfold failed on {failed}",
        truth.len(),
        args.aeb.display()
    );
    println!(
        "{:<20} {:>7} {:>9} {:>7} {:>9}",
        "system", "F1", "precision", "recall", "accuracy"
    );
    for (name, s) in &rows {
        println!(
            "{:<20} {:>7.4} {:>9.4} {:>7.4} {:>9.4}",
            name, s.f1, s.precision, s.recall, s.accuracy
        );
    }
    Ok(())
}
