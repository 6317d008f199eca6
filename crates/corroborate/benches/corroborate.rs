//! Corroboration throughput on synthetic stories of 20 articles (~20 sentences each, with
//! entities, dates, numbers and quotes), generated from a fixed seed.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use storyfold_corroborate::CorroborateConfig;
use storyfold_model::{
    Article, ContentHash, CopyKind, CopyLink, DirectionRule, Doc, EntityKind, EntityMention, Grain,
    Published, Quote, Sentence, Span, Story, StoryId, TimeExpression,
};

const ARTICLES: usize = 20;
const FACTS: usize = 40;
const SENTENCES_PER_ARTICLE: usize = 20;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: fixed seed, same stories every run.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PEOPLE: &[&str] = &[
    "Ana Lund",
    "Marek Tosh",
    "Ilse Brandt",
    "Tomas Reyes",
    "Mira Okafor",
];
const PLACES: &[&str] = &["Estavia", "Norland", "Varna Bay", "Port Elling", "Kessel"];
const NOUNS: &[&str] = &[
    "agreement",
    "treaty",
    "delegation",
    "summit",
    "pipeline",
    "harbour",
    "ministry",
    "council",
    "talks",
    "sanctions",
    "ferry",
    "bridge",
    "election",
    "budget",
    "tariff",
    "reform",
];
const VERBS: &[&str] = &[
    "signed",
    "announced",
    "rejected",
    "approved",
    "discussed",
    "postponed",
    "opened",
    "funded",
];
const SWAPS: &[(&str, &str)] = &[
    ("announced", "said"),
    ("agreement", "deal"),
    ("talks", "negotiations"),
    ("approved", "backed"),
];

struct Piece {
    text: String,
    entities: Vec<(usize, usize, EntityKind, String)>,
    times: Vec<(usize, usize, String)>,
    quote: Option<(usize, usize, String)>,
}

fn fact(seed: usize) -> Piece {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((seed as u64 + 1) * 7919));
    let person = PEOPLE[rng.below(PEOPLE.len())];
    let place = PLACES[rng.below(PLACES.len())];
    let noun = NOUNS[rng.below(NOUNS.len())];
    let noun2 = NOUNS[rng.below(NOUNS.len())];
    let verb = VERBS[rng.below(VERBS.len())];
    let number = 2 + rng.below(200);
    let day = 1 + rng.below(28);
    let mut text = String::new();
    let mut entities = Vec::new();
    let mut times = Vec::new();
    let mut quote = None;
    let push = |text: &mut String, s: &str| {
        let start = text.len();
        text.push_str(s);
        (start, text.len())
    };
    let (s, e) = push(&mut text, person);
    entities.push((s, e, EntityKind::Person, person.to_string()));
    push(&mut text, &format!(" {verb} the {noun} on {noun2} in "));
    let (s, e) = push(&mut text, place);
    entities.push((s, e, EntityKind::Place, place.to_string()));
    push(&mut text, " ");
    let (s, e) = push(&mut text, &format!("on May {day}"));
    times.push((s, e, format!("2024-05-{day:02}")));
    push(
        &mut text,
        &format!(", with {number} officials attending the {noun2} meeting."),
    );
    if seed % 4 == 0 {
        push(&mut text, " “We will not accept this ");
        let q0 = text.len() - "We will not accept this ".len();
        push(&mut text, &format!("{noun} without a fair {noun2},"));
        let q1 = text.len() - 1;
        push(&mut text, "” ");
        let (s, e) = push(&mut text, person);
        entities.push((s, e, EntityKind::Person, person.to_string()));
        push(&mut text, " said.");
        quote = Some((q0, q1, person.to_string()));
    }
    Piece {
        text,
        entities,
        times,
        quote,
    }
}

fn article(id: usize, story: usize, rng: &mut Rng, facts: &[Piece]) -> Doc {
    let mut text = String::new();
    let mut sentences = Vec::new();
    let mut entities = Vec::new();
    let mut times = Vec::new();
    let mut quotes = Vec::new();
    for _ in 0..SENTENCES_PER_ARTICLE {
        let piece = &facts[rng.below(facts.len())];
        if !text.is_empty() {
            text.push(' ');
        }
        let base = text.len();
        // Rewrites swap a word here and there; offsets shift, so swaps only touch the plain
        // words after the last annotation.
        let mut body = piece.text.clone();
        if rng.below(3) == 0 {
            let (from, to) = SWAPS[rng.below(SWAPS.len())];
            let tail_from = piece.times.last().map(|t| t.1).unwrap_or(0);
            if piece.quote.is_none() {
                let tail = body[tail_from..].replacen(from, to, 1);
                body.truncate(tail_from);
                body.push_str(&tail);
            }
        }
        text.push_str(&body);
        sentences.push(Sentence {
            span: Span::new(base, text.len()),
            paragraph: sentences.len() / 3,
        });
        for (s, e, kind, name) in &piece.entities {
            entities.push(EntityMention {
                span: Span::new(base + s, base + e),
                text: name.clone(),
                kind: *kind,
                canonical: name.clone(),
            });
        }
        for (s, e, value) in &piece.times {
            times.push(TimeExpression {
                span: Span::new(base + s, base + e),
                text: text[base + s..base + e].to_string(),
                value: value.clone(),
                grain: Grain::Day,
                end_value: None,
            });
        }
        if let Some((s, e, speaker)) = &piece.quote {
            quotes.push(Quote {
                span: Span::new(base + s, base + e),
                text: text[base + s..base + e].to_string(),
                speaker: Some(speaker.clone()),
            });
        }
    }
    let published = Published::given(
        chrono::NaiveDate::from_ymd_opt(2024, 5, 1 + (id % 20) as u32).expect("valid date"),
    );
    Doc {
        article: Article {
            id: format!("s{story}-a{id}").into(),
            source: "bench".into(),
            url: None,
            outlet: Some(format!("outlet-{}", id % 15)),
            title: None,
            byline: None,
            published: Some(published.clone()),
            language: Some("en".into()),
            paragraphs: vec![text.clone()],
            boilerplate: vec![],
            content_hash: ContentHash::of_text(&text),
        },
        text,
        language: Some("en".into()),
        published: Some(published),
        sentences,
        entities,
        times,
        quotes,
    }
}

fn stories(count: usize) -> Vec<(Story, Vec<Doc>, Vec<CopyLink>)> {
    let mut rng = Rng(42);
    (0..count)
        .map(|s| {
            let facts: Vec<Piece> = (0..FACTS).map(|f| fact(s * FACTS + f)).collect();
            let docs: Vec<Doc> = (0..ARTICLES)
                .map(|a| article(a, s, &mut rng, &facts))
                .collect();
            let links = (1..4)
                .map(|a| CopyLink {
                    copy: docs[a].article.id.clone(),
                    original: docs[0].article.id.clone(),
                    kind: CopyKind::Rewrite,
                    similarity: 0.8,
                    direction: DirectionRule::EarlierPublished,
                    evidence: vec![],
                })
                .collect();
            let story = Story {
                id: StoryId::from(format!("s-{s}")),
                aliases: vec![],
                articles: docs.iter().map(|d| d.article.id.clone()).collect(),
                title: format!("story {s}"),
                first_seen: None,
                last_seen: None,
                reasons: vec![],
            };
            (story, docs, links)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let corroborator = CorroborateConfig::default()
        .build()
        .expect("default config");
    let stories = stories(8);
    let mut group = c.benchmark_group("corroborate");
    group.throughput(Throughput::Elements(stories.len() as u64));
    group.bench_function("stories_of_20_articles", |b| {
        b.iter(|| {
            for (story, docs, links) in &stories {
                let result = corroborator.corroborate(story, docs, links);
                assert!(!result.claims.is_empty());
                assert!(result.claims.iter().any(|c| c.independent_sources >= 2));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
