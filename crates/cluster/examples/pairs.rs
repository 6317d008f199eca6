//! Development harness: scores `{"id","lang1","lang2","text1","text2","overall"}` pairs (SemEval
//! 2022 task 8 layout, converted to JSONL) and prints Pearson r against the negated gold Overall.
//!
//! `cargo run -p storyfold-cluster --example pairs -- FILE dev|test|all ['{"weight_numbers":0.1}']`
//! `dev` keeps even rows, `test` odd rows.
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
    } = harness::args("pairs")?;
    let split = split.as_str();
    let embedder = embedding::from_env()?;
    let file = std::io::BufReader::new(std::fs::File::open(&path)?);
    let mut rows = Vec::new();
    for line in file.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let row = v["row"].as_u64().ok_or("row")?;
        let keep = match split {
            "dev" => row % 2 == 0,
            "test" => row % 2 == 1,
            _ => true,
        };
        if keep {
            let en = v["lang1"] == "en" && v["lang2"] == "en";
            // The CSV names each side's language (the CLI's analyzer detects it instead).
            let mut a = doc("a", v["text1"].as_str().ok_or("text1")?);
            let mut b = doc("b", v["text2"].as_str().ok_or("text2")?);
            a.language = v["lang1"].as_str().map(str::to_string);
            b.language = v["lang2"].as_str().map(str::to_string);
            let langs = format!(
                "{}-{}",
                v["lang1"].as_str().unwrap_or("?"),
                v["lang2"].as_str().unwrap_or("?")
            );
            rows.push((
                en,
                a,
                b,
                -v["overall"].as_f64().ok_or("overall")?,
                row,
                langs,
            ));
        }
    }
    for (n, config) in configs.iter().enumerate() {
        let mut clusterer = embedding::attach(config.build()?, &embedder);
        for (_, a, b, _, _, _) in &rows {
            clusterer.learn(a);
            clusterer.learn(b);
        }
        let (mut all_x, mut all_y, mut en_x, mut en_y) = (vec![], vec![], vec![], vec![]);
        let mut dump = Vec::new();
        for (en, a, b, gold, row, langs) in &rows {
            let s = f64::from(clusterer.similarity(a, b));
            dump.push(format!(
                "{row}\t{langs}\t{}\t{s:.4}\t{}\t{}",
                -gold,
                a.text.split_whitespace().count(),
                b.text.split_whitespace().count()
            ));
            all_x.push(s);
            all_y.push(*gold);
            if *en {
                en_x.push(s);
                en_y.push(*gold);
            }
        }
        // As a same-story decision at the join threshold: gold Overall <= 2 ("very" or
        // "somewhat similar") counts as the same story.
        let t = f64::from(config.threshold);
        let (mut tp, mut fp, mut fne) = (0u32, 0u32, 0u32);
        for (x, y) in en_x.iter().zip(&en_y) {
            match (*x >= t, -*y <= 2.0) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fne += 1,
                _ => {}
            }
        }
        if let Ok(path) = std::env::var("DUMP") {
            // Per pair: row, languages, gold Overall, score, words of each side.
            std::fs::write(format!("{path}.{n}"), dump.join("\n"))?;
        }
        let f1 = 2.0 * f64::from(tp) / f64::from((2 * tp + fp + fne).max(1));
        println!(
            "{split} pairs {} r {:.4} en-en {} r {:.4} same-story@{t:.2} tp {tp} fp {fp} fn {fne} F1 {f1:.3} {}",
            all_x.len(),
            score::pearson(&all_x, &all_y).unwrap_or(f64::NAN),
            en_x.len(),
            score::pearson(&en_x, &en_y).unwrap_or(f64::NAN),
            json.get(n).map(String::as_str).unwrap_or("{}")
        );
    }
    embedding::save();
    Ok(())
}
