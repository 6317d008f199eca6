//! Development harness: clusters a `{"text","cluster"}` JSONL file (GoogleNews layout) with a
//! configuration given as JSON and prints NMI, ARI and B-cubed for one half of the gold clusters.
//!
//! `cargo run -p storyfold-cluster --example tune -- FILE dev|test|all ['{"threshold":0.3}']`
//! `dev` keeps items of even-numbered gold clusters, `test` the odd-numbered ones; `dev-items`
//! keeps even lines, `test-items` odd lines (every cluster in both halves).
use std::io::BufRead;
#[path = "common/embedding.rs"]
mod embedding;
#[path = "common/harness.rs"]
mod harness;
use harness::doc;
use storyfold_cluster::score;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let harness::Args {
        path,
        split,
        configs,
        json,
    } = harness::args("tune")?;
    let split = split.as_str();
    let embedder = embedding::from_env()?;
    let file = std::io::BufReader::new(std::fs::File::open(&path)?);
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
    // `CONCAT=k`: each run of k consecutive items of one gold story becomes one longer article
    // (a stand-in for full articles in large stories; items keep their order).
    let concat: usize = std::env::var("CONCAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    if concat > 1 {
        let mut open: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
        let (mut new_gold, mut new_docs) = (Vec::new(), Vec::new());
        for (g, d) in gold.iter().zip(&docs) {
            let parts = open.entry(*g).or_default();
            parts.push(d.text.clone());
            if parts.len() == concat {
                new_docs.push(doc(&format!("c{}", new_docs.len()), &parts.join(" ")));
                new_gold.push(*g);
                parts.clear();
            }
        }
        gold = new_gold;
        docs = new_docs;
    }
    for (n, config) in configs.iter().enumerate() {
        let mut clusterer = embedding::attach(config.build()?, &embedder);
        let start = std::time::Instant::now();
        let predicted = harness::final_stories(&mut clusterer, &docs);
        let elapsed = start.elapsed().as_secs_f64();
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
            "{split} {s} ({:.0} docs/s) {}",
            docs.len() as f64 / elapsed,
            json.get(n).map(String::as_str).unwrap_or("{}")
        );
    }
    embedding::save();
    Ok(())
}
