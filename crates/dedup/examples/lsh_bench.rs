//! Indexes texts with storyfold's MinHash LSH (no alignment) for `bench/dedup.py`: reads JSON Lines
//! `{"text"}`, and for each text queries then inserts it, writing candidate pairs `i j` (j < i) to
//! OUT and the indexing time (file reading excluded) to stdout.
//!
//! `lsh_bench IN.jsonl OUT.txt NUM_PERM BANDS ROWS SHINGLE_WORDS`
use std::io::{BufRead, Write};
use storyfold_dedup::lsh::LshIndex;
use storyfold_dedup::minhash::{word_hashes, Sketcher};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    assert!(
        a.len() == 7,
        "usage: lsh_bench IN OUT NUM_PERM BANDS ROWS SHINGLE_WORDS"
    );
    let num: Vec<usize> = a[3..]
        .iter()
        .map(|x| x.parse().expect("a number"))
        .collect();
    let file = std::io::BufReader::new(std::fs::File::open(&a[1]).expect("input"));
    let texts: Vec<String> = file
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("line")).expect("json");
            v["text"].as_str().expect("text").to_string()
        })
        .collect();
    let start = std::time::Instant::now();
    let mut index = LshIndex::new(Sketcher::new(num[0], num[3], 1), num[1], num[2]);
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
    println!(
        "{{\"docs\": {}, \"seconds\": {secs}, \"pairs\": {}}}",
        texts.len(),
        pairs.len()
    );
}
