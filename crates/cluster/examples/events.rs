//! Development harness: full-article clustering built from SemEval 2022 task 8 pairs (JSONL as for
//! `pairs`). Every text of the kept rows is one article; a pair with gold Overall <= 1.5 (the same
//! event) links its two texts into one gold story (linked pairs chain), a pair with gold >= 3 gives
//! two articles that belong apart; pairs in between are left out as ambiguous. The articles are
//! clustered online in a fixed pseudo-random order and scored with NMI, ARI and B-cubed.
//!
//! `cargo run -p storyfold-cluster --example events -- FILE dev|test|all en|same|all|LANG|LANG-LANG [CONFIG]...`
//! `en`: en-en rows; `same`: rows whose two sides share a language; `all`: every row; any other
//! language code (`de`) its rows with that language on both sides, `xx-yy` that pair of languages.
//! With `WHY=path` each configuration's joins (gold story, story, score, shared terms) are written
//! to `path.N`. With `WARM=1` the IDF is learned from every kept text first (as `storyfold eval similarity`
//! does); by default it is learned online, as in a stream. With `BY_LANGUAGE=1` each configuration
//! also prints B-cubed per article language within the stream (where the loss is: `missP` and
//! `missR` sum `1 - P` and `1 - R` over the language's articles) and, per language pair, how the
//! labelled pairs ended: same-event pairs together or apart, different-event pairs together or
//! apart.
use std::collections::BTreeMap;
use std::io::BufRead;
#[path = "common/harness.rs"]
mod harness;
use harness::doc;
use storyfold_cluster::score;

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut argv: Vec<String> = std::env::args().collect();
    // The language filter sits between the split and the configurations.
    let languages = if argv.len() > 3 {
        argv.remove(3)
    } else {
        "all".to_string()
    };
    let harness::Args {
        path,
        split,
        configs,
        json,
    } = harness::args_from("events", argv)?;
    let file = std::io::BufReader::new(std::fs::File::open(&path)?);
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    // Labelled pairs: (text, text, same event, "l1-l2").
    let mut labelled: Vec<(usize, usize, bool, String)> = Vec::new();
    for line in file.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let row = v["row"].as_u64().ok_or("row")?;
        let keep = match split.as_str() {
            "dev" => row % 2 == 0,
            "test" => row % 2 == 1,
            _ => true,
        };
        let (l1, l2) = (
            v["lang1"].as_str().unwrap_or(""),
            v["lang2"].as_str().unwrap_or(""),
        );
        let keep = keep
            && match languages.as_str() {
                "same" => l1 == l2,
                "all" => true,
                // `xx-yy`: rows of that language pair, either way round.
                pair if pair.contains('-') => {
                    pair == format!("{l1}-{l2}") || pair == format!("{l2}-{l1}")
                }
                // A language code: rows with that language on both sides.
                code => l1 == code && l2 == code,
            };
        let overall = v["overall"].as_f64().ok_or("overall")?;
        if !keep || (overall > 1.5 && overall < 3.0) {
            continue;
        }
        let mut ids = [0usize; 2];
        for (n, (field, lang)) in [("text1", l1), ("text2", l2)].into_iter().enumerate() {
            let text = v[field].as_str().ok_or("text")?.to_string();
            let next = texts.len();
            let id = *index.entry(text.clone()).or_insert(next);
            if id == next {
                texts.push((text, lang.to_string()));
                parent.push(id);
            }
            ids[n] = id;
        }
        labelled.push((ids[0], ids[1], overall <= 1.5, format!("{l1}-{l2}")));
        if overall <= 1.5 {
            let (a, b) = (find(&mut parent, ids[0]), find(&mut parent, ids[1]));
            parent[a.max(b)] = a.min(b);
        }
    }
    let gold: Vec<i64> = (0..texts.len())
        .map(|i| find(&mut parent, i) as i64)
        .collect();
    // A fixed shuffle (xorshift), so every configuration sees the same stream.
    let mut order: Vec<usize> = (0..texts.len()).collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..order.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    let docs: Vec<_> = order
        .iter()
        .map(|&i| {
            let mut d = doc(&format!("t{i}"), &texts[i].0);
            d.language = Some(texts[i].1.clone());
            d
        })
        .collect();
    let gold: Vec<i64> = order.iter().map(|&i| gold[i]).collect();
    let warm = std::env::var("WARM").is_ok_and(|v| v == "1");
    for (n, config) in configs.iter().enumerate() {
        let mut clusterer = config.build()?;
        if warm {
            for d in &docs {
                clusterer.learn(d);
            }
        }
        if let Ok(path) = std::env::var("WHY") {
            // Per article: gold story, joined story, score, shared terms (for error analysis).
            let mut probe = config.build()?;
            let mut lines = Vec::new();
            for (d, g) in docs.iter().zip(&gold) {
                let update = probe.observe(d);
                lines.push(format!(
                    "{}\t{}\t{g}\t{}\t{:.3}\t{}",
                    d.article.id.0,
                    d.language.as_deref().unwrap_or(""),
                    update.story.0,
                    update.reason.score,
                    update.reason.shared_terms.join(" ")
                ));
            }
            std::fs::write(format!("{path}.{n}"), lines.join("\n"))?;
        }
        let predicted = harness::final_stories(&mut clusterer, &docs);
        if let Ok(path) = std::env::var("WHY") {
            let lines: Vec<String> = docs
                .iter()
                .zip(&predicted)
                .map(|(d, p)| format!("{}\t{p}", d.article.id.0))
                .collect();
            std::fs::write(format!("{path}.{n}.final"), lines.join("\n"))?;
        }
        let s = score::clustering(&gold, &predicted);
        println!(
            "{split} {languages} {s} {}",
            json.get(n).map(String::as_str).unwrap_or("{}")
        );
        if std::env::var("BY_LANGUAGE").is_ok_and(|v| v == "1") {
            let languages: Vec<&str> = order.iter().map(|&i| texts[i].1.as_str()).collect();
            print_by_language(&gold, &predicted, &languages);
            // Stream position of each text, to read a labelled pair's stories.
            let mut at = vec![0usize; order.len()];
            for (position, &i) in order.iter().enumerate() {
                at[i] = position;
            }
            let mut outcomes: BTreeMap<(String, bool), [u32; 2]> = BTreeMap::new();
            for (a, b, same, pair) in &labelled {
                let together = predicted[at[*a]] == predicted[at[*b]];
                outcomes.entry((pair.clone(), *same)).or_default()[usize::from(together)] += 1;
            }
            for ((pair, same), [apart, together]) in outcomes {
                let kind = if same { "same-event" } else { "different" };
                println!("  pairs {pair} {kind}: together {together}, apart {apart}");
            }
        }
    }
    Ok(())
}

/// B-cubed precision, recall and F1 per article language within one stream.
fn print_by_language(gold: &[i64], predicted: &[String], languages: &[&str]) {
    let mut gold_size: BTreeMap<i64, f64> = BTreeMap::new();
    let mut predicted_size: BTreeMap<&str, f64> = BTreeMap::new();
    let mut both: BTreeMap<(i64, &str), f64> = BTreeMap::new();
    for (g, p) in gold.iter().zip(predicted) {
        *gold_size.entry(*g).or_default() += 1.0;
        *predicted_size.entry(p).or_default() += 1.0;
        *both.entry((*g, p)).or_default() += 1.0;
    }
    // Language -> (articles, sum of precision, sum of recall).
    let mut by: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new();
    for ((g, p), language) in gold.iter().zip(predicted).zip(languages) {
        let shared = both[&(*g, p.as_str())];
        let entry = by.entry(language).or_default();
        entry.0 += 1.0;
        entry.1 += shared / predicted_size[p.as_str()];
        entry.2 += shared / gold_size[g];
    }
    for (language, (n, precision, recall)) in by {
        let (p, r) = (precision / n, recall / n);
        println!(
            "  {language}: articles {n} B-cubed P {p:.4} R {r:.4} F1 {:.4} missP {:.1} missR {:.1}",
            2.0 * p * r / (p + r),
            n - precision,
            n - recall
        );
    }
}
