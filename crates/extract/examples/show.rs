//! Prints what extraction keeps and removes for each input, for reading by eye:
//! `cargo run -p storyfold-extract --example show -- FILE...` (`.txt`, `.html`, or `.jsonl` with
//! `id`, `text` or `html`, and optional `title`). A development aid; `storyfold extract` is the
//! user-facing command.
use storyfold_extract::ExtractConfig;
use storyfold_model::{ArticleId, RawArticle, RawBody};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let extractor = ExtractConfig::default().build()?;
    let mut raws = Vec::new();
    for path in std::env::args().skip(1) {
        let data = std::fs::read(&path)?;
        if path.ends_with(".jsonl") {
            for line in String::from_utf8_lossy(&data).lines() {
                let v: serde_json::Value = serde_json::from_str(line)?;
                let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
                let body = match field("html") {
                    Some(h) => RawBody::Html(h.into_bytes()),
                    None => RawBody::Text(field("text").unwrap_or_default()),
                };
                raws.push(raw(&field("id").unwrap_or_default(), body, field("title")));
            }
        } else if path.ends_with(".html") || path.ends_with(".htm") {
            raws.push(raw(&path, RawBody::Html(data), None));
        } else {
            raws.push(raw(
                &path,
                RawBody::Text(String::from_utf8_lossy(&data).into()),
                None,
            ));
        }
    }
    for r in &raws {
        match extractor.extract(r) {
            Ok(a) => {
                println!(
                    "===== {} | title: {:?} | byline: {:?}",
                    a.id, a.title, a.byline
                );
                for p in &a.paragraphs {
                    println!("  + {p}");
                }
                for b in &a.boilerplate {
                    println!("  - {b}");
                }
            }
            Err(e) => println!("===== {}: {e}", r.source),
        }
    }
    Ok(())
}

fn raw(id: &str, body: RawBody, title: Option<String>) -> RawArticle {
    RawArticle {
        id: ArticleId::from(id),
        source: id.to_string(),
        body,
        url: None,
        outlet: None,
        title,
        published: None,
        fetched_at: None,
    }
}
