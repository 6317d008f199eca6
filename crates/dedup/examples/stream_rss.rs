//! Streams synthetic articles through a `Deduper` with window eviction and prints the resident
//! set size and the index's own memory every `--every` articles.
//!
//! `cargo run --release -p storyfold-dedup --example stream_rss -- [N] [WINDOW] [TEXT_WINDOW] [TOKEN_CACHE]`
use storyfold_dedup::{testutil_doc, DedupConfig};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1_000_000);
    let window = args.get(1).copied().unwrap_or(100_000);
    let text_window = args.get(2).copied().unwrap_or(5_000);
    let every = (n / 20).max(1);
    let defaults = DedupConfig::default();
    let config = DedupConfig {
        window_articles: window,
        text_window_articles: text_window,
        token_cache_articles: args
            .get(3)
            .copied()
            .unwrap_or(defaults.token_cache_articles),
        ..defaults
    };
    let mut d = config.build().expect("valid config");
    let mut state = 42u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut recent: Vec<String> = Vec::new();
    let mut links = 0usize;
    let start = std::time::Instant::now();
    println!("articles\trss_mib\tindex_articles\tindex_bytes_per_article\ttexts\ttext_mib\ttoken_cache_articles\ttoken_cache_mib\tlinks\tdocs_per_s");
    for i in 0..n {
        // One in ten articles copies a recent one (truncated); the rest are fresh.
        let text = if i % 10 == 9 && !recent.is_empty() {
            let src = &recent[(next() as usize) % recent.len()];
            let cut = src.len() * 3 / 4;
            let cut = (0..=cut)
                .rev()
                .find(|&c| src.is_char_boundary(c))
                .unwrap_or(0);
            src[..cut].to_string()
        } else {
            let words = 150 + (next() % 300) as usize;
            let mut t = String::with_capacity(words * 7);
            for w in 0..words {
                t.push_str(&format!("w{}", next() % 20_000));
                t.push_str(if w % 18 == 17 { ". W " } else { " " });
            }
            t
        };
        if recent.len() < 256 {
            recent.push(text.clone());
        } else {
            let k = (next() as usize) % recent.len();
            recent[k] = text.clone();
        }
        // 20,000 articles a day, dates moving forward (50 days for 1M articles).
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date")
            + chrono::Days::new((i / 20_000) as u64);
        let doc = testutil_doc(&format!("a{i}"), &text, Some(&date.to_string()));
        links += d.observe(&doc).len();
        if (i + 1) % every == 0 {
            let m = d.memory();
            println!(
                "{}\t{:.1}\t{}\t{:.0}\t{}\t{:.1}\t{}\t{:.1}\t{}\t{:.0}",
                i + 1,
                rss_kib() as f64 / 1024.0,
                m.articles,
                m.index_bytes as f64 / m.articles.max(1) as f64,
                m.texts,
                m.text_bytes as f64 / (1 << 20) as f64,
                m.token_cache_articles,
                m.token_cache_bytes as f64 / (1 << 20) as f64,
                links,
                (i + 1) as f64 / start.elapsed().as_secs_f64()
            );
        }
    }
}
