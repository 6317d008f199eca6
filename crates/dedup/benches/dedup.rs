//! Criterion benches of dedup: signatures, and `observe` over a stream with copies.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use storyfold_dedup::minhash::Sketcher;
use storyfold_dedup::{testutil_doc, DedupConfig};

/// Made-up articles of `words` words from a seeded generator over a 5,000-word vocabulary.
fn synthetic(n: usize, words: usize, seed: u64) -> Vec<String> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..n)
        .map(|_| {
            let mut text = String::new();
            for w in 0..words {
                text.push_str(&format!("w{}", next() % 5000));
                text.push_str(if w % 15 == 14 { ". W1 " } else { " " });
            }
            text
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let texts = synthetic(2000, 400, 7);
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group("dedup");
    g.throughput(Throughput::Bytes(bytes as u64));
    let sketcher = Sketcher::new(128, 3, 1);
    g.bench_function("sketch_128_2000x400w", |b| {
        b.iter(|| {
            let n = texts.iter().filter_map(|t| sketcher.sketch(t)).count();
            assert_eq!(n, texts.len());
        })
    });
    // Every fifth article is an exact copy of the one before, every tenth a truncated copy.
    let docs: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let text = if i % 5 == 1 {
                texts[i - 1].clone()
            } else if i % 10 == 3 {
                texts[i - 3][..texts[i - 3].len() * 2 / 3].to_string()
            } else {
                t.clone()
            };
            testutil_doc(&format!("d{i}"), &text, None)
        })
        .collect();
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("observe_2000_articles", |b| {
        b.iter(|| {
            let mut d = DedupConfig::default()
                .build()
                .expect("default config is valid");
            let links: usize = docs.iter().map(|x| d.observe(x).len()).sum();
            assert!(links >= 400);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
