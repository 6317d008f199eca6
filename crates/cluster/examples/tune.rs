//! Development harness: clusters a `{"text","cluster"}` JSONL file (GoogleNews layout) with a
//! configuration given as JSON and prints NMI, ARI and B-cubed for one half of the gold clusters.
//!
//! `cargo run -p storyfold-cluster --example tune -- FILE dev|test|all ['{"threshold":0.3}']`
//! `dev` keeps items of even-numbered gold clusters, `test` the odd-numbered ones; `dev-items`
//! keeps even lines, `test-items` odd lines (every cluster in both halves).
use std::io::BufRead;
#[path = "common/embedding.rs"]
mod embedding;
use storyfold_cluster::{score, ClusterConfig};
use storyfold_model::{Article, ArticleId, ContentHash, Doc};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: tune FILE dev|test|all [CONFIG_JSON]")?;
    let split = args.get(2).map(String::as_str).unwrap_or("dev");
    // Every further argument is one configuration (JSON) to score; none: the defaults.
    let mut configs: Vec<ClusterConfig> = args[3.min(args.len())..]
        .iter()
        .map(|json| serde_json::from_str(json))
        .collect::<Result<_, _>>()?;
    if configs.is_empty() {
        configs.push(ClusterConfig::default());
    }
    let embedder = embedding::from_env()?;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut gold = Vec::new();
    let mut docs = Vec::new();
    for (i, line) in file.lines().enumerate() {
        let value: serde_json::Value = serde_json::from_str(&line?)?;
        let cluster = value["cluster"].as_i64().ok_or("cluster")?;
        let keep = match split {
            "dev" => cluster % 2 == 0,
            "test" => cluster % 2 == 1,
            "dev-items" => i % 2 == 0,
            "test-items" => i % 2 == 1,
            _ => true,
        };
        if !keep {
            continue;
        }
        let text = value["text"].as_str().ok_or("text")?.to_string();
        gold.push(cluster);
        docs.push(doc(&format!("g{i}"), &text));
    }
    for (n, config) in configs.iter().enumerate() {
        let mut clusterer = embedding::attach(config.build()?, &embedder);
        let start = std::time::Instant::now();
        let predicted: Vec<String> = docs.iter().map(|d| clusterer.observe(d).story.0).collect();
        let elapsed = start.elapsed().as_secs_f64();
        // Merges rename stories after the fact: map every id to its final survivor.
        let mut alias = std::collections::BTreeMap::new();
        let mut clusterer2 = embedding::attach(config.build()?, &embedder);
        for d in &docs {
            let u = clusterer2.observe(d);
            for m in u.merged {
                alias.insert(m.0, u.story.0.clone());
            }
        }
        let resolve = |mut s: String| {
            while let Some(n) = alias.get(&s) {
                s = n.clone();
            }
            s
        };
        let predicted: Vec<String> = predicted.into_iter().map(resolve).collect();
        if let Ok(dump) = std::env::var("DUMP") {
            let lines: Vec<String> = gold
                .iter()
                .zip(&predicted)
                .map(|(g, p)| format!("{g}\t{p}"))
                .collect();
            std::fs::write(dump, lines.join("\n"))?;
        }
        let s = score::clustering(&gold, &predicted);
        println!(
            "{split} items {} gold {} pred {} NMI {:.4} ARI {:.4} B3 P {:.4} R {:.4} F1 {:.4} ({:.0} docs/s) {}",
            s.items,
            s.gold_clusters,
            s.predicted_clusters,
            s.nmi,
            s.ari,
            s.bcubed_precision,
            s.bcubed_recall,
            s.bcubed_f1,
            docs.len() as f64 / elapsed,
            args.get(3 + n).map(String::as_str).unwrap_or("{}")
        );
    }
    embedding::save();
    Ok(())
}

fn doc(id: &str, text: &str) -> Doc {
    let article = Article {
        id: ArticleId::from(id),
        source: id.to_string(),
        url: None,
        outlet: None,
        title: None,
        byline: None,
        published: None,
        language: None,
        paragraphs: vec![text.to_string()],
        boilerplate: Vec::new(),
        content_hash: ContentHash::of_text(text),
    };
    Doc {
        article,
        text: text.to_string(),
        language: None,
        published: None,
        sentences: Vec::new(),
        entities: Vec::new(),
        times: Vec::new(),
        quotes: Vec::new(),
    }
}
