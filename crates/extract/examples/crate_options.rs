//! Scores the bare main-text crate (rs-trafilatura) with option variants on an
//! article-extraction-benchmark folder, with the CPU seconds each variant took (from
//! `/proc/self/schedstat`, so other load on the machine does not count):
//! `cargo run --release -p storyfold-extract --example crate_options -- ../shared/data/aeb`.
//! `DIFF=1` also prints each page's precision and recall per variant. A development aid.
use std::io::Read;
use storyfold_extract::score;

/// Builds a variant's options from the page URL.
type MakeOptions = Box<dyn Fn(Option<String>) -> rs_trafilatura::Options>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage DIR")?);
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json"))?)?;
    let truth = truth.as_object().ok_or("no")?;
    let mut pages = Vec::new();
    for (key, page) in truth {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(
            dir.join("html").join(format!("{key}.html.gz")),
        )?)
        .read_to_end(&mut bytes)?;
        let html = rs_trafilatura::encoding::transcode_to_utf8(&bytes);
        pages.push((
            key.clone(),
            page["url"].as_str().map(str::to_string),
            page["articleBody"].as_str().unwrap_or("").to_string(),
            html,
        ));
    }
    use rs_trafilatura::{page_type::PageType, Options};
    let variants: Vec<(&str, MakeOptions)> = vec![
        ("default", Box::new(|_| Options::default())),
        (
            "url",
            Box::new(|u| Options {
                url: u,
                ..Options::default()
            }),
        ),
        (
            "article",
            Box::new(|_| Options {
                page_type: Some(PageType::Article),
                ..Options::default()
            }),
        ),
        (
            "url+article",
            Box::new(|u| Options {
                url: u,
                page_type: Some(PageType::Article),
                ..Options::default()
            }),
        ),
    ];
    for (name, mk) in &variants {
        let start = cpu_ns();
        let outs: Vec<String> = pages
            .iter()
            .map(|(_, u, _, h)| {
                rs_trafilatura::extract_with_options(h, &mk(u.clone()))
                    .map(|r| r.content_text)
                    .unwrap_or_default()
            })
            .collect();
        let secs = (cpu_ns() - start) as f64 / 1e9;
        let s = score::score(
            pages
                .iter()
                .zip(&outs)
                .map(|((_, _, g, _), o)| (g.as_str(), o.as_str())),
        );
        let half = |first: bool| {
            let n = pages.len() / 2;
            let mut idx: Vec<usize> = (0..pages.len()).collect();
            idx.sort_by(|a, b| pages[*a].0.cmp(&pages[*b].0));
            let sel: Vec<usize> = if first {
                idx[..n].to_vec()
            } else {
                idx[n..].to_vec()
            };
            score::score(sel.iter().map(|&i| (pages[i].2.as_str(), outs[i].as_str()))).f1
        };
        if std::env::var("DIFF").is_ok() {
            for (i, (k, _, g, _)) in pages.iter().enumerate() {
                let c = score::page_counts(g, &outs[i]);
                println!("PAGE {name} {k} {:.3} {:.3}", c.precision(), c.recall());
            }
        }
        println!(
            "{name:<12} F1 {:.4} P {:.4} R {:.4} first {:.4} second {:.4} secs {:.2}",
            s.f1,
            s.precision,
            s.recall,
            half(true),
            half(false),
            secs
        );
    }
    Ok(())
}

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}
