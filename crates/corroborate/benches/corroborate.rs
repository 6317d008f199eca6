//! Corroboration throughput on synthetic stories of 20 articles (~20 sentences each, with
//! entities, dates, numbers and quotes), generated from a fixed seed.
//!
//! - `stories_of_20_articles`: 40 facts over a vocabulary of a few dozen words, every article
//!   repeating them (the worst case: nearly every pair of units shares terms and disagrees on a
//!   number).
//! - `zipf_stories_of_20_articles`: 60 facts per story worded from a 5,000-word vocabulary drawn
//!   with Zipf frequencies (s = 1), each with its own numbers; an article tells 20 of them in its
//!   own order, dropping a word here and there.
//! - `googlenews_ts_stories_of_20_articles`: real stories, when `../shared/data` is present
//!   (else skipped with a message): the first 20 items (title + snippet, as the data set gives
//!   them: lower-cased, stop words removed) of each of the first 16 GoogleNews-TS gold clusters
//!   that hold 20 or more, run through the pipeline's analysis and dedup stages with their
//!   default settings. `STORYFOLD_DATA` overrides the data folder.
//! - `semeval_stories_of_20_articles`: real news text, when the data is present: the English
//!   pairs of the SemEval-2022 task 8 training set judged the same story (Overall <= 2), ten
//!   pairs (20 articles, about 1,000 characters each as the set gives them) per story, the same
//!   analysis and dedup. Each story mixes ten events, two articles each.
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

/// A made-up word for rank `r` of the vocabulary (distinct per rank).
fn vocab_word(r: usize) -> String {
    const SYLLABLES: &[&str] = &[
        "ka", "lo", "mi", "ren", "sa", "tor", "vel", "an", "dri", "po", "que", "ste",
    ];
    let mut word = String::new();
    let mut n = r + SYLLABLES.len();
    while n > 0 {
        word.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
    }
    word
}

/// Draws ranks with Zipf frequencies (s = 1) over `cumulative` (prefix sums of 1/r).
fn zipf(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative[cumulative.len() - 1];
    let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
    cumulative
        .partition_point(|&c| c < x)
        .min(cumulative.len() - 1)
}

const ZIPF_FACTS: usize = 60;
const VOCABULARY: usize = 5000;

fn zipf_fact(rng: &mut Rng, cumulative: &[f64], seed: usize) -> Piece {
    let person = PEOPLE[rng.below(PEOPLE.len())];
    let place = PLACES[rng.below(PLACES.len())];
    let day = 1 + rng.below(28);
    let mut text = String::new();
    let mut entities = Vec::new();
    let mut times = Vec::new();
    let s = text.len();
    text.push_str(person);
    entities.push((s, text.len(), EntityKind::Person, person.to_string()));
    for _ in 0..5 {
        text.push(' ');
        text.push_str(&vocab_word(zipf(rng, cumulative)));
    }
    text.push_str(" in ");
    let s = text.len();
    text.push_str(place);
    entities.push((s, text.len(), EntityKind::Place, place.to_string()));
    text.push(' ');
    let s = text.len();
    text.push_str(&format!("on May {day}"));
    times.push((s, text.len(), format!("2024-05-{day:02}")));
    text.push(',');
    for _ in 0..8 {
        text.push(' ');
        text.push_str(&vocab_word(zipf(rng, cumulative)));
    }
    let number = 3 + (seed * 37 + rng.below(50)) % 5000;
    text.push_str(&format!(
        " {number} {}.",
        vocab_word(zipf(rng, cumulative) % 200)
    ));
    Piece {
        text,
        entities,
        times,
        quote: None,
    }
}

fn zipf_article(id: usize, story: usize, rng: &mut Rng, facts: &[Piece]) -> Doc {
    // The article's facts: a random 20 of the story's, in their own order.
    let mut order: Vec<usize> = (0..facts.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order.truncate(SENTENCES_PER_ARTICLE);
    let mut picked: Vec<Piece> = order
        .iter()
        .map(|&f| {
            let piece = &facts[f];
            let mut text = piece.text.clone();
            // Drop one plain word after the date now and then (offsets before it hold).
            if rng.below(3) == 0 {
                let tail_from = piece.times.last().map(|t| t.1).unwrap_or(0);
                let tail: Vec<&str> = text[tail_from..].split(' ').collect();
                if tail.len() > 4 {
                    let drop = 1 + rng.below(tail.len() - 3);
                    let kept: Vec<&str> = tail
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != drop)
                        .map(|(_, w)| *w)
                        .collect();
                    text = format!("{}{}", &text[..tail_from], kept.join(" "));
                }
            }
            Piece {
                text,
                entities: piece.entities.clone(),
                times: piece.times.clone(),
                quote: None,
            }
        })
        .collect();
    let mut article_rng = Rng(rng.next() | 1);
    let facts_in_order: Vec<Piece> = std::mem::take(&mut picked);
    let mut doc = article(id, story, &mut article_rng, &facts_in_order);
    // `article` draws facts at random; re-lay them out in the picked order instead.
    let mut text = String::new();
    doc.sentences.clear();
    doc.entities.clear();
    doc.times.clear();
    for piece in &facts_in_order {
        if !text.is_empty() {
            text.push(' ');
        }
        let base = text.len();
        text.push_str(&piece.text);
        doc.sentences.push(Sentence {
            span: Span::new(base, text.len()),
            paragraph: doc.sentences.len() / 3,
        });
        for (s, e, kind, name) in &piece.entities {
            doc.entities.push(EntityMention {
                span: Span::new(base + s, base + e),
                text: name.clone(),
                kind: *kind,
                canonical: name.clone(),
            });
        }
        for (s, e, value) in &piece.times {
            doc.times.push(TimeExpression {
                span: Span::new(base + s, base + e),
                text: text[base + s..base + e].to_string(),
                value: value.clone(),
                grain: Grain::Day,
                end_value: None,
            });
        }
    }
    doc.article.paragraphs = vec![text.clone()];
    doc.article.content_hash = ContentHash::of_text(&text);
    doc.text = text;
    doc.quotes.clear();
    doc
}

fn zipf_stories(count: usize) -> Vec<(Story, Vec<Doc>, Vec<CopyLink>)> {
    let mut cumulative = Vec::with_capacity(VOCABULARY);
    let mut sum = 0.0;
    for r in 1..=VOCABULARY {
        sum += 1.0 / r as f64;
        cumulative.push(sum);
    }
    let mut rng = Rng(7);
    (0..count)
        .map(|s| {
            let facts: Vec<Piece> = (0..ZIPF_FACTS)
                .map(|f| zipf_fact(&mut rng, &cumulative, s * ZIPF_FACTS + f))
                .collect();
            let docs: Vec<Doc> = (0..ARTICLES)
                .map(|a| zipf_article(a, s, &mut rng, &facts))
                .collect();
            let story = Story {
                id: StoryId::from(format!("z-{s}")),
                aliases: vec![],
                articles: docs.iter().map(|d| d.article.id.clone()).collect(),
                title: format!("zipf story {s}"),
                first_seen: None,
                last_seen: None,
                reasons: vec![],
            };
            (story, docs, vec![])
        })
        .collect()
}

fn bench_zipf(c: &mut Criterion) {
    let corroborator = CorroborateConfig::default()
        .build()
        .expect("default config");
    let stories = zipf_stories(8);
    let mut group = c.benchmark_group("corroborate");
    group.throughput(Throughput::Elements(stories.len() as u64));
    group.bench_function("zipf_stories_of_20_articles", |b| {
        b.iter(|| {
            for (story, docs, links) in &stories {
                let result = corroborator.corroborate(story, docs, links);
                assert!(result.claims.iter().any(|c| c.independent_sources >= 2));
            }
        })
    });
    group.finish();
}

/// With `CORROBORATE_DUMP=PATH`, writes every bench story's result as JSON (one line per
/// story) before timing, so changes meant to keep results identical can be diffed.
fn dump(_: &mut Criterion) {
    let Ok(path) = std::env::var("CORROBORATE_DUMP") else {
        return;
    };
    let corroborator = CorroborateConfig::default()
        .build()
        .expect("default config");
    let mut out = String::new();
    for (story, docs, links) in stories(8).iter().chain(zipf_stories(8).iter()) {
        let result = corroborator.corroborate(story, docs, links);
        out.push_str(&serde_json::to_string(&result).expect("serializable"));
        out.push('\n');
    }
    std::fs::write(&path, out).expect("writable dump path");
}

/// The evaluation data folder (`../shared/data` beside the repository), when present.
fn data_dir() -> Option<std::path::PathBuf> {
    let dir = match std::env::var_os("STORYFOLD_DATA") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    dir.is_dir().then_some(dir)
}

const REAL_STORIES: usize = 16;

/// A story with its analysed articles and copy links, as `corroborate` takes them.
type BenchStory = (Story, Vec<Doc>, Vec<CopyLink>);

/// Real stories from GoogleNews-TS (see the file header), or `None` when the data is absent.
fn googlenews_stories() -> Option<Vec<BenchStory>> {
    let path = data_dir()?.join("googlenews/TS");
    let text = std::fs::read_to_string(&path).ok()?;
    // Items of each cluster in file order; clusters in order of their first item.
    let mut order: Vec<u64> = Vec::new();
    let mut items: std::collections::HashMap<u64, Vec<String>> = Default::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line).expect("GoogleNews-TS is JSONL");
        let cluster = value["cluster"].as_u64().expect("numeric cluster");
        let item = value["text"].as_str().expect("text").to_string();
        let list = items.entry(cluster).or_default();
        if list.is_empty() {
            order.push(cluster);
        }
        list.push(item);
    }
    let analyzer = storyfold_analyze::AnalyzeConfig::default()
        .build()
        .expect("default analyze config");
    let stories = order
        .iter()
        .filter(|c| items[c].len() >= ARTICLES)
        .take(REAL_STORIES)
        .map(|&cluster| {
            real_story(
                &analyzer,
                &format!("g{cluster}"),
                &items[&cluster][..ARTICLES],
            )
        })
        .collect();
    Some(stories)
}

/// Real stories from the SemEval-2022 task 8 pairs (see the file header), or `None` when the
/// data is absent.
fn semeval_stories() -> Option<Vec<BenchStory>> {
    let path = data_dir()?.join("semeval2022-task8/training_set.csv");
    let mut reader = csv::Reader::from_path(&path).ok()?;
    let headers = reader.headers().expect("csv header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .expect("SemEval column")
    };
    let (lang1, lang2, text1, text2, overall) = (
        column("lang1"),
        column("lang2"),
        column("text1"),
        column("text2"),
        column("Overall"),
    );
    let mut texts = Vec::new();
    for record in reader.records() {
        let record = record.expect("SemEval row");
        let same_story = record[overall].parse::<f64>().is_ok_and(|o| o <= 2.0);
        if &record[lang1] == "en" && &record[lang2] == "en" && same_story {
            texts.push(record[text1].to_string());
            texts.push(record[text2].to_string());
        }
    }
    let analyzer = storyfold_analyze::AnalyzeConfig::default()
        .build()
        .expect("default analyze config");
    let stories = texts
        .chunks_exact(ARTICLES)
        .take(REAL_STORIES)
        .enumerate()
        .map(|(s, chunk)| real_story(&analyzer, &format!("e{s}"), chunk))
        .collect();
    Some(stories)
}

/// A story of real texts through the pipeline's analysis and dedup (default settings).
fn real_story(analyzer: &storyfold_analyze::Analyzer, name: &str, texts: &[String]) -> BenchStory {
    let mut deduper = storyfold_dedup::DedupConfig::default()
        .build()
        .expect("default dedup config");
    let mut links = Vec::new();
    let docs: Vec<Doc> = texts
        .iter()
        .enumerate()
        .map(|(k, text)| {
            let doc = analyzer.analyze(Article {
                id: format!("{name}-{k}").into(),
                source: "data".into(),
                url: None,
                outlet: None,
                title: None,
                byline: None,
                published: None,
                language: None,
                paragraphs: vec![text.clone()],
                boilerplate: vec![],
                content_hash: ContentHash::of_text(text),
            });
            links.extend(deduper.observe(&doc));
            doc
        })
        .collect();
    let story = Story {
        id: StoryId::from(format!("s-{name}")),
        aliases: vec![],
        articles: docs.iter().map(|d| d.article.id.clone()).collect(),
        title: name.to_string(),
        first_seen: None,
        last_seen: None,
        reasons: vec![],
    };
    (story, docs, links)
}

fn bench_real(c: &mut Criterion) {
    let corroborator = CorroborateConfig::default()
        .build()
        .expect("default config");
    let cases = [
        ("googlenews_ts_stories_of_20_articles", googlenews_stories()),
        ("semeval_stories_of_20_articles", semeval_stories()),
    ];
    let mut group = c.benchmark_group("corroborate");
    for (name, stories) in cases {
        let Some(stories) = stories else {
            eprintln!(
                "Skipped {name}: no evaluation data at ../shared/data (set STORYFOLD_DATA to \
                 the data folder)."
            );
            continue;
        };
        group.throughput(Throughput::Elements(stories.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for (story, docs, links) in &stories {
                    let result = corroborator.corroborate(story, docs, links);
                    assert!(!result.claims.is_empty());
                }
            })
        });
    }
    group.finish();
}

/// With `CORROBORATE_DUMP_REAL=PATH`, writes every real bench story's result as JSON, like
/// `CORROBORATE_DUMP` for the synthetic ones.
fn dump_real(_: &mut Criterion) {
    let Ok(path) = std::env::var("CORROBORATE_DUMP_REAL") else {
        return;
    };
    let stories = googlenews_stories().into_iter().chain(semeval_stories());
    let corroborator = CorroborateConfig::default()
        .build()
        .expect("default config");
    let mut out = String::new();
    for (story, docs, links) in stories.flatten().collect::<Vec<_>>().iter() {
        let result = corroborator.corroborate(story, docs, links);
        out.push_str(&serde_json::to_string(&result).expect("serializable"));
        out.push('\n');
    }
    std::fs::write(&path, out).expect("writable dump path");
}

criterion_group!(benches, dump, dump_real, bench, bench_zipf, bench_real);
criterion_main!(benches);
