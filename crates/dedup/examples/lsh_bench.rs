//! Indexes texts with storyfold's MinHash LSH (no alignment) for `bench/dedup.py`: reads JSON Lines
//! `{"text"}`, and for each text queries then inserts it, writing candidate pairs `i j` (j < i) to
//! OUT and the indexing time (file reading excluded) to stdout.
//!
//! HASH_SEED is the sketcher's seed (default 1). With DUMP, also writes (after the timed part) what the sketch saw of each text, in input order,
//! so that the benchmark can score storyfold against the exact Jaccard of the shingles it indexed:
//! `u32 n, n x u64 shingle hash (sorted, distinct), NUM_PERM x u32 signature` per text
//! (little-endian; a text without words has n = 0 and an all-`u32::MAX` signature).
//!
//! `lsh_bench IN.jsonl OUT.txt NUM_PERM BANDS ROWS SHINGLE_WORDS [HASH_SEED [DUMP.bin]]`
use std::io::{BufRead, Write};
use storyfold_dedup::lsh::LshIndex;
use storyfold_dedup::minhash::{word_hashes, Sketcher};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    assert!(
        (7..=9).contains(&a.len()),
        "usage: lsh_bench IN OUT NUM_PERM BANDS ROWS SHINGLE_WORDS [HASH_SEED [DUMP]]"
    );
    let num: Vec<usize> = a[3..7]
        .iter()
        .map(|x| x.parse().expect("a number"))
        .collect();
    let seed: u64 = a.get(7).map_or(1, |x| x.parse().expect("a number"));
    let file = std::io::BufReader::new(std::fs::File::open(&a[1]).expect("input"));
    let texts: Vec<String> = file
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("line")).expect("json");
            v["text"].as_str().expect("text").to_string()
        })
        .collect();
    let start = std::time::Instant::now();
    let mut index = LshIndex::new(Sketcher::new(num[0], num[3], seed), num[1], num[2]);
    let mut found = Vec::new();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for t in &texts {
        let slot = index.query_insert(&word_hashes(t), &mut found);
        pairs.extend(found.iter().map(|&(s, _)| (slot, s)));
    }
    let secs = start.elapsed().as_secs_f64();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&a[2]).expect("output"));
    for (i, j) in &pairs {
        writeln!(out, "{i} {j}").expect("write");
    }
    if let Some(path) = a.get(8) {
        let sketcher = Sketcher::new(num[0], num[3], seed);
        let mut dump = std::io::BufWriter::new(std::fs::File::create(path).expect("dump"));
        let mut shingles = Vec::new();
        for t in &texts {
            let words = word_hashes(t);
            shingles.clear();
            sketcher.for_each_shingle(&words, |h| shingles.push(h));
            shingles.sort_unstable();
            shingles.dedup();
            let sig = sketcher
                .sketch_words(&words)
                .unwrap_or_else(|| vec![u32::MAX; num[0]]);
            let mut bytes = Vec::with_capacity(4 + 8 * shingles.len() + 4 * sig.len());
            bytes.extend_from_slice(&(shingles.len() as u32).to_le_bytes());
            shingles
                .iter()
                .for_each(|h| bytes.extend_from_slice(&h.to_le_bytes()));
            sig.iter()
                .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
            dump.write_all(&bytes).expect("write");
        }
    }
    println!(
        "{{\"docs\": {}, \"seconds\": {secs}, \"pairs\": {}}}",
        texts.len(),
        pairs.len()
    );
}
