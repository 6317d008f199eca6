//! The bundled corpus in `examples/` reads cleanly: every article, in a fixed order.
use std::path::PathBuf;
use storyfold_ingest::{open, IngestConfig};
use storyfold_model::RawBody;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn examples_folder_yields_nine_articles_in_path_order() {
    let got: Vec<_> = open(&[examples()], &IngestConfig::default()).collect();
    let ids: Vec<&str> = got
        .iter()
        .map(|r| r.as_ref().map(|a| a.id.as_str()).unwrap_or("ERR"))
        .collect();
    assert_eq!(
        ids,
        [
            "mpa-ferry-aground",
            "courier-ferry-wire",
            "newsflash24-ferry",
            "observer-ferry-15",
            "bulletin-ferry-digest",
            "orlen-post-tram",
            "inland-review-tram",
            "fenwick-ferry-followup",
            "ledger-ferry-rewrite",
        ]
    );
    for article in got.iter().flatten() {
        match &article.body {
            RawBody::Text(text) => {
                let words = text.split_whitespace().count();
                assert!(
                    (230..=520).contains(&words),
                    "{}: {words} words",
                    article.id.as_str()
                );
                assert!(article.outlet.is_some() && article.published.is_some());
                assert!(article.url.is_some() && article.title.is_some());
            }
            RawBody::Html(bytes) => {
                let html = String::from_utf8_lossy(bytes);
                assert!(
                    html.contains("\"@type\": \"NewsArticle\"")
                        || html.contains("\"@type\":\"NewsArticle\"")
                );
                assert!(html.contains("<time"));
            }
        }
    }
}

#[test]
fn wire_copy_and_spun_copy_keep_their_documented_roles() {
    let got: Vec<_> = open(
        &[examples().join("articles.jsonl")],
        &IngestConfig::default(),
    )
    .map(|r| r.unwrap())
    .collect();
    let text = |id: &str| match &got.iter().find(|a| a.id.as_str() == id).unwrap().body {
        RawBody::Text(t) => t.clone(),
        RawBody::Html(_) => unreachable!("the JSONL holds text"),
    };
    let wire = text("mpa-ferry-aground");
    let paragraphs: Vec<&str> = wire.split("\n\n").collect();
    let copy = text("courier-ferry-wire");
    for p in &paragraphs[..8] {
        assert!(copy.contains(p), "verbatim copy lacks {p:?}");
    }
    assert!(
        !copy.contains(paragraphs[8]),
        "the last paragraph is truncated"
    );
    let spun = text("newsflash24-ferry");
    assert!(wire.contains("we will not put the Aldermoor Star back into service"));
    assert!(!spun.contains("we will not put the Aldermoor Star back into service"));
    assert!(text("observer-ferry-15").contains("15 people"));
    assert!(wire.contains("12 people"));
}
