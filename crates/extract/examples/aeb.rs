//! Scores the extractor on an article-extraction-benchmark folder, against the bare main-text
//! crate, and lists the worst pages:
//! `cargo run --release -p storyfold-extract --example aeb -- ../shared/data/aeb [WORST]`.
//! A development aid; `storyfold eval extraction` is the user-facing command.
//! `ASSUME_ARTICLE=1` sets `ExtractConfig::assume_article`; `NO_STRIP=1` clears
//! `ExtractConfig::strip_unread_markup`; `NO_LINKS=1` clears `ExtractConfig::drop_link_paragraphs`.
//! `DUMP=1` prints each removed paragraph to stderr as `BP<TAB>page<TAB>text`, and each kept
//! one as `KP<TAB>page<TAB>text` (input for a per-paragraph precision account).
use std::io::Read;
use storyfold_extract::{score, ExtractConfig};
use storyfold_model::{ArticleId, RawArticle, RawBody};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: aeb DIR [WORST]")?);
    let worst: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(10);
    let dump = std::env::var("DUMP").is_ok();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json"))?)?;
    let truth = truth.as_object().ok_or("ground truth is not an object")?;
    let config = ExtractConfig {
        assume_article: std::env::var("ASSUME_ARTICLE").is_ok(),
        strip_unread_markup: std::env::var("NO_STRIP").is_err(),
        drop_link_paragraphs: std::env::var("NO_LINKS").is_err(),
        ..ExtractConfig::default()
    };
    let extractor = config.build()?;
    let (mut ours, mut bare, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    let mut keys = Vec::new();
    for (key, page) in truth {
        let mut bytes = Vec::new();
        let path = dir.join("html").join(format!("{key}.html.gz"));
        flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_end(&mut bytes)?;
        let crate_text = rs_trafilatura::extract_bytes(&bytes)
            .map(|r| r.content_text)
            .unwrap_or_default();
        let raw = RawArticle {
            id: ArticleId(key.clone()),
            source: key.clone(),
            body: RawBody::Html(bytes),
            url: page.get("url").and_then(|u| u.as_str()).map(str::to_string),
            outlet: None,
            title: None,
            published: None,
            fetched_at: None,
        };
        let text = match extractor.extract(&raw) {
            Ok(article) => {
                if dump {
                    for b in &article.boilerplate {
                        eprintln!("BP\t{key}\t{b}");
                    }
                    for p in &article.paragraphs {
                        eprintln!("KP\t{key}\t{p}");
                    }
                }
                article.text()
            }
            Err(e) => {
                eprintln!("{e}");
                String::new()
            }
        };
        keys.push(key.clone());
        let gold = page["articleBody"].as_str().unwrap_or("").to_string();
        let c = score::page_counts(&gold, &text);
        rows.push((c.precision(), c.recall(), key.clone()));
        bare.push((gold.clone(), crate_text));
        ours.push((gold, text));
    }
    for (name, pages) in [("storyfold", &ours), ("rs-trafilatura (bare)", &bare)] {
        let s = score::score(pages.iter().map(|(g, p)| (g.as_str(), p.as_str())));
        println!(
            "{name:<22} F1 {:.4} P {:.4} R {:.4} pages {}",
            s.f1, s.precision, s.recall, s.pages
        );
    }
    // Rules are decided on the first half of the pages by file name ("seen"); the second half
    // is reported apart as unseen.
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|a, b| keys[*a].cmp(&keys[*b]));
    let (seen, unseen) = order.split_at(order.len() / 2);
    for (name, half) in [
        ("first half (seen)", seen),
        ("second half (unseen)", unseen),
    ] {
        for (system, pages) in [("storyfold", &ours), ("bare", &bare)] {
            let s = score::score(
                half.iter()
                    .map(|&i| (pages[i].0.as_str(), pages[i].1.as_str())),
            );
            println!(
                "{name:<21} {system:<9} F1 {:.4} P {:.4} R {:.4} pages {}",
                s.f1, s.precision, s.recall, s.pages
            );
        }
    }
    rows.sort_by(|a, b| a.0.min(a.1).total_cmp(&b.0.min(b.1)));
    for (p, r, key) in rows.iter().take(worst) {
        println!("{key} P {p:.3} R {r:.3}");
    }
    Ok(())
}
