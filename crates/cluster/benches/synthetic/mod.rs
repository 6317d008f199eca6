//! Synthetic news for benchmarks: events with their own words and names, written by outlets that
//! mix event words with a shared Zipf-like background vocabulary. Deterministic (fixed seed).
use storyfold_model::{Article, ArticleId, ContentHash, Doc, Published};

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Pronounceable word number `n`.
fn word(mut n: u64) -> String {
    const SYL: [&str; 16] = [
        "ka", "lo", "mi", "ter", "van", "sol", "ru", "pe", "dor", "gan", "li", "sek", "mo", "ba",
        "tun", "ri",
    ];
    let mut out = String::new();
    loop {
        out.push_str(SYL[(n % 16) as usize]);
        n /= 16;
        if n == 0 {
            break;
        }
    }
    out
}

/// The `i`-th article of a stream where `events_per_day` events run, each `articles_per_event`
/// articles, `articles_per_day` articles a day.
pub fn article(rng: &mut Rng, i: u64, articles_per_day: u64, words: usize) -> Doc {
    let day = i / articles_per_day;
    // Events are numbered globally; an article picks one of today's.
    let events_per_day = (articles_per_day / 10).max(1);
    let event = day * events_per_day + rng.below(events_per_day);
    let mut text = String::new();
    let mut title = String::new();
    for k in 0..8 {
        if k > 0 {
            title.push(' ');
        }
        title.push_str(&word(1_000_000 + event * 40 + rng.below(12)));
    }
    for k in 0..words {
        if k > 0 {
            text.push(if k % 18 == 0 { '.' } else { ' ' });
            if k % 18 == 0 {
                text.push(' ');
            }
        }
        let w = if rng.below(100) < 35 {
            word(1_000_000 + event * 40 + rng.below(40))
        } else {
            // Background: a rough Zipf draw over 50,000 words.
            let r = rng.below(1_000_000) + 1;
            word(50_000 * 1_000 / (r / 20 + 1000) % 50_000)
        };
        text.push_str(&w);
    }
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(day)));
    let published = date.map(Published::given);
    let article = Article {
        id: ArticleId(format!("a{i}")),
        source: "synthetic".into(),
        url: None,
        outlet: None,
        title: Some(title),
        byline: None,
        published: published.clone(),
        language: Some("en".into()),
        paragraphs: vec![text.clone()],
        boilerplate: Vec::new(),
        content_hash: ContentHash::of_text(&text),
    };
    Doc {
        article,
        text,
        language: Some("en".into()),
        published,
        sentences: Vec::new(),
        entities: Vec::new(),
        times: Vec::new(),
        quotes: Vec::new(),
    }
}
