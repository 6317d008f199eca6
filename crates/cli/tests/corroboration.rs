//! End-to-end corroboration on the bundled example corpus (`examples/`, roles in its README):
//! independence, the 12-vs-15 contradiction, the altered Oyelaran quote, the timeline and the
//! cited brief, as `storyfold run --json` prints them.
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

const WIRE: &str = "mpa-ferry-aground";
const SPUN: &str = "newsflash24-ferry";
const OBSERVER: &str = "observer-ferry-15";
const GAZETTE: &str = "fenwick-ferry-followup";

fn document() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_storyfold"))
        .env_remove("STORYFOLD_STORE")
        .env_remove("STORYFOLD_LOG")
        .arg("run")
        .arg("--json")
        .arg("--store")
        .arg(dir.path().join("ex.db"))
        .arg(root.join("examples/articles.jsonl"))
        .arg(root.join("examples/html"))
        .output()
        .expect("storyfold runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON document")
}

fn ids(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .expect("array of ids")
        .iter()
        .map(|v| v.as_str().expect("id"))
        .collect()
}

fn story_with<'a>(doc: &'a Value, article: &str) -> &'a Value {
    doc["stories"]
        .as_array()
        .expect("stories")
        .iter()
        .find(|s| {
            s["articles"]
                .as_array()
                .expect("articles")
                .iter()
                .any(|a| a["id"] == article)
        })
        .unwrap_or_else(|| panic!("no story holds {article}"))
}

/// Sources as the document itself describes them: copies collapse into their original,
/// articles of one outlet into one.
fn sources(story: &Value) -> BTreeMap<String, String> {
    let articles = story["articles"].as_array().expect("articles");
    let copy_of: BTreeMap<&str, &str> = articles
        .iter()
        .filter_map(|a| Some((a["id"].as_str()?, a["copy_of"].as_str()?)))
        .collect();
    let mut out = BTreeMap::new();
    for a in articles {
        let mut root = a["id"].as_str().expect("id");
        while let Some(next) = copy_of.get(root) {
            root = next;
        }
        let outlet = articles
            .iter()
            .find(|x| x["id"] == root)
            .and_then(|x| x["outlet"].as_str())
            .map(str::to_lowercase)
            .unwrap_or_else(|| root.to_string());
        out.insert(a["id"].as_str().expect("id").to_string(), outlet);
    }
    out
}

/// Lower-cased numbers and capitalised words (names, places, dates) of a sentence, minus
/// its first word.
fn facts(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .skip(1)
        .filter(|w| {
            w.chars().any(|c| c.is_ascii_digit())
                || w.chars().next().is_some_and(char::is_uppercase)
        })
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn example_corpus_is_corroborated_end_to_end() {
    let doc = document();
    let stories = doc["stories"].as_array().expect("stories");
    assert_eq!(stories.len(), 2, "ferry and tram stories");
    let ferry = story_with(&doc, WIRE);
    let tram = story_with(&doc, "orlen-post-tram");
    assert_eq!(ferry["articles"].as_array().unwrap().len(), 7);
    assert_eq!(tram["articles"].as_array().unwrap().len(), 2);

    // Independence: four copies of the wire collapse into it; the Observer and the Gazette
    // are independent.
    assert_eq!(ferry["independent_sources"], 3);
    assert_eq!(tram["independent_sources"], 2);
    for story in [ferry, tram] {
        let source_of = sources(story);
        for claim in story["claims"].as_array().unwrap() {
            let distinct: BTreeSet<&String> = ids(&claim["articles"])
                .iter()
                .map(|a| &source_of[*a])
                .collect();
            assert_eq!(
                claim["independent_sources"].as_u64().unwrap() as usize,
                distinct.len(),
                "{claim}"
            );
            let status = claim["status"].as_str().unwrap();
            if claim["contradicts"].as_array().unwrap().is_empty() {
                let expected = if distinct.len() >= 2 {
                    "corroborated"
                } else {
                    "single-source"
                };
                assert_eq!(status, expected, "{claim}");
            } else {
                assert_eq!(status, "contradicted", "{claim}");
            }
        }
    }
    let claims = ferry["claims"].as_array().unwrap();
    assert!(
        claims.iter().any(|c| c["status"] == "corroborated"),
        "some claims are carried by independent outlets"
    );

    // The contradiction: 12 (wire and its copies, the Gazette) against 15 (the Observer).
    let twelve = claims
        .iter()
        .find(|c| {
            c["text"]
                .as_str()
                .unwrap()
                .starts_with("12 people were taken")
        })
        .expect("the wire's hospital claim");
    assert_eq!(twelve["status"], "contradicted");
    assert!(ids(&twelve["articles"]).contains(&GAZETTE), "{twelve}");
    assert_eq!(twelve["independent_sources"], 2);
    let against: Vec<&Value> = twelve["contradictions"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert!(!against.is_empty());
    for c in &against {
        assert_eq!(c["kind"], "number");
        assert_eq!(c["this_value"], "12");
        let other = c["other_value"].as_str().unwrap().to_lowercase();
        assert!(other == "15" || other == "fifteen", "{c}");
        assert!(c["this_span"]["text"].as_str().unwrap().contains("12"));
        assert_eq!(c["other_span"]["article"], OBSERVER);
        let index = c["other"].as_u64().unwrap() as usize;
        assert_eq!(claims[index]["status"], "contradicted");
    }

    // The altered Oyelaran quote, with the words it changed.
    let quote = ferry["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().unwrap().contains("cooperate fully"))
        .expect("the Oyelaran quote");
    assert!(ids(&quote["articles"]).contains(&WIRE));
    let variants = quote["variants"].as_array().unwrap();
    let altered: Vec<&Value> = variants.iter().filter(|v| v["altered"] == true).collect();
    assert_eq!(altered.len(), 1, "{quote}");
    assert_eq!(ids(&altered[0]["articles"]), vec![SPUN]);
    assert!(altered[0]["text"].as_str().unwrap().contains("work with"));
    assert!(ids(&altered[0]["removed_words"]).contains(&"cooperate"));
    assert!(ids(&altered[0]["added_words"]).contains(&"work"));
    let verbatim = variants.iter().find(|v| v["altered"] == false).unwrap();
    assert!(ids(&verbatim["articles"]).contains(&WIRE));

    // Timeline: ordered by event date, the grounding on Monday 16 November among them, kept
    // apart from the publication dates.
    let timeline = ferry["timeline"].as_array().unwrap();
    let dates: Vec<&str> = timeline
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let grounding = timeline
        .iter()
        .find(|e| e["date"] == "2026-11-16" && ids(&e["articles"]).contains(&WIRE))
        .expect("the grounding on Monday");
    assert!(ids(&grounding["reported"]).contains(&"2026-11-17"));

    // Brief: 5 to 10 sentences, each with passages that hold its numbers and names.
    for story in [ferry, tram] {
        let brief = story["brief"].as_array().unwrap();
        let texts: BTreeMap<&str, &str> = story["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["id"].as_str().unwrap(), a["text"].as_str().unwrap()))
            .collect();
        let wanted = if story == ferry { 5..=10 } else { 1..=10 };
        assert!(wanted.contains(&brief.len()), "{brief:#?}");
        for sentence in brief {
            let support = sentence["support"].as_array().unwrap();
            assert!(!support.is_empty());
            let mut passages = String::new();
            for s in support {
                let text = texts[s["article"].as_str().unwrap()];
                let (start, end) = (
                    s["span"]["start"].as_u64().unwrap() as usize,
                    s["span"]["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(&text[start..end], s["text"].as_str().unwrap());
                assert!(ids(&sentence["articles"]).contains(&s["article"].as_str().unwrap()));
                passages.push_str(&s["text"].as_str().unwrap().to_lowercase());
                passages.push(' ');
            }
            for fact in facts(sentence["text"].as_str().unwrap()) {
                assert!(
                    passages.contains(&fact),
                    "{fact:?} unsupported in {sentence}"
                );
            }
        }
    }
}
