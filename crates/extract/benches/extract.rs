//! Extraction throughput on generated news pages (HTML) and plain texts.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use storyfold_extract::ExtractConfig;
use storyfold_model::{ArticleId, RawArticle, RawBody};

/// A news-like page: navigation, a long article with `paragraphs` paragraphs, related links and
/// a footer, so the extractor has real boilerplate to skip.
fn page(seed: usize, paragraphs: usize) -> String {
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {seed} | Bench Times</title>\
         <meta property=\"og:site_name\" content=\"Bench Times\"><meta name=\"author\" content=\"Reporter {seed}\">\
         <meta property=\"article:published_time\" content=\"2024-01-0{}T10:00:00Z\">\
         <script>var tracking = {{id: {seed}}};</script><style>body {{ margin: 0 }}</style></head><body>\
         <header><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a></li>\
         <li><a href=\"/sport\">Sport</a></li></ul></nav></header><main><article><h1>Story {seed}</h1>",
        seed % 9 + 1
    );
    for p in 0..paragraphs {
        html.push_str(&format!(
            "<p>Paragraph {p} of story {seed}: the council met on Tuesday to discuss the harbour \
             project, which officials said would cost about {} million and take {} years to finish, \
             according to documents seen by reporters.</p>",
            p * 3 + seed,
            p % 5 + 2
        ));
        if p % 4 == 3 {
            html.push_str("<div class=\"ad\"><p>Advertisement</p></div>");
        }
    }
    html.push_str("</article><aside><h2>Related</h2><ul>");
    for r in 0..8 {
        html.push_str(&format!(
            "<li><a href=\"/r/{r}\">Related headline number {r}</a></li>"
        ));
    }
    html.push_str("</ul></aside></main><footer><p>© Bench Times. All rights reserved.</p></footer></body></html>");
    html
}

fn bench(c: &mut Criterion) {
    let extractor = ExtractConfig::default()
        .build()
        .expect("default config builds");
    let pages: Vec<RawArticle> = (0..8)
        .map(|i| RawArticle {
            id: ArticleId(format!("p{i}")),
            source: format!("p{i}.html"),
            body: RawBody::Html(page(i, 10 + i * 3).into_bytes()),
            url: None,
            outlet: None,
            title: None,
            published: None,
            fetched_at: None,
        })
        .collect();
    let bytes: usize = pages
        .iter()
        .map(|p| match &p.body {
            RawBody::Html(b) => b.len(),
            RawBody::Text(t) => t.len(),
        })
        .sum();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.bench_function("html_pages", |b| {
        b.iter(|| {
            for raw in &pages {
                let article = extractor.extract(raw).expect("generated page has text");
                assert!(article.paragraphs.len() >= 10);
            }
        })
    });
    let texts: Vec<RawArticle> = pages
        .iter()
        .map(|p| {
            let article = extractor.extract(p).expect("generated page has text");
            RawArticle {
                body: RawBody::Text(format!(
                    "{}\n\nShare this article\n\n{}\n\nLeave a Reply\n",
                    article.title.clone().unwrap_or_default(),
                    article.text()
                )),
                ..p.clone()
            }
        })
        .collect();
    group.bench_function("text_articles", |b| {
        b.iter(|| {
            for raw in &texts {
                let article = extractor.extract(raw).expect("text has paragraphs");
                assert!(article.boilerplate.len() >= 2);
            }
        })
    });
    group.finish();
    eprintln!("html bytes per iteration: {bytes}");
}

criterion_group!(benches, bench);
criterion_main!(benches);
