//! End-to-end runs of the `storyfold` binary: idempotent re-ingest, crash safety, bad input.
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn storyfold() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_storyfold"));
    command
        .env_remove("STORYFOLD_STORE")
        .env_remove("STORYFOLD_LOG");
    command
}

fn run_json(store: &Path, inputs: &[&Path]) -> (serde_json::Value, Output) {
    let output = storyfold()
        .arg("run")
        .arg("--json")
        .arg("--store")
        .arg(store)
        .args(inputs)
        .output()
        .expect("storyfold runs");
    let document = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (document, output)
}

/// Three short reports of one invented event, as plain-text files.
fn write_event(dir: &Path) -> Vec<PathBuf> {
    let texts = [
        (
            "harbour-wire",
            "Storm closes Lindqvist harbour for two days\n\nThe port authority of Lindqvist \
             closed the harbour on Monday after a storm damaged two cranes, officials said. \
             Ferries to Osterby were cancelled until Wednesday. \"Safety comes first,\" harbour \
             master Ilse Varga said.",
        ),
        (
            "harbour-gazette",
            "Lindqvist harbour shut after storm\n\nA storm damaged two cranes at the harbour of \
             Lindqvist on Monday and the port authority closed it, with ferries to Osterby \
             cancelled until Wednesday. Harbour master Ilse Varga said safety came first.",
        ),
        (
            "harbour-digest",
            "Storm shuts Lindqvist harbour\n\nThe Lindqvist port authority shut the harbour on \
             Monday when a storm damaged two cranes. Ferry links to Osterby stop until \
             Wednesday, harbour master Ilse Varga said.",
        ),
    ];
    texts
        .iter()
        .map(|(name, text)| {
            let path = dir.join(format!("{name}.txt"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

fn story_ids(document: &serde_json::Value) -> Vec<String> {
    document["stories"]
        .as_array()
        .map(|stories| {
            stories
                .iter()
                .map(|s| s["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn article_ids(document: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = document["stories"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["articles"].as_array().cloned().unwrap_or_default())
        .map(|a| a["id"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn reingesting_the_same_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_event(dir.path());
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let store = dir.path().join("news.db");
    let (first, output) = run_json(&store, &input_refs);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (second, output) = run_json(&store, &input_refs);
    assert!(output.status.success());
    assert_eq!(story_ids(&first), story_ids(&second));
    assert_eq!(article_ids(&first), article_ids(&second));
    assert_eq!(
        article_ids(&first),
        ["harbour-digest", "harbour-gazette", "harbour-wire"]
    );
    let store = storyfold::Store::open(&store).unwrap();
    assert_eq!(store.article_count().unwrap(), 3);
}

#[test]
fn story_document_has_every_contract_field() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_event(dir.path());
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let (document, output) = run_json(&dir.path().join("news.db"), &input_refs);
    assert!(output.status.success());
    let story = &document["stories"][0];
    for field in [
        "id",
        "title",
        "first_seen",
        "last_seen",
        "articles",
        "entities",
        "quotes",
        "claims",
        "timeline",
        "brief",
    ] {
        assert!(story.get(field).is_some(), "story lacks {field}: {story}");
    }
    let article = &story["articles"][0];
    for field in [
        "id",
        "title",
        "outlet",
        "byline",
        "published",
        "published_inferred",
        "url",
        "language",
        "text",
        "copy_of",
        "copy_kind",
    ] {
        assert!(article.get(field).is_some(), "article lacks {field}");
    }
}

#[test]
fn viewers_read_the_store_without_ingesting() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_event(dir.path());
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let store = dir.path().join("news.db");
    let (document, _) = run_json(&store, &input_refs);
    let id = story_ids(&document).remove(0);
    let listed = storyfold()
        .args(["stories", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(listed.status.success());
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id));
    let shown = storyfold()
        .args(["story", &id, "--why", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(shown.status.success());
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("harbour-wire")
            || String::from_utf8_lossy(&shown.stdout).contains("Lindqvist")
    );
    let missing = storyfold()
        .args(["story", "s-nope", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    let no_store = storyfold()
        .args(["stories", "--store"])
        .arg(dir.path().join("absent.db"))
        .output()
        .unwrap();
    assert!(!no_store.status.success());
    assert!(String::from_utf8_lossy(&no_store.stderr).contains("absent.db"));
}

/// Writes `count` distinct articles as JSONL: events of five reports each, every event with its
/// own vocabulary, so the stories stay the size of real ones.
fn write_big_jsonl(path: &Path, count: usize) {
    const WORDS: [&str; 24] = [
        "harbour",
        "council",
        "bridge",
        "festival",
        "strike",
        "flood",
        "election",
        "museum",
        "railway",
        "hospital",
        "court",
        "factory",
        "school",
        "storm",
        "market",
        "airport",
        "library",
        "reservoir",
        "stadium",
        "tunnel",
        "orchard",
        "garrison",
        "ferry",
        "quarry",
    ];
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..count {
        let event = i / 5;
        let pick = |k: usize| WORDS[(event * 7 + k * 11 + event / WORDS.len()) % WORDS.len()];
        let record = serde_json::json!({
            "id": format!("bulk-{i:05}"),
            "published": format!("2024-{:02}-{:02}", 1 + event % 12, 1 + event % 28),
            "text": format!(
                "Event {event}: the {} and the {} in district {event}\n\nOfficials in district \
                 {event} said the {} near the {} would reopen after {} days, report {i} noted. \
                 Residents counted {} people at the {}.",
                pick(0), pick(1), pick(2), pick(3), event % 17 + 2, event * 31 % 977, pick(4)),
        });
        writeln!(file, "{record}").unwrap();
    }
}

#[test]
fn kill_during_ingest_keeps_every_committed_article() {
    const ARTICLES: usize = 2000;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jsonl");
    write_big_jsonl(&input, ARTICLES);
    let store = dir.path().join("crash.db");
    let mut child = storyfold()
        .args(["run", "--batch", "25", "--store"])
        .arg(&store)
        .arg(&input)
        .env("STORYFOLD_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut committed = 0usize;
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(total) = line.split("total=").nth(1) {
            committed = total.split_whitespace().next().unwrap().parse().unwrap();
            if committed >= 100 {
                break;
            }
        }
    }
    // SIGKILL mid-ingest: no chance to clean up.
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        committed >= 100,
        "the run reported no commit before the kill"
    );
    let reopened = storyfold::Store::open(&store).expect("database opens after kill -9");
    let stored = reopened.article_count().unwrap();
    assert!(
        stored >= committed,
        "{stored} stored < {committed} reported committed"
    );
    assert!(stored < ARTICLES, "the kill came too late to test anything");
    // Resuming the same input completes the store without duplicates.
    let output = storyfold()
        .args(["run", "--store"])
        .arg(&store)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        storyfold::Store::open(&store)
            .unwrap()
            .article_count()
            .unwrap(),
        ARTICLES
    );
}

fn run_plain(store: &Path, inputs: &[&Path]) -> Output {
    storyfold()
        .arg("run")
        .arg("--store")
        .arg(store)
        .args(inputs)
        .output()
        .unwrap()
}

#[test]
fn bad_inputs_are_named_skipped_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_event(dir.path());
    let junk_dir = dir.path().join("junk");
    std::fs::create_dir(&junk_dir).unwrap();
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(junk_dir.join("blob.bin"), &junk).unwrap();
    std::fs::write(junk_dir.join("image.dat"), &junk[..1000]).unwrap();
    let bad_utf8 = dir.path().join("latin1.txt");
    std::fs::write(
        &bad_utf8,
        b"Caf\xe9 owners protest \xff\xfe new rules in the old town\n",
    )
    .unwrap();
    let truncated = dir.path().join("cut.html.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(
            "<html><body><p>Some article text here.</p></body></html>"
                .repeat(50)
                .as_bytes(),
        )
        .unwrap();
    let gz = encoder.finish().unwrap();
    std::fs::write(&truncated, &gz[..gz.len() / 2]).unwrap();
    let huge = dir.path().join("huge.txt");
    std::fs::write(&huge, "word ".repeat(10 << 20)).unwrap();
    let jsonl = dir.path().join("mixed.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\":\"ok-1\",\"text\":\"Bridge reopens in Tamsk\\n\\nThe Tamsk bridge reopened on Friday, the mayor said.\"}\n\
         {not json at all\n\
         {\"id\":\"no-text\"}\n",
    )
    .unwrap();
    let missing = dir.path().join("does-not-exist.txt");
    let mut inputs: Vec<&Path> = good.iter().map(PathBuf::as_path).collect();
    inputs.extend([
        junk_dir.as_path(),
        &bad_utf8,
        &truncated,
        &huge,
        &jsonl,
        &missing,
    ]);
    let output = run_plain(&dir.path().join("bad.db"), &inputs);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "good inputs were ingested, so exit 0: {stderr}"
    );
    for named in [
        "blob.bin",
        "image.dat",
        "latin1.txt",
        "cut.html.gz",
        "huge.txt",
        "mixed.jsonl:2",
        "mixed.jsonl:3",
        "does-not-exist.txt",
    ] {
        assert!(
            stderr.lines().any(|l| l.contains(named)),
            "no error line names {named}:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    let store = storyfold::Store::open(&dir.path().join("bad.db")).unwrap();
    assert_eq!(
        store.article_count().unwrap(),
        4,
        "three good files and one good JSONL line"
    );
    assert!(store.failures().unwrap().len() >= 8);
}

#[test]
fn a_run_where_nothing_could_be_ingested_fails() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("empty.db");
    let output = run_plain(&store, &[&dir.path().join("nothing-here.txt")]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing-here.txt"));
}

#[test]
fn a_closed_stdout_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_event(dir.path());
    let mut child = storyfold()
        .arg("run")
        .arg("--store")
        .arg(dir.path().join("pipe.db"))
        .args(&inputs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
