//! Articles per second on generated ~600-word news text.
//!
//! `cargo bench -p storyfold-analyze` runs the criterion benchmark (wall clock). For a figure
//! that depends less on the machine's load, run the built bench binary with
//! `ANALYZE_BENCH_ARTICLES=N`: it analyses N of the same articles (the same loop body, without
//! criterion) and exits, so `perf stat -e task-clock` gives CPU time per article and
//! `valgrind --tool=callgrind` instructions per article (subtract a run with N=0 for setup).
use criterion::{criterion_group, Criterion, Throughput};
use storyfold_analyze::AnalyzeConfig;
use storyfold_model::{Article, ContentHash, DateSource, Published};

/// A made-up ~600-word article mixing names, places, dates and quotes.
fn article(seed: usize) -> Article {
    let people = [
        "Ingrid Halvorsen",
        "Lu Wenhai",
        "Ana Duarte",
        "Tomas Brandt",
        "Ruth Wanjiru",
    ];
    let places = ["Kenya", "Oslo", "Brazil", "Lisbon", "Vietnam"];
    let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    let mut paragraphs = Vec::new();
    let mut words = 0;
    let mut k = seed;
    while words < 600 {
        let person = people[k % people.len()];
        let last = person.split(' ').nth(1).unwrap_or(person);
        let place = places[(k / 2) % places.len()];
        let day = days[k % days.len()];
        let paragraph = format!(
            "Foreign Minister {person} will travel to {place} from {day} to Friday, the \
             ministry said on {day}. The visit follows talks held on March {d}, 2023, and a \
             meeting last month. \u{201c}We expect progress within three days,\u{201d} {last} \
             said. The Kremlin said in a statement that trade with {place} grew by {n} percent \
             last year, and officials will meet again next week in late April.",
            d = 1 + k % 28,
            n = 3 + k % 17,
        );
        words += paragraph.split_whitespace().count();
        paragraphs.push(paragraph);
        k += 1;
    }
    Article {
        id: format!("bench-{seed}").into(),
        source: "bench".into(),
        url: None,
        outlet: None,
        title: None,
        byline: None,
        published: Published::parse_iso("2023-04-14", DateSource::Given),
        language: None,
        paragraphs,
        boilerplate: vec![],
        content_hash: ContentHash::default(),
    }
}

/// Analyses `count` articles (cycling through the 16 bench articles) as the timed loop does.
fn fixed_count(count: usize) {
    let analyzer = AnalyzeConfig::default()
        .build()
        .expect("default config builds");
    let articles: Vec<Article> = (0..16).map(article).collect();
    for a in articles.iter().cycle().take(count) {
        let doc = analyzer.analyze(a.clone());
        assert!(!doc.entities.is_empty() && !doc.times.is_empty());
    }
}

fn bench(c: &mut Criterion) {
    let analyzer = AnalyzeConfig::default()
        .build()
        .expect("default config builds");
    let articles: Vec<Article> = (0..16).map(article).collect();
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Elements(articles.len() as u64));
    group.bench_function("600-word articles", |b| {
        b.iter(|| {
            for a in &articles {
                let doc = analyzer.analyze(a.clone());
                assert!(!doc.entities.is_empty() && !doc.times.is_empty());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    if let Some(count) = std::env::var("ANALYZE_BENCH_ARTICLES")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        fixed_count(count);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
