//! Time of `Deduper::sketch` and `Deduper::observe_sketched` per article on a JSONL stream
//! (`{"id","text","published"?}` per line, e.g. from `bench/scale_gen.py`), with the token cache
//! of the default config and without it (`token_cache_articles = 0`, every candidate tokenized
//! again on each compare), plus a digest of the links to show both give the same answers.
//!
//! `cargo run --release -p storyfold-dedup --example observe_profile -- STREAM.jsonl [CACHE]`
use std::hash::{Hash, Hasher};
use std::io::BufRead;
use std::time::Instant;
use storyfold_dedup::{testutil_doc, DedupConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: observe_profile STREAM.jsonl")?;
    let mut docs = Vec::new();
    for (n, line) in std::io::BufReader::new(std::fs::File::open(&path)?)
        .lines()
        .enumerate()
    {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let id = s("id").unwrap_or_else(|| n.to_string());
        let published = s("published");
        docs.push(testutil_doc(
            &id,
            &s("text").unwrap_or_default(),
            published.as_deref(),
        ));
    }
    // Optional second argument: one cache size to run alone (for profiling).
    let sizes: Vec<usize> = match std::env::args().nth(2) {
        Some(n) => vec![n.parse()?],
        None => vec![DedupConfig::default().token_cache_articles, 0],
    };
    for cache in sizes {
        let config = DedupConfig {
            token_cache_articles: cache,
            ..DedupConfig::default()
        };
        let mut deduper = config.build()?;
        let t = Instant::now();
        let sketches: Vec<_> = docs.iter().map(|d| deduper.sketch(d)).collect();
        let sketch = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let cpu = thread_cpu_secs();
        let mut digest = std::collections::hash_map::DefaultHasher::new();
        let mut links = 0usize;
        for (d, s) in docs.iter().zip(sketches) {
            for l in deduper.observe_sketched(d, s) {
                links += 1;
                format!("{l:?}").hash(&mut digest);
            }
        }
        let observe = t.elapsed().as_secs_f64();
        let observe_cpu = thread_cpu_secs() - cpu;
        let n = docs.len() as f64;
        let m = deduper.memory();
        println!(
            "token_cache_articles {cache}: sketch {:.3} ms/article, observe_sketched {:.3} ms/article \
             (cpu {:.3}), \
             {links} links (digest {:016x}); cache {} articles, {:.1} MiB; texts {:.1} MiB; index {} B/article",
            sketch * 1000.0 / n,
            observe * 1000.0 / n,
            observe_cpu * 1000.0 / n,
            digest.finish(),
            m.token_cache_articles,
            m.token_cache_bytes as f64 / 1048576.0,
            m.text_bytes as f64 / 1048576.0,
            m.index_bytes / m.articles.max(1),
        );
    }
    Ok(())
}

/// CPU seconds (user + system) of this thread so far, from `/proc/thread-self/stat` (ticks of
/// 1/100 s), 0 where that file is missing. Less sensitive to other processes than wall time.
fn thread_cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the stat line, 12 and 13 after the ')'.
    (ticks(11) + ticks(12)) / 100.0
}
