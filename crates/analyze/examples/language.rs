//! Language-id agreement with labels at several sample sizes, for choosing
//! `AnalyzeConfig::language_sample_bytes`: `cargo run --release -p storyfold-analyze --example
//! language -- FILE.tsv` where each line is `LANG<TAB>TEXT` (ISO 639-1).
use std::io::BufRead;
use storyfold_analyze::AnalyzeConfig;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("a TSV file of LANG<TAB>TEXT lines");
    let file = std::fs::File::open(&path).expect("readable file");
    let rows: Vec<(String, String)> = std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| {
            let (lang, text) = l.split_once('\t')?;
            Some((lang.to_string(), text.to_string()))
        })
        .collect();
    for bytes in [250, 500, 750, 1000, 2000] {
        let analyzer = AnalyzeConfig {
            language_sample_bytes: bytes,
            ..AnalyzeConfig::default()
        }
        .build()
        .expect("config builds");
        let start = std::time::Instant::now();
        let right = rows
            .iter()
            .filter(|(lang, text)| analyzer.language(text) == Some(lang.as_str()))
            .count();
        println!(
            "{bytes:>5} bytes: {right}/{} right ({:.2}%), {:.1} us/text",
            rows.len(),
            100.0 * right as f64 / rows.len() as f64,
            start.elapsed().as_secs_f64() * 1e6 / rows.len() as f64
        );
    }
}
