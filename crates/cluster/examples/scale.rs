//! Cost per article as the stream grows: clusters N synthetic 200-word articles (5,000 a day,
//! window eviction on) and prints articles/s and live stories at each decade.
//!
//! `cargo run --release -p storyfold-cluster --example scale -- 1000000 ['{"lead_words":0}']`
//! (an optional second argument: `ClusterConfig` fields as JSON over the defaults).
use std::time::Instant;
use storyfold_cluster::ClusterConfig;

#[path = "../benches/synthetic/mod.rs"]
mod synthetic;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let mut rng = synthetic::Rng::new(7);
    let config: ClusterConfig = match std::env::args().nth(2) {
        Some(json) => serde_json::from_str(&json)?,
        None => ClusterConfig::default(),
    };
    let mut clusterer = config.build()?;
    let mut checkpoint = 10_000;
    let mut block_start = Instant::now();
    let mut block_first = 0u64;
    let mut busy = std::time::Duration::ZERO;
    let mut created = 0u64;
    for i in 0..total {
        let doc = synthetic::article(&mut rng, i, 5_000, 200);
        let t = Instant::now();
        created += u64::from(clusterer.observe(&doc).created);
        busy += t.elapsed();
        if i + 1 == checkpoint || i + 1 == total {
            let n = i + 1 - block_first;
            println!(
                "articles {:>8}: {:>8.0} articles/s in observe over the last {n} ({:.0}/s with \
                 generation), live stories {}, index entries {}, stories created {created}",
                i + 1,
                n as f64 / busy.as_secs_f64(),
                n as f64 / block_start.elapsed().as_secs_f64(),
                clusterer.state().live_stories(),
                clusterer.state().index_entries(),
            );
            checkpoint *= 10;
            block_first = i + 1;
            block_start = Instant::now();
            busy = std::time::Duration::ZERO;
        }
    }
    Ok(())
}
