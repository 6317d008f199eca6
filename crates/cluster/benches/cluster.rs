//! Throughput of `Clusterer::observe` on synthetic 200-word articles (text in, features read from
//! the text inside the timed loop), with 20,000 articles already in the window.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use storyfold_cluster::ClusterConfig;

mod synthetic;

const WARM: u64 = 20_000;
const BATCH: u64 = 2_000;

fn observe(c: &mut Criterion) {
    let mut rng = synthetic::Rng::new(7);
    let docs: Vec<_> = (0..WARM + BATCH)
        .map(|i| synthetic::article(&mut rng, i, 5_000, 200))
        .collect();
    let mut warm = ClusterConfig::default()
        .build()
        .expect("default config is valid");
    for d in &docs[..WARM as usize] {
        warm.observe(d);
    }
    let mut group = c.benchmark_group("cluster");
    group.sample_size(10);
    group.throughput(Throughput::Elements(BATCH));
    group.bench_function("observe_200_words", |b| {
        b.iter_batched(
            || warm.clone(),
            |mut clusterer| {
                let mut created = 0;
                for d in &docs[WARM as usize..] {
                    created += usize::from(clusterer.observe(d).created);
                }
                // Ten articles per event: far fewer stories than articles.
                assert!(created < BATCH as usize / 2, "{created} stories created");
                created
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, observe);
criterion_main!(benches);
