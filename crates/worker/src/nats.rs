//! The NATS JetStream layer: streams, consumers, key-value and object stores.
use crate::sequencer::Plan;
use crate::wire::{token, Prepared, Preparer, Recomputer, Snapshot, StoryJob, Update};
use crate::{
    partition_of, Error, Progress, Published, Result, Sequencer, WorkerOptions, ARTICLES_STREAM,
    ARTICLES_SUBJECT, DOCS_BUCKET, FOLLOW_STATE, JOBS_STREAM, JOBS_SUBJECT, PREPARE_CONSUMER,
    RECOMPUTE_CONSUMER, RESULTS_BUCKET, SNAPSHOT_BUCKET, STATE_BUCKET, STORIES_STREAM,
    STORIES_SUBJECT,
};
use async_nats::jetstream::{
    self, consumer, kv, message::PublishMessage as Publish, object_store, stream,
};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use storyfold_model::{Doc, RawArticle};
use storyfold_store::Store;
use tokio::io::AsyncReadExt;

const LEASE_KEY: &str = "leader";
const HEAD_KEY: &str = "head";
/// Publishes in flight before waiting for the oldest acknowledgement.
const PUBLISH_WINDOW: usize = 256;
/// The most unacknowledged articles one consumer may hold (DESIGN.md: 1,000 or fewer).
const MAX_ACK_PENDING: i64 = 1_000;
/// Prepared articles a worker keeps in flight to the docs bucket.
const PUT_WINDOW: usize = 64;
/// Header of an update sent in parts: `index/count`.
const PART_HEADER: &str = "Sf-Part";
/// Subject prefix of the results bucket's entries.
const RESULTS_PREFIX: &str = "$KV.sf-results.";
/// The header in which a headers-only consumer gets the size of the payload it left out.
const MESSAGE_SIZE_HEADER: &str = "Nats-Msg-Size";
/// Story keys named in one [`Update::Results`] message (about 40 bytes each: far below the
/// server's payload limit).
const KEYS_PER_MESSAGE: usize = 2_048;
/// Stored story updates a follower reads at once.
const RESULT_FETCHES: usize = 32;
/// Prepared docs a worker keeps in memory for story recompute (the oldest go first).
const DOC_CACHE: usize = 20_000;
/// The sequencing worker prepares articles itself only while fewer than this many prepared docs
/// wait for its sequencer: with other workers running, preparing is theirs, and the
/// order-dependent work keeps the leader's core.
const LEADER_LOOKAHEAD: u64 = 64;
/// How often a worker that holds back (see [`Shared`]) looks again.
const HELP_POLL: Duration = Duration::from_millis(2);
/// How long a worker waits before pulling again from an empty consumer.
const EMPTY_POLL: Duration = Duration::from_millis(20);
/// Job messages pulled at once (each holds up to [`JOBS_PER_MESSAGE`] story jobs).
const JOB_BATCH: usize = 1;
/// Story jobs sent in one job message: each message costs the server a stored message, its
/// acknowledgement, a delivery, an ack, a stored result and a watch delivery, so a commit's
/// jobs go in groups; small enough groups keep the work spread over the workers.
const JOBS_PER_MESSAGE: usize = 16;
/// Members (docs to read and cross-check) of the jobs in one job message; a larger story goes
/// alone, so its result stays within the payload limit on its own as before.
const MEMBERS_PER_MESSAGE: usize = 64;
/// Docs a story job fetches from the docs bucket at once.
const DOC_FETCHES: usize = 32;
/// After this long waiting for story results the leader computes them too.
const RESULTS_PATIENCE: Duration = Duration::from_secs(1);
/// A snapshot is taken at least this many times its encoding time after the previous one. The
/// encoding grows with the indexes (370 ms for 10,000 articles, docs/SCALING.md) and runs on
/// the leader, so a fixed article count between snapshots would make its share of the
/// leader's time grow without bound on a long stream; this keeps it under about 5 %.
const SNAPSHOT_SPACING: u32 = 20;

fn nats<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> Error {
    move |e| Error::Nats {
        what,
        message: e.to_string(),
    }
}

fn decode<T: serde::de::DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|source| Error::Decode { what, source })
}

fn encode<T: Serialize>(value: &T) -> Bytes {
    // Our wire types are plain data: encoding cannot fail.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn seq_key(seq: u64) -> String {
    seq.to_string()
}

/// Key in the docs bucket of the doc the sequencer analysed again for sequence `seq`: two
/// tokens, so the leader's watch of prepared docs (single-token keys) never receives it (the
/// leader wrote it; only story jobs read it).
fn restated_key(seq: u64) -> String {
    format!("r.{seq}")
}

/// Key in the docs bucket of one entry of prepared docs (one per pulled batch): its ascending
/// sequences as runs, `a-b` or `a`, joined by `_` (e.g. `1201-1208`, `17_40-46`). The key alone
/// says which sequences the entry holds, so the leader learns where each doc is without decoding
/// entries it does not need; a single sequence gives the key of one doc, as before batching.
fn entry_key(seqs: &[u64]) -> String {
    let mut key = String::new();
    let mut index = 0;
    while index < seqs.len() {
        let start = seqs[index];
        let mut end = start;
        while index + 1 < seqs.len() && seqs[index + 1] == end + 1 {
            index += 1;
            end += 1;
        }
        if !key.is_empty() {
            key.push('_');
        }
        if end == start {
            key.push_str(&start.to_string());
        } else {
            key.push_str(&format!("{start}-{end}"));
        }
        index += 1;
    }
    key
}

/// The sequences an [`entry_key`] names (none for keys of another kind).
fn entry_seqs(key: &str) -> Option<Vec<u64>> {
    let mut seqs = Vec::new();
    for run in key.split('_') {
        let (start, end) = match run.split_once('-') {
            Some((start, end)) => (start.parse::<u64>().ok()?, end.parse::<u64>().ok()?),
            None => {
                let seq = run.parse::<u64>().ok()?;
                (seq, seq)
            }
        };
        if end < start || end - start > MAX_ENTRY_RUN {
            return None;
        }
        seqs.extend(start..=end);
    }
    Some(seqs)
}

/// The longest run an entry key may name (a pull never brings more than a few hundred).
const MAX_ENTRY_RUN: u64 = 100_000;

/// Whether `bytes` hold a JSON array (batched entries and results) rather than one object (the
/// layout of older workers, and of restated docs).
fn is_json_array(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// One entry of the docs bucket: prepared docs by sequence. Entries are JSON arrays; a single
/// prepared doc (an object: the layout before batching, and restated docs) reads as one doc.
fn decode_entry(key_seqs: &[u64], bytes: &[u8]) -> Result<Vec<(u64, Prepared)>> {
    if is_json_array(bytes) {
        decode("prepared articles", bytes)
    } else {
        let prepared: Prepared = decode("prepared article", bytes)?;
        Ok(key_seqs
            .first()
            .map(|seq| vec![(*seq, prepared)])
            .unwrap_or_default())
    }
}

/// Doc-cache key of a restated doc: sequences never reach this bit.
const RESTATED_CACHE_BIT: u64 = 1 << 63;

/// Aborts the spawned tasks it holds when dropped, so dropping a worker stops all of it.
#[derive(Default)]
struct Tasks(Vec<tokio::task::AbortHandle>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// The sequencing lease.
#[derive(Debug, Serialize, Deserialize)]
struct Lease {
    owner: String,
    until_ms: u64,
}

/// The applied position: articles committed up to `applied`, and the latest snapshot.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Head {
    applied: u64,
    snapshot: Option<String>,
}

/// Where a follower stands.
#[derive(Debug, Default, Serialize, Deserialize)]
struct FollowState {
    stories_seq: u64,
}

struct Ctx {
    client: async_nats::Client,
    js: jetstream::Context,
    docs: kv::Store,
    state: kv::Store,
    results: kv::Store,
    snapshots: object_store::ObjectStore,
}

/// Docs this worker holds for story recompute, by article-stream sequence (restated ones with
/// [`RESTATED_CACHE_BIT`] set): the ones it prepared and the ones it fetched, the oldest dropped
/// beyond [`DOC_CACHE`].
#[derive(Default)]
struct DocCache {
    docs: HashMap<u64, Arc<Doc>>,
    order: VecDeque<u64>,
}

impl DocCache {
    fn get(&self, seq: u64) -> Option<Arc<Doc>> {
        self.docs.get(&seq).cloned()
    }

    fn insert(&mut self, seq: u64, doc: Arc<Doc>) {
        if self.docs.insert(seq, doc).is_none() {
            self.order.push_back(seq);
        }
        while self.order.len() > DOC_CACHE {
            if let Some(old) = self.order.pop_front() {
                self.docs.remove(&old);
            }
        }
    }
}

/// What the tasks of one worker share. While a worker holds the sequencing lease, its own
/// prepare and recompute tasks hold back so the order-dependent work keeps its core: it
/// prepares only when its sequencer is about to run dry, and recomputes stories only when its
/// sequencer has nothing to apply or has waited [`RESULTS_PATIENCE`] for results. A lone worker
/// thus does all three kinds of work in turn; with others, it mostly sequences.
#[derive(Default)]
struct Shared {
    leading: AtomicBool,
    /// While leading: prepared docs not yet applied.
    backlog: AtomicU64,
    /// While leading: the sequencer has nothing to do but wait for story results.
    waiting: AtomicBool,
    /// Story jobs this worker is computing.
    recomputing: AtomicUsize,
    cache: Mutex<DocCache>,
    /// Articles this worker prepared and job messages it computed (logged by a leader with
    /// each commit, at debug level: how the work was shared).
    prepared: AtomicU64,
    computed: AtomicU64,
}

impl Shared {
    fn may_prepare(&self) -> bool {
        if self.leading.load(Ordering::Relaxed) {
            self.backlog.load(Ordering::Relaxed) < LEADER_LOOKAHEAD
        } else {
            // Story results hold up the sequencer; preparing can run ahead later.
            self.recomputing.load(Ordering::Relaxed) == 0
        }
    }

    fn may_recompute(&self) -> bool {
        !self.leading.load(Ordering::Relaxed) || self.waiting.load(Ordering::Relaxed)
    }

    fn cached(&self, seq: u64) -> Option<Arc<Doc>> {
        // A poisoned lock only means another task panicked mid-insert: the map is still usable.
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(seq)
    }

    fn cache(&self, seq: u64, doc: Arc<Doc>) {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(seq, doc);
    }
}

/// Marks a worker as leading for as long as it lives.
struct Leading<'a>(&'a Shared);

impl<'a> Leading<'a> {
    fn new(shared: &'a Shared) -> Self {
        shared.backlog.store(0, Ordering::Relaxed);
        shared.waiting.store(true, Ordering::Relaxed);
        shared.leading.store(true, Ordering::Relaxed);
        Self(shared)
    }
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        self.0.leading.store(false, Ordering::Relaxed);
    }
}

async fn connect(url: &str) -> Result<(async_nats::Client, jetstream::Context)> {
    let client = async_nats::ConnectOptions::new()
        .connection_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .map_err(nats("connect"))?;
    let js = jetstream::new(client.clone());
    Ok((client, js))
}

async fn ensure_streams(js: &jetstream::Context) -> Result<()> {
    js.get_or_create_stream(stream::Config {
        name: ARTICLES_STREAM.into(),
        subjects: vec![format!("{ARTICLES_SUBJECT}.>")],
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    })
    .await
    .map_err(nats("article stream"))?;
    js.get_or_create_stream(stream::Config {
        name: STORIES_STREAM.into(),
        subjects: vec![format!("{STORIES_SUBJECT}.>")],
        ..Default::default()
    })
    .await
    .map_err(nats("story stream"))?;
    js.get_or_create_stream(stream::Config {
        name: JOBS_STREAM.into(),
        subjects: vec![JOBS_SUBJECT.into()],
        retention: stream::RetentionPolicy::WorkQueue,
        ..Default::default()
    })
    .await
    .map_err(nats("job stream"))?;
    Ok(())
}

/// The last sequence of the story stream (the expected sequence of the next update).
async fn stories_last_sequence(js: &jetstream::Context) -> Result<u64> {
    Ok(js
        .get_stream(STORIES_STREAM)
        .await
        .map_err(nats("story stream"))?
        .info()
        .await
        .map_err(nats("story stream"))?
        .state
        .last_sequence)
}

async fn bucket(js: &jetstream::Context, name: &str) -> Result<kv::Store> {
    if let Ok(store) = js.get_key_value(name).await {
        return Ok(store);
    }
    // The key-value stream, as `create_key_value` would make it (that call also queries the
    // account, which nats-server 2.9 answers in a form this client cannot read).
    js.get_or_create_stream(stream::Config {
        name: format!("KV_{name}"),
        subjects: vec![format!("$KV.{name}.>")],
        max_messages_per_subject: 1,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        discard: stream::DiscardPolicy::New,
        num_replicas: 1,
        ..Default::default()
    })
    .await
    .map_err(nats("key-value bucket"))?;
    js.get_key_value(name)
        .await
        .map_err(nats("key-value bucket"))
}

async fn setup(url: &str) -> Result<Ctx> {
    let (client, js) = connect(url).await?;
    ensure_streams(&js).await?;
    let docs = bucket(&js, DOCS_BUCKET).await?;
    let state = bucket(&js, STATE_BUCKET).await?;
    let results = durable_results(&js).await?;
    let snapshots = match js.get_object_store(SNAPSHOT_BUCKET).await {
        Ok(store) => store,
        Err(_) => match js
            .create_object_store(object_store::Config {
                bucket: SNAPSHOT_BUCKET.into(),
                ..Default::default()
            })
            .await
        {
            Ok(store) => store,
            Err(_) => js
                .get_object_store(SNAPSHOT_BUCKET)
                .await
                .map_err(nats("snapshot store"))?,
        },
    };
    Ok(Ctx {
        client,
        js,
        docs,
        state,
        results,
        snapshots,
    })
}

/// The results bucket. Followers read story updates from it by key for as long as the story
/// stream names them, so its entries never expire; a bucket made by an older version (entries
/// kept an hour) loses its age limit.
async fn durable_results(js: &jetstream::Context) -> Result<kv::Store> {
    let results = bucket(js, RESULTS_BUCKET).await?;
    let config = &results.stream.cached_info().config;
    if config.max_age.is_zero() {
        return Ok(results);
    }
    js.update_stream(stream::Config {
        max_age: Duration::ZERO,
        ..config.clone()
    })
    .await
    .map_err(nats("results bucket"))?;
    bucket(js, RESULTS_BUCKET).await
}

/// Keys of the story results put from now on, without their values: the leader only needs to
/// know that a result is stored (and whether it is empty, i.e. too large), not its bytes.
async fn watch_result_keys(ctx: &Ctx) -> Result<consumer::push::Ordered> {
    ctx.results
        .stream
        .create_consumer(consumer::push::OrderedConfig {
            deliver_subject: ctx.client.new_inbox(),
            filter_subject: format!("{RESULTS_PREFIX}>"),
            headers_only: true,
            deliver_policy: consumer::DeliverPolicy::New,
            replay_policy: consumer::ReplayPolicy::Instant,
            ..Default::default()
        })
        .await
        .map_err(nats("watch results"))?
        .messages()
        .await
        .map_err(nats("watch results"))
}

/// A result key and whether its value is non-empty, from a headers-only watch message.
fn result_key(message: &jetstream::Message) -> Option<(String, bool)> {
    let key = message.subject.as_str().strip_prefix(RESULTS_PREFIX)?;
    let stored = message
        .headers
        .as_ref()
        .and_then(|h| h.get(MESSAGE_SIZE_HEADER))
        .and_then(|v| v.as_str().parse::<u64>().ok())
        .is_some_and(|size| size > 0);
    Some((key.to_string(), stored))
}

pub(crate) async fn publish<I>(url: &str, articles: I, partitions: u32) -> Result<Published>
where
    I: IntoIterator<Item = RawArticle>,
{
    let (_client, js) = connect(url).await?;
    ensure_streams(&js).await?;
    let mut report = Published::default();
    let mut inflight = VecDeque::new();
    let settle = |ack: jetstream::publish::PublishAck, report: &mut Published| {
        if ack.duplicate {
            report.duplicates += 1;
        } else {
            report.articles += 1;
        }
        report.last_seq = report.last_seq.max(ack.sequence);
    };
    for raw in articles {
        let payload = serde_json::to_vec(&raw).map_err(|source| Error::Decode {
            what: "article",
            source,
        })?;
        let id = format!("{}:{:016x}", raw.id, xxhash_rust::xxh3::xxh3_64(&payload));
        let subject = format!("{ARTICLES_SUBJECT}.{}", partition_of(&raw.id, partitions));
        let ack = js
            .send_publish(
                subject,
                Publish::build().payload(payload.into()).message_id(id),
            )
            .await
            .map_err(nats("publish"))?;
        inflight.push_back(ack);
        if inflight.len() >= PUBLISH_WINDOW {
            if let Some(oldest) = inflight.pop_front() {
                settle(oldest.await.map_err(nats("publish ack"))?, &mut report);
            }
        }
    }
    while let Some(oldest) = inflight.pop_front() {
        settle(oldest.await.map_err(nats("publish ack"))?, &mut report);
    }
    tracing::info!(
        articles = report.articles,
        duplicates = report.duplicates,
        "Published."
    );
    Ok(report)
}

pub(crate) async fn run_worker(options: &WorkerOptions) -> Result<()> {
    let ctx = Arc::new(setup(&options.nats_url).await?);
    let shared = Arc::new(Shared::default());
    let mut tasks = Tasks::default();
    let prepare = tokio::spawn(prepare_loop(ctx.clone(), shared.clone(), options.clone()));
    tasks.0.push(prepare.abort_handle());
    let recompute = tokio::spawn(recompute_loop(ctx.clone(), shared.clone(), options.clone()));
    tasks.0.push(recompute.abort_handle());
    let sequence = tokio::spawn(sequence_loop(ctx.clone(), shared, options.clone()));
    tasks.0.push(sequence.abort_handle());
    let joined = tokio::select! {
        r = prepare => r,
        r = recompute => r,
        r = sequence => r,
    };
    joined.map_err(nats("worker task"))?
}

/// The durable pull consumer `name` on `stream` that the workers share: explicit acks,
/// redelivery after `ack_wait`, at most [`MAX_ACK_PENDING`] unacknowledged messages. Each pair
/// is a name and how errors call it.
async fn work_consumer(
    js: &jetstream::Context,
    (stream, stream_what): (&str, &'static str),
    (name, name_what): (&str, &'static str),
    options: &WorkerOptions,
) -> Result<consumer::PullConsumer> {
    js.get_stream(stream)
        .await
        .map_err(nats(stream_what))?
        .get_or_create_consumer(
            name,
            consumer::pull::Config {
                durable_name: Some(name.into()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: options.ack_wait,
                max_ack_pending: MAX_ACK_PENDING,
                ..Default::default()
            },
        )
        .await
        .map_err(nats(name_what))
}

/// Pulls articles from the shared consumer batch by batch, extracts and analyzes them, puts the
/// batch's prepared docs into the docs bucket as one entry ([`entry_key`]), then acknowledges
/// each article. One entry per batch instead of one per article: each entry costs the server a
/// stored message, its acknowledgement and a delivery to the leader's watch, whatever its size.
/// A worker killed before the acks leaves the articles to be redelivered (perhaps in other
/// batches: the leader takes each sequence once, and every copy holds the same doc).
async fn prepare_loop(ctx: Arc<Ctx>, shared: Arc<Shared>, options: WorkerOptions) -> Result<()> {
    let consumer = work_consumer(
        &ctx.js,
        (ARTICLES_STREAM, "article stream"),
        (PREPARE_CONSUMER, "prepare consumer"),
        &options,
    )
    .await?;
    let preparer = Arc::new(Preparer::new(&options.pipeline)?);
    let mut puts = tokio::task::JoinSet::new();
    let window = PUT_WINDOW.div_ceil(options.fetch_batch.max(1)).max(2);
    let limit = ctx.client.server_info().max_payload.saturating_sub(4096);
    loop {
        if !shared.may_prepare() {
            tokio::time::sleep(HELP_POLL).await;
            continue;
        }
        // Pull batch by batch (not a prefetching stream): a worker that takes the lease must
        // not sit on articles it will not prepare soon.
        let mut batch = consumer
            .fetch()
            .max_messages(options.fetch_batch.max(1))
            .messages()
            .await
            .map_err(nats("pull"))?;
        let mut pulled = Vec::new();
        while let Some(message) = batch.next().await {
            let message = message.map_err(nats("pull"))?;
            let seq = message
                .info()
                .map_err(nats("message info"))?
                .stream_sequence;
            pulled.push((seq, message));
        }
        if pulled.is_empty() {
            tokio::time::sleep(EMPTY_POLL).await;
            continue;
        }
        pulled.sort_by_key(|(seq, _)| *seq);
        pulled.dedup_by_key(|(seq, _)| *seq);
        let inputs: Vec<(u64, Bytes)> = pulled
            .iter()
            .map(|(seq, message)| (*seq, message.payload.clone()))
            .collect();
        let preparer = preparer.clone();
        let (entries, docs) = tokio::task::spawn_blocking(move || {
            let entry: Vec<(u64, Prepared)> = inputs
                .into_iter()
                .map(|(seq, payload)| {
                    let what = format!("{ARTICLES_STREAM}#{seq}");
                    (seq, preparer.prepare_bytes(&payload, &what))
                })
                .collect();
            // An entry over the server's payload limit goes as one entry per doc instead.
            let whole = encode(&entry);
            let puts: Vec<(String, Bytes)> = if whole.len() <= limit || entry.len() == 1 {
                let seqs: Vec<u64> = entry.iter().map(|(seq, _)| *seq).collect();
                vec![(entry_key(&seqs), whole)]
            } else {
                entry
                    .iter()
                    .map(|item| (seq_key(item.0), encode(&[item])))
                    .collect()
            };
            let docs: Vec<(u64, Arc<Doc>)> = entry
                .into_iter()
                .filter_map(|(seq, prepared)| match prepared {
                    Prepared::Doc(doc) => Some((seq, Arc::new(*doc))),
                    Prepared::Failed { .. } => None,
                })
                .collect();
            (puts, docs)
        })
        .await
        .map_err(nats("prepare task"))?;
        shared
            .prepared
            .fetch_add(pulled.len() as u64, Ordering::Relaxed);
        for (seq, doc) in docs {
            shared.cache(seq, doc);
        }
        let docs_bucket = ctx.docs.clone();
        puts.spawn(async move {
            for (key, bytes) in entries {
                docs_bucket
                    .put(key, bytes)
                    .await
                    .map_err(nats("put docs"))?;
            }
            for (_, message) in pulled {
                message.ack().await.map_err(nats("ack"))?;
            }
            Ok::<(), Error>(())
        });
        while puts.len() >= window {
            if let Some(done) = puts.join_next().await {
                done.map_err(nats("put task"))??;
            }
        }
        while let Some(done) = puts.try_join_next() {
            done.map_err(nats("put task"))??;
        }
    }
}

/// Pulls story jobs from the shared consumer, recomputes each story (corroborate, brief) from
/// its members' prepared docs, puts the encoded story update under the job's key, then
/// acknowledges. A job lost with its worker is redelivered; computing it twice gives the same
/// bytes under the same key.
async fn recompute_loop(ctx: Arc<Ctx>, shared: Arc<Shared>, options: WorkerOptions) -> Result<()> {
    let consumer = work_consumer(
        &ctx.js,
        (JOBS_STREAM, "job stream"),
        (RECOMPUTE_CONSUMER, "recompute consumer"),
        &options,
    )
    .await?;
    let recomputer = Arc::new(Recomputer::new(&options.pipeline)?);
    let limit = ctx.client.server_info().max_payload.saturating_sub(4096);
    loop {
        if !shared.may_recompute() {
            tokio::time::sleep(HELP_POLL).await;
            continue;
        }
        let mut batch = consumer
            .fetch()
            .max_messages(JOB_BATCH)
            .messages()
            .await
            .map_err(nats("pull jobs"))?;
        let mut pulled = 0;
        while let Some(message) = batch.next().await {
            let message = message.map_err(nats("pull jobs"))?;
            if pulled == 0 {
                shared.recomputing.fetch_add(1, Ordering::Relaxed);
            }
            pulled += 1;
            let done = recompute(&ctx, &shared, &recomputer, &message.payload).await;
            shared.computed.fetch_add(1, Ordering::Relaxed);
            let (key, bytes) = match done {
                Ok(done) => done,
                Err(error) => {
                    shared.recomputing.fetch_sub(1, Ordering::Relaxed);
                    return Err(error);
                }
            };
            // A story update over the server's payload limit cannot be a key-value entry: an
            // empty entry tells the leader to compute it itself (it publishes it in parts).
            let value = if bytes.len() > limit {
                Bytes::new()
            } else {
                bytes
            };
            let put = ctx
                .results
                .put(key, value)
                .await
                .map_err(nats("put result"));
            let acked = match put {
                Ok(_) => message.ack().await.map_err(nats("ack job")),
                Err(error) => Err(error),
            };
            if let Err(error) = acked {
                shared.recomputing.fetch_sub(1, Ordering::Relaxed);
                return Err(error);
            }
        }
        if pulled == 0 {
            tokio::time::sleep(EMPTY_POLL).await;
        } else {
            shared.recomputing.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// One message on the job stream: consecutive story jobs of one commit, and the docs-bucket
/// entries that hold their members' prepared docs ([`entry_key`]; a member no entry names is
/// read under its own sequence). Its result is one entry in the results bucket: the jobs'
/// story updates in order, as a JSON array.
#[derive(Serialize)]
struct JobBatchRef<'a> {
    jobs: &'a [StoryJob],
    entries: &'a [String],
}

/// A job message as read: a [`JobBatchRef`], or one story job (from an older leader, whose
/// result is that one update).
#[derive(Deserialize)]
#[serde(untagged)]
enum JobMessage {
    Batch {
        jobs: Vec<StoryJob>,
        #[serde(default)]
        entries: Vec<String>,
    },
    One(Box<StoryJob>),
}

/// Where each sequence's prepared doc is, from the entry keys a job message names.
fn locate(entries: &[String]) -> HashMap<u64, String> {
    let mut located = HashMap::new();
    for key in entries {
        for seq in entry_seqs(key).unwrap_or_default() {
            located.entry(seq).or_insert_with(|| key.clone());
        }
    }
    located
}

/// Computes one job message given as its wire bytes: the result's key and the encoded result.
async fn recompute(
    ctx: &Ctx,
    shared: &Shared,
    recomputer: &Arc<Recomputer>,
    payload: &Bytes,
) -> Result<(String, Bytes)> {
    match decode::<JobMessage>("story job", payload)? {
        JobMessage::Batch { jobs, entries } => {
            let key = jobs
                .first()
                .map(|job| job.key(payload))
                .ok_or_else(|| Error::Nats {
                    what: "story job",
                    message: "a job message without jobs".into(),
                })?;
            let updates = compute_jobs(ctx, shared, recomputer, jobs, &locate(&entries)).await?;
            Ok((key, encode(&updates)))
        }
        JobMessage::One(job) => {
            let key = job.key(payload);
            let updates =
                compute_jobs(ctx, shared, recomputer, vec![*job], &HashMap::new()).await?;
            Ok((
                key,
                updates
                    .into_iter()
                    .next()
                    .map(|u| encode(&u))
                    .unwrap_or_default(),
            ))
        }
    }
}

/// A member's doc as its story job names it: the prepared one, or the one the sequencer
/// analysed again.
#[derive(Clone, Copy)]
struct MemberDoc {
    seq: u64,
    restated: bool,
}

impl MemberDoc {
    fn cache_key(self) -> u64 {
        if self.restated {
            self.seq | RESTATED_CACHE_BIT
        } else {
            self.seq
        }
    }
}

/// Reads one docs-bucket entry and keeps its docs in this worker's cache; returns them by cache
/// key. `restated`: the entry is the restated doc of that sequence.
async fn fetch_entry(
    ctx: &Ctx,
    shared: &Shared,
    key: String,
    restated: Option<u64>,
) -> Result<Vec<(u64, Arc<Doc>)>> {
    let bytes = ctx.docs.get(key.as_str()).await.map_err(nats("get doc"))?;
    let Some(bytes) = bytes else {
        return Ok(Vec::new());
    };
    let seqs = match restated {
        Some(seq) => vec![seq],
        None => entry_seqs(&key).unwrap_or_default(),
    };
    let mut docs = Vec::new();
    for (seq, prepared) in decode_entry(&seqs, &bytes)? {
        if let Prepared::Doc(doc) = prepared {
            let member = MemberDoc {
                seq,
                restated: restated.is_some(),
            };
            let doc = Arc::new(*doc);
            shared.cache(member.cache_key(), doc.clone());
            docs.push((member.cache_key(), doc));
        }
    }
    Ok(docs)
}

/// The docs-bucket entries holding any of `seqs`, found by listing the bucket's keys (rare: only
/// for members a job message did not locate).
async fn entries_holding(ctx: &Ctx, seqs: &BTreeSet<u64>) -> Result<Vec<String>> {
    let mut keys = ctx.docs.keys().await.map_err(nats("list docs"))?;
    let mut holding = Vec::new();
    while let Some(key) = keys.next().await {
        let key = key.map_err(nats("list docs"))?;
        if entry_seqs(&key).is_some_and(|held| held.iter().any(|seq| seqs.contains(seq))) {
            holding.push(key);
        }
    }
    Ok(holding)
}

/// Recomputes stories: fetches the members' docs (from this worker's cache, else the docs
/// bucket, each entry once, concurrently), then corroborates and briefs on a blocking thread;
/// returns the story updates in job order.
async fn compute_jobs(
    ctx: &Ctx,
    shared: &Shared,
    recomputer: &Arc<Recomputer>,
    jobs: Vec<StoryJob>,
    located: &HashMap<u64, String>,
) -> Result<Vec<Update>> {
    let members: Vec<Vec<MemberDoc>> = jobs
        .iter()
        .map(|job| {
            job.members
                .iter()
                .map(|(_, _, seq)| MemberDoc {
                    seq: *seq,
                    restated: job.restated.binary_search(seq).is_ok(),
                })
                .collect()
        })
        .collect();
    let mut found: HashMap<u64, Arc<Doc>> = HashMap::new();
    let mut wanted: BTreeMap<String, Option<u64>> = BTreeMap::new();
    for member in members.iter().flatten() {
        if found.contains_key(&member.cache_key()) {
            continue;
        }
        match shared.cached(member.cache_key()) {
            Some(doc) => {
                found.insert(member.cache_key(), doc);
            }
            None if member.restated => {
                wanted.insert(restated_key(member.seq), Some(member.seq));
            }
            None => {
                let key = located
                    .get(&member.seq)
                    .cloned()
                    .unwrap_or_else(|| seq_key(member.seq));
                wanted.insert(key, None);
            }
        }
    }
    // Entries this worker did not write or read before, fetched concurrently: one round trip
    // after another held the job (and this worker's preparing, which waits for story jobs).
    let fetched = futures_util::stream::iter(wanted)
        .map(|(key, restated)| fetch_entry(ctx, shared, key, restated))
        .buffered(DOC_FETCHES)
        .collect::<Vec<Result<Vec<(u64, Arc<Doc>)>>>>()
        .await;
    for docs in fetched {
        found.extend(docs?);
    }
    // A leader that took over names the entries its docs watch has replayed so far; a member
    // applied before the takeover may sit in an entry it has not seen yet: look it up by key.
    let unlocated: BTreeSet<u64> = members
        .iter()
        .flatten()
        .filter(|member| !member.restated && !found.contains_key(&member.cache_key()))
        .map(|member| member.seq)
        .collect();
    if !unlocated.is_empty() {
        for key in entries_holding(ctx, &unlocated).await? {
            found.extend(fetch_entry(ctx, shared, key, None).await?);
        }
    }
    let mut inputs = Vec::with_capacity(jobs.len());
    for (job, members) in jobs.into_iter().zip(&members) {
        let mut docs = Vec::with_capacity(members.len());
        for ((id, _, _), member) in job.members.iter().zip(members) {
            let doc = found
                .get(&member.cache_key())
                .cloned()
                .ok_or_else(|| Error::MissingDoc(id.clone()))?;
            docs.push((id.clone(), doc));
        }
        inputs.push((job, docs));
    }
    let recomputer = recomputer.clone();
    tokio::task::spawn_blocking(move || {
        inputs
            .into_iter()
            .map(|(job, docs)| {
                let docs: Vec<Doc> = docs
                    .into_iter()
                    .map(|(id, doc)| {
                        let mut doc = Doc::clone(&doc);
                        doc.article.id = id;
                        doc
                    })
                    .collect();
                let result = recomputer.compute(&job, &docs);
                job.into_update(result)
            })
            .collect()
    })
    .await
    .map_err(nats("recompute task"))
}

/// Takes the sequencing lease whenever it is free and sequences while holding it.
async fn sequence_loop(ctx: Arc<Ctx>, shared: Arc<Shared>, options: WorkerOptions) -> Result<()> {
    loop {
        match try_acquire(&ctx, &options).await? {
            Some(revision) => {
                tracing::info!(worker = %options.name, "Took the sequencing lease.");
                let leading = Leading::new(&shared);
                let led = lead(&ctx, &shared, &options, revision).await;
                drop(leading);
                match led {
                    Err(Error::Deposed) => {
                        tracing::warn!(worker = %options.name, "Lost the sequencing lease.");
                    }
                    Err(error) => return Err(error),
                    Ok(()) => {}
                }
            }
            None => tokio::time::sleep(options.lease / 4).await,
        }
    }
}

fn lease_bytes(options: &WorkerOptions) -> Bytes {
    encode(&Lease {
        owner: options.name.clone(),
        until_ms: now_ms() + options.lease.as_millis() as u64,
    })
}

/// Takes the lease if it is free, expired or ours; returns its revision.
async fn try_acquire(ctx: &Ctx, options: &WorkerOptions) -> Result<Option<u64>> {
    let entry = ctx.state.entry(LEASE_KEY).await.map_err(nats("lease"))?;
    match entry {
        None => match ctx.state.create(LEASE_KEY, lease_bytes(options)).await {
            Ok(revision) => Ok(Some(revision)),
            Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => Ok(None),
            Err(e) => Err(nats("lease")(e)),
        },
        Some(entry) => {
            let free = match decode::<Lease>("lease", &entry.value) {
                Ok(lease) => lease.owner == options.name || now_ms() > lease.until_ms,
                Err(_) => true,
            };
            if !free && entry.operation == kv::Operation::Put {
                return Ok(None);
            }
            match ctx
                .state
                .update(LEASE_KEY, lease_bytes(options), entry.revision)
                .await
            {
                Ok(revision) => Ok(Some(revision)),
                Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => Ok(None),
                Err(e) => Err(nats("lease")(e)),
            }
        }
    }
}

/// Renews the lease; on failure marks the leader deposed and stops.
async fn heartbeat(
    state: kv::Store,
    options: WorkerOptions,
    mut revision: u64,
    deposed: Arc<AtomicBool>,
) {
    loop {
        tokio::time::sleep(options.lease / 3).await;
        match state
            .update(LEASE_KEY, lease_bytes(&options), revision)
            .await
        {
            Ok(next) => revision = next,
            Err(error) => {
                tracing::warn!(%error, "Could not renew the sequencing lease.");
                deposed.store(true, Ordering::SeqCst);
                return;
            }
        }
    }
}

/// A commit whose story jobs are out: published (docs, stories, failures) and the head moved
/// once every story result is in.
struct InFlight {
    plan: Plan,
    /// Result key -> job message index, for the results still missing.
    missing: HashMap<String, usize>,
    /// Per job message: how many of the plan's jobs (in order) it holds, and the docs-bucket
    /// entries it names.
    messages: Vec<(usize, Vec<String>)>,
    /// Per job message: its result's key in the results bucket.
    keys: Vec<String>,
    /// Per job message, once its result is in: whether the bucket holds it (false: the worker
    /// left an empty entry, the updates being over the payload limit; the leader computes
    /// them).
    stored: Vec<Option<bool>>,
    started: Instant,
}

/// A snapshot being stored in the background (the leader goes on applying meanwhile); the
/// first head update after it is stored names it.
struct SnapshotPut {
    name: String,
    task: tokio::task::JoinHandle<Result<()>>,
}

impl Drop for SnapshotPut {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One message for the story stream.
struct Outgoing {
    subject: String,
    payload: Bytes,
    /// `index/count` when the update goes in parts.
    part: Option<String>,
}

/// Where the leader's time went since it took the lease (logged with each commit at debug
/// level: `STORYFOLD_LOG=storyfold_worker=debug`).
#[derive(Default)]
struct Timing {
    /// Waiting for the next event (docs, results, the idle tick).
    wait: Duration,
    /// Decoding prepared docs from the docs watch.
    decode: Duration,
    /// `Sequencer::apply` (templates, dedup, cluster).
    apply: Duration,
    /// Ending commits and sending their story jobs (snapshot encoding excluded).
    start: Duration,
    /// Encoding snapshots.
    snapshot: Duration,
    /// Publishing commits and moving the head.
    finish: Duration,
}

/// What the leader keeps between commits.
struct Leader<'a> {
    ctx: &'a Ctx,
    shared: &'a Shared,
    options: &'a WorkerOptions,
    sequencer: Sequencer,
    inflight: Option<InFlight>,
    recomputer: Option<Arc<Recomputer>>,
    head: Head,
    head_revision: u64,
    stories_last: u64,
    deposed: Arc<AtomicBool>,
    since_snapshot: usize,
    /// When the last snapshot was taken and how long encoding it took.
    last_snapshot: Option<(Instant, Duration)>,
    snapshot_put: Option<SnapshotPut>,
    max_payload: usize,
    timing: Timing,
    /// Where each applied sequence's prepared doc is in the docs bucket (the entry's key), from
    /// the keys the docs watch delivered; story jobs name the entries of their members.
    doc_entries: HashMap<u64, Arc<str>>,
}

async fn lead(
    ctx: &Ctx,
    shared: &Shared,
    options: &WorkerOptions,
    lease_revision: u64,
) -> Result<()> {
    let deposed = Arc::new(AtomicBool::new(false));
    let mut tasks = Tasks::default();
    tasks.0.push(
        tokio::spawn(heartbeat(
            ctx.state.clone(),
            options.clone(),
            lease_revision,
            deposed.clone(),
        ))
        .abort_handle(),
    );
    // Read the head and write it back at once: from now on a previous leader's head update
    // fails its revision check, so it cannot commit over ours.
    let entry = ctx.state.entry(HEAD_KEY).await.map_err(nats("head"))?;
    let (head, head_revision) = match entry {
        Some(entry) if entry.operation == kv::Operation::Put => {
            let head: Head = decode("head", &entry.value)?;
            let revision = ctx
                .state
                .update(HEAD_KEY, encode(&head), entry.revision)
                .await
                .map_err(|_| Error::Deposed)?;
            (head, revision)
        }
        _ => {
            let head = Head::default();
            let revision = ctx
                .state
                .create(HEAD_KEY, encode(&head))
                .await
                .map_err(|_| Error::Deposed)?;
            (head, revision)
        }
    };
    let sequencer = match &head.snapshot {
        Some(name) => {
            let mut object = ctx
                .snapshots
                .get(name.as_str())
                .await
                .map_err(nats("snapshot"))?;
            let mut bytes = Vec::new();
            object
                .read_to_end(&mut bytes)
                .await
                .map_err(nats("snapshot"))?;
            let snapshot: Snapshot = decode("snapshot", &bytes)?;
            Sequencer::resume(&options.pipeline, snapshot)?
        }
        None => Sequencer::new(&options.pipeline)?,
    };
    // Dedup overlaps the rest of apply on a second thread when this process may use a second
    // core (`available_parallelism` follows the CPU affinity); pinned to one core, the thread
    // would only add switches.
    // `STORYFOLD_DEDUP_THREAD=0` keeps it inline (an A/B switch for measurements).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let allowed = std::env::var("STORYFOLD_DEDUP_THREAD").map_or(true, |v| v != "0");
    let sequencer = if cores > 1 && allowed {
        sequencer.dedup_on_thread()?
    } else {
        sequencer
    };
    tracing::info!(
        applied = head.applied,
        resume_from = sequencer.next_seq(),
        dedup_thread = sequencer.dedup_threaded(),
        "Sequencing."
    );
    let stories_last = stories_last_sequence(&ctx.js).await?;
    let mut leader = Leader {
        ctx,
        shared,
        options,
        sequencer,
        inflight: None,
        recomputer: None,
        head,
        head_revision,
        stories_last,
        deposed,
        since_snapshot: 0,
        last_snapshot: None,
        snapshot_put: None,
        max_payload: ctx.client.server_info().max_payload,
        timing: Timing::default(),
        doc_entries: HashMap::new(),
    };
    // Results of the jobs this leader publishes from now on.
    let mut results = watch_result_keys(ctx).await?;
    // Single-token keys only: prepared docs, not the restated docs this leader writes itself.
    let mut watch = ctx
        .docs
        .watch_with_history("*")
        .await
        .map_err(nats("watch docs"))?;
    let mut buffer: BTreeMap<u64, Prepared> = BTreeMap::new();
    let mut since_commit = 0usize;
    let mut last_commit = Instant::now();
    let commit_every = options.commit_every.max(1);
    loop {
        let waited = Instant::now();
        let event = tokio::select! {
            biased;
            result = results.next() => Event::Result(result),
            entry = watch.next() => Event::Doc(entry),
            () = tokio::time::sleep(Duration::from_millis(50)) => Event::Idle,
        };
        leader.timing.wait += waited.elapsed();
        let mut idle = false;
        match event {
            Event::Result(Some(message)) => {
                let message = message.map_err(nats("watch results"))?;
                if let Some((key, stored)) = result_key(&message) {
                    leader.take_result(&key, stored);
                }
            }
            Event::Doc(Some(entry)) => {
                let entry = entry.map_err(nats("watch docs"))?;
                let Some(seqs) = entry_seqs(&entry.key) else {
                    continue;
                };
                let pending = entry.delta.saturating_mul(seqs.len() as u64);
                leader.shared.backlog.store(pending, Ordering::Relaxed);
                if entry.operation != kv::Operation::Put {
                    continue;
                }
                let key: Arc<str> = Arc::from(entry.key.as_str());
                for seq in &seqs {
                    leader
                        .doc_entries
                        .entry(*seq)
                        .or_insert_with(|| key.clone());
                }
                // Docs of sequences applied before (a takeover's replay covers them) are not
                // needed: story jobs fetch their members' docs themselves.
                let next_seq = leader.sequencer.next_seq();
                if seqs
                    .iter()
                    .any(|seq| *seq >= next_seq && !buffer.contains_key(seq))
                {
                    let decoding = Instant::now();
                    for (seq, prepared) in decode_entry(&seqs, &entry.value)? {
                        if seq >= next_seq {
                            buffer.entry(seq).or_insert(prepared);
                        }
                    }
                    leader.timing.decode += decoding.elapsed();
                }
                loop {
                    let next_seq = leader.sequencer.next_seq();
                    let Some(prepared) = buffer.remove(&next_seq) else {
                        break;
                    };
                    let applying = Instant::now();
                    leader.sequencer.apply(next_seq, prepared)?;
                    leader.timing.apply += applying.elapsed();
                    since_commit += 1;
                    leader.since_snapshot += 1;
                    if since_commit >= commit_every && leader.inflight.is_none() {
                        leader.start_commit().await?;
                        since_commit = 0;
                        last_commit = Instant::now();
                    }
                }
            }
            Event::Result(None) | Event::Doc(None) => {
                return Err(Error::Nats {
                    what: "watch",
                    message: "the watch ended".into(),
                })
            }
            Event::Idle => {
                idle = true;
                leader.shared.backlog.store(0, Ordering::Relaxed);
                if leader.deposed.load(Ordering::SeqCst) {
                    return Err(Error::Deposed);
                }
            }
        }
        if leader
            .inflight
            .as_ref()
            .is_some_and(|f| f.missing.is_empty())
        {
            leader.finish_commit().await?;
        }
        if leader.inflight.is_none() {
            let applied = leader.sequencer.next_seq() - 1;
            let due = since_commit >= commit_every
                || (since_commit > 0 && last_commit.elapsed() > Duration::from_secs(1))
                || (idle && (leader.sequencer.has_pending() || leader.head.applied < applied));
            if due {
                leader.start_commit().await?;
                since_commit = 0;
                last_commit = Instant::now();
                if leader
                    .inflight
                    .as_ref()
                    .is_some_and(|f| f.missing.is_empty())
                {
                    leader.finish_commit().await?;
                }
            }
        }
        let stalled = leader
            .inflight
            .as_ref()
            .is_some_and(|f| f.started.elapsed() > RESULTS_PATIENCE);
        let nothing_ready = idle || leader.shared.backlog.load(Ordering::Relaxed) == 0;
        leader
            .shared
            .waiting
            .store(nothing_ready || stalled, Ordering::Relaxed);
    }
}

/// What woke the leader.
enum Event<R, D> {
    Result(Option<R>),
    Doc(Option<D>),
    Idle,
}

impl Leader<'_> {
    /// Ends a commit in the sequencer and sends its story jobs out; the sequencer goes on with
    /// the next articles while workers compute them.
    async fn start_commit(&mut self) -> Result<()> {
        if self.deposed.load(Ordering::SeqCst) {
            return Err(Error::Deposed);
        }
        let started = Instant::now();
        let plan = self.sequencer.plan_commit()?;
        // Restated docs are stored before the snapshot and the jobs that read them, so no job
        // (and no takeover resuming from the snapshot) can name one that is not there yet. The
        // puts go out together and are awaited together.
        let restated: Vec<(String, Bytes)> = plan
            .restated
            .iter()
            .map(|(seq, doc)| {
                let payload = encode(&Prepared::Doc(Box::new(doc.clone())));
                (restated_key(*seq), payload)
            })
            .collect();
        futures_util::future::try_join_all(
            restated
                .into_iter()
                .map(|(key, payload)| self.ctx.docs.put(key, payload)),
        )
        .await
        .map_err(nats("put restated doc"))?;
        self.snapshot_if_due(plan.applied_seq)?;
        let messages = self.job_messages(&plan.jobs);
        let mut missing = HashMap::with_capacity(messages.len());
        let mut keys = Vec::with_capacity(messages.len());
        let mut acks = Vec::with_capacity(messages.len());
        let mut first = 0;
        for (index, (count, entries)) in messages.iter().enumerate() {
            let jobs = &plan.jobs[first..first + count];
            first += count;
            let payload = encode(&JobBatchRef { jobs, entries });
            let key = jobs[0].key(&payload);
            missing.insert(key.clone(), index);
            keys.push(key);
            acks.push(
                self.ctx
                    .js
                    .send_publish(JOBS_SUBJECT, Publish::build().payload(payload))
                    .await
                    .map_err(nats("publish job"))?,
            );
        }
        for ack in acks {
            ack.await.map_err(nats("publish job"))?;
        }
        self.inflight = Some(InFlight {
            stored: vec![None; messages.len()],
            messages,
            keys,
            plan,
            missing,
            started: Instant::now(),
        });
        self.timing.start += started.elapsed();
        Ok(())
    }

    /// Groups a commit's story jobs into job messages, in order: up to [`JOBS_PER_MESSAGE`]
    /// jobs and [`MEMBERS_PER_MESSAGE`] members each (a larger story alone); per message, the
    /// number of jobs and the docs-bucket entries of their members' prepared docs.
    fn job_messages(&self, jobs: &[StoryJob]) -> Vec<(usize, Vec<String>)> {
        let mut messages = Vec::new();
        let mut count = 0;
        let mut members = 0;
        let mut entries = BTreeSet::new();
        for job in jobs {
            if count > 0
                && (count == JOBS_PER_MESSAGE || members + job.members.len() > MEMBERS_PER_MESSAGE)
            {
                messages.push((count, std::mem::take(&mut entries).into_iter().collect()));
                count = 0;
                members = 0;
            }
            count += 1;
            members += job.members.len();
            for (_, _, seq) in &job.members {
                if job.restated.binary_search(seq).is_err() {
                    if let Some(key) = self.doc_entries.get(seq) {
                        entries.insert(key.to_string());
                    }
                }
            }
        }
        if count > 0 {
            messages.push((count, entries.into_iter().collect()));
        }
        messages
    }

    /// Takes a snapshot of the sequencer (right after `plan_commit`, at `applied_seq`) when
    /// `--snapshot-every` articles have passed, no snapshot is still being stored, and the
    /// last one is [`SNAPSHOT_SPACING`] times its encoding time ago; stores it in the
    /// background.
    fn snapshot_if_due(&mut self, applied_seq: u64) -> Result<()> {
        if self.since_snapshot < self.options.snapshot_every.max(1) || self.snapshot_put.is_some() {
            return Ok(());
        }
        if let Some((at, cost)) = self.last_snapshot {
            if at.elapsed() < cost * SNAPSHOT_SPACING {
                return Ok(());
            }
        }
        let encoding = Instant::now();
        let bytes = self.sequencer.snapshot_bytes()?;
        let cost = encoding.elapsed();
        self.timing.snapshot += cost;
        self.last_snapshot = Some((Instant::now(), cost));
        self.since_snapshot = 0;
        let name = format!("snapshot-{applied_seq}");
        let store = self.ctx.snapshots.clone();
        let key = name.clone();
        let task = tokio::spawn(async move {
            store
                .put(key.as_str(), &mut bytes.as_slice())
                .await
                .map(|_| ())
                .map_err(nats("snapshot"))
        });
        self.snapshot_put = Some(SnapshotPut { name, task });
        Ok(())
    }

    /// Notes a stored story result if the commit in flight waits for it.
    fn take_result(&mut self, key: &str, stored: bool) {
        if let Some(inflight) = &mut self.inflight {
            if let Some(index) = inflight.missing.remove(key) {
                inflight.stored[index] = Some(stored);
            }
        }
    }

    /// Publishes the commit in flight on `stories.>`: the new docs, then the stories and the
    /// failures, each group pipelined (every message expects the story stream's last
    /// sequence, so a deposed leader that lost track cannot slip in); then moves the head with
    /// a revision check, naming the latest snapshot stored by then.
    async fn finish_commit(&mut self) -> Result<()> {
        if self.deposed.load(Ordering::SeqCst) {
            return Err(Error::Deposed);
        }
        let Some(inflight) = self.inflight.take() else {
            return Ok(());
        };
        let started = Instant::now();
        let Plan {
            applied_seq,
            docs,
            jobs,
            failures,
            ..
        } = inflight.plan;
        let mut new_docs = Vec::new();
        if !docs.is_empty() {
            for part in self.split(Update::Docs { applied_seq, docs }) {
                self.parts(part, &mut new_docs);
            }
        }
        // Stored results are named, in job order, by `stories.results` records; only an
        // update too large for the bucket travels inline (in parts), between the records of
        // the jobs before and after it.
        let mut stories = Vec::new();
        let mut keys = Vec::new();
        let mut jobs = jobs.into_iter();
        for (((count, entries), key), stored) in inflight
            .messages
            .into_iter()
            .zip(inflight.keys)
            .zip(inflight.stored)
        {
            let message_jobs: Vec<StoryJob> = jobs.by_ref().take(count).collect();
            if stored == Some(true) {
                keys.push(key);
                continue;
            }
            self.results_records(applied_seq, std::mem::take(&mut keys), &mut stories);
            let recomputer = match &self.recomputer {
                Some(recomputer) => recomputer.clone(),
                None => {
                    let recomputer = Arc::new(Recomputer::new(&self.options.pipeline)?);
                    self.recomputer = Some(recomputer.clone());
                    recomputer
                }
            };
            let located = locate(&entries);
            let updates =
                compute_jobs(self.ctx, self.shared, &recomputer, message_jobs, &located).await?;
            for update in updates {
                for part in self.split(update) {
                    self.parts(part, &mut stories);
                }
            }
        }
        self.results_records(applied_seq, keys, &mut stories);
        if !failures.is_empty() {
            for part in self.split(Update::Failures {
                applied_seq,
                failures,
            }) {
                self.parts(part, &mut stories);
            }
        }
        // The docs go (and are acknowledged) before the stories that name them, so a follower
        // never meets a story whose docs are not in its store yet, even when a deposed
        // leader's message lands among ours.
        while !(self.publish_all(&new_docs).await? && self.publish_all(&stories).await?) {
            if self.deposed.load(Ordering::SeqCst) {
                return Err(Error::Deposed);
            }
            // A deposed leader published in between: its updates are a correct, earlier
            // state; the whole commit goes again after them and supersedes them.
            self.stories_last = stories_last_sequence(&self.ctx.js).await?;
        }
        let mut stale_snapshot = None;
        if let Some(mut put) = self.snapshot_put.take_if(|put| put.task.is_finished()) {
            match (&mut put.task).await {
                Ok(Ok(())) => stale_snapshot = self.head.snapshot.replace(put.name.clone()),
                Ok(Err(error)) => {
                    tracing::warn!(%error, snapshot = %put.name, "Could not store a snapshot.");
                }
                Err(error) => {
                    tracing::warn!(%error, snapshot = %put.name, "Could not store a snapshot.");
                }
            }
        }
        self.head.applied = applied_seq;
        self.head_revision = self
            .ctx
            .state
            .update(HEAD_KEY, encode(&self.head), self.head_revision)
            .await
            .map_err(|e| {
                if e.kind() == kv::UpdateErrorKind::WrongLastRevision {
                    Error::Deposed
                } else {
                    nats("head")(e)
                }
            })?;
        if let Some(old) = stale_snapshot {
            let store = self.ctx.snapshots.clone();
            tokio::spawn(async move {
                if let Err(error) = store.delete(old.as_str()).await {
                    tracing::warn!(%error, snapshot = %old, "Could not delete an old snapshot.");
                }
            });
        }
        self.timing.finish += started.elapsed();
        let ms = |d: Duration| d.as_millis() as u64;
        tracing::debug!(
            applied = applied_seq,
            wait_ms = ms(self.timing.wait),
            decode_ms = ms(self.timing.decode),
            apply_ms = ms(self.timing.apply),
            start_ms = ms(self.timing.start),
            snapshot_ms = ms(self.timing.snapshot),
            finish_ms = ms(self.timing.finish),
            prepared_here = self.shared.prepared.load(Ordering::Relaxed),
            computed_here = self.shared.computed.load(Ordering::Relaxed),
            "Committed."
        );
        Ok(())
    }

    /// The `stories.results` messages that name stored story updates, in order.
    fn results_records(&self, applied_seq: u64, keys: Vec<String>, out: &mut Vec<Outgoing>) {
        for chunk in keys.chunks(KEYS_PER_MESSAGE) {
            out.push(Outgoing {
                subject: format!("{STORIES_SUBJECT}.results"),
                payload: encode(&Update::Results {
                    applied_seq,
                    keys: chunk.to_vec(),
                }),
                part: None,
            });
        }
    }

    /// Splits a docs update whose encoding exceeds the server's payload limit into halves.
    fn split(&self, update: Update) -> Vec<(String, Bytes)> {
        let subject = match &update {
            Update::Story(message) => {
                format!(
                    "{STORIES_SUBJECT}.story.{}",
                    token(message.story.id.as_str())
                )
            }
            Update::Docs { .. } => format!("{STORIES_SUBJECT}.docs"),
            Update::Failures { .. } => format!("{STORIES_SUBJECT}.failures"),
            Update::Results { .. } => format!("{STORIES_SUBJECT}.results"),
        };
        let bytes = encode(&update);
        let limit = self.max_payload.saturating_sub(4096).max(1);
        match update {
            Update::Docs {
                applied_seq,
                mut docs,
            } if bytes.len() > limit && docs.len() > 1 => {
                let second = docs.split_off(docs.len() / 2);
                let mut parts = self.split(Update::Docs { applied_seq, docs });
                parts.extend(self.split(Update::Docs {
                    applied_seq,
                    docs: second,
                }));
                parts
            }
            _ => vec![(subject, bytes)],
        }
    }

    /// The messages of one update: the update itself, or, over the server's payload limit,
    /// consecutive parts (header `Sf-Part: i/n`) that the follower joins.
    fn parts(&self, (subject, payload): (String, Bytes), out: &mut Vec<Outgoing>) {
        let limit = self.max_payload.saturating_sub(4096).max(1);
        if payload.len() <= limit {
            out.push(Outgoing {
                subject,
                payload,
                part: None,
            });
            return;
        }
        let count = payload.len().div_ceil(limit);
        for (index, start) in (0..payload.len()).step_by(limit).enumerate() {
            out.push(Outgoing {
                subject: subject.clone(),
                payload: payload.slice(start..(start + limit).min(payload.len())),
                part: Some(format!("{index}/{count}")),
            });
        }
    }

    /// Publishes messages in order without waiting for each acknowledgement (up to
    /// [`PUBLISH_WINDOW`] in flight; JetStream keeps one connection's order): message `i`
    /// expects the stream's last sequence to be the one our message `i - 1` got. Returns
    /// false if a message was refused because another publisher slipped in (the caller sends
    /// the whole commit again); a refusal can let later messages land after the intruder's,
    /// which the resend supersedes.
    async fn publish_all(&mut self, messages: &[Outgoing]) -> Result<bool> {
        fn settle(
            sent: std::result::Result<
                jetstream::publish::PublishAck,
                jetstream::context::PublishError,
            >,
            last: &mut u64,
        ) -> Result<bool> {
            match sent {
                Ok(ack) => {
                    *last = (*last).max(ack.sequence);
                    Ok(true)
                }
                Err(e) if e.kind() == jetstream::context::PublishErrorKind::WrongLastSequence => {
                    Ok(false)
                }
                Err(e) => Err(nats("publish story")(e)),
            }
        }
        let base = self.stories_last;
        let mut last = base;
        let mut accepted = true;
        let mut acks = VecDeque::with_capacity(messages.len().min(PUBLISH_WINDOW));
        for (index, outgoing) in messages.iter().enumerate() {
            if !accepted {
                break;
            }
            let mut message = Publish::build()
                .payload(outgoing.payload.clone())
                .expected_last_sequence(base + index as u64);
            if let Some(part) = &outgoing.part {
                message = message.header(PART_HEADER, part.as_str());
            }
            acks.push_back(
                self.ctx
                    .js
                    .send_publish(outgoing.subject.clone(), message)
                    .await
                    .map_err(nats("publish story"))?,
            );
            if acks.len() >= PUBLISH_WINDOW {
                if let Some(ack) = acks.pop_front() {
                    accepted &= settle(ack.await, &mut last)?;
                }
            }
        }
        while let Some(ack) = acks.pop_front() {
            accepted &= settle(ack.await, &mut last)?;
        }
        self.stories_last = last;
        Ok(accepted)
    }
}

pub(crate) async fn progress(url: &str) -> Result<Progress> {
    let ctx = setup(url).await?;
    progress_of(&ctx).await
}

async fn progress_of(ctx: &Ctx) -> Result<Progress> {
    let last = |name: &'static str| async move {
        Ok::<u64, Error>(
            ctx.js
                .get_stream(name)
                .await
                .map_err(nats("stream"))?
                .info()
                .await
                .map_err(nats("stream"))?
                .state
                .last_sequence,
        )
    };
    let published = last(ARTICLES_STREAM).await?;
    let story_updates = last(STORIES_STREAM).await?;
    let applied = match ctx.state.get(HEAD_KEY).await.map_err(nats("head"))? {
        Some(bytes) => decode::<Head>("head", &bytes)?.applied,
        None => 0,
    };
    let leader = match ctx.state.get(LEASE_KEY).await.map_err(nats("lease"))? {
        Some(bytes) => decode::<Lease>("lease", &bytes)
            .ok()
            .filter(|l| l.until_ms >= now_ms())
            .map(|l| l.owner),
        None => None,
    };
    Ok(Progress {
        published,
        applied,
        story_updates,
        leader,
    })
}

pub(crate) async fn wait_done(url: &str, timeout: Duration) -> Result<Progress> {
    let ctx = setup(url).await?;
    let start = Instant::now();
    loop {
        let progress = progress_of(&ctx).await?;
        if progress.done() {
            return Ok(progress);
        }
        if start.elapsed() > timeout {
            return Err(Error::Timeout(timeout));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Applies story updates to the store, resuming after the last one it applied; with
/// `until_now`, stops at the story stream's last sequence as of the call.
pub(crate) async fn follow(url: &str, store_path: &Path, until_now: bool) -> Result<u64> {
    let (_client, js) = connect(url).await?;
    ensure_streams(&js).await?;
    let mut store = Store::open(store_path)?;
    let after = store
        .load_state::<FollowState>(FOLLOW_STATE)?
        .map(|s| s.stories_seq)
        .unwrap_or(0);
    let mut stream = js
        .get_stream(STORIES_STREAM)
        .await
        .map_err(nats("story stream"))?;
    let end = stream
        .info()
        .await
        .map_err(nats("story stream"))?
        .state
        .last_sequence;
    if until_now && end <= after {
        return Ok(0);
    }
    let consumer = stream
        .create_consumer(consumer::pull::OrderedConfig {
            filter_subject: format!("{STORIES_SUBJECT}.>"),
            deliver_policy: if after == 0 {
                consumer::DeliverPolicy::All
            } else {
                consumer::DeliverPolicy::ByStartSequence {
                    start_sequence: after + 1,
                }
            },
            ..Default::default()
        })
        .await
        .map_err(nats("story consumer"))?;
    let mut messages = consumer.messages().await.map_err(nats("story consumer"))?;
    let mut applied = 0;
    let mut results: Option<kv::Store> = None;
    let mut parts: Vec<u8> = Vec::new();
    let mut parts_seen = usize::MAX;
    while let Some(message) = messages.next().await {
        let message = message.map_err(nats("story updates"))?;
        let seq = message
            .info()
            .map_err(nats("message info"))?
            .stream_sequence;
        let part = message
            .headers
            .as_ref()
            .and_then(|h| h.get(PART_HEADER))
            .and_then(|v| {
                let (index, count) = v.as_str().split_once('/')?;
                Some((index.parse::<usize>().ok()?, count.parse::<usize>().ok()?))
            });
        let whole = match part {
            None => {
                parts.clear();
                message.payload.to_vec()
            }
            Some((index, count)) => {
                if index == 0 {
                    parts.clear();
                    parts_seen = 0;
                }
                if index == parts_seen {
                    parts.extend_from_slice(&message.payload);
                    parts_seen += 1;
                } else {
                    // A broken sequence of parts (its publisher lost the lease midway): the
                    // update is sent again whole.
                    parts.clear();
                    parts_seen = usize::MAX;
                }
                if parts_seen != count {
                    if until_now && seq >= end {
                        break;
                    }
                    continue;
                }
                parts_seen = usize::MAX;
                std::mem::take(&mut parts)
            }
        };
        let update: Update = decode("story update", &whole)?;
        let mut batches = match update {
            Update::Results { keys, .. } => {
                if results.is_none() {
                    results = Some(
                        js.get_key_value(RESULTS_BUCKET)
                            .await
                            .map_err(nats("results bucket"))?,
                    );
                }
                match &results {
                    Some(bucket) => stored_batches(bucket, keys).await?,
                    None => Vec::new(),
                }
            }
            update => vec![update.into_batch()],
        };
        // Each story its own transaction, as when it came on the stream; the position moves
        // with the last, so a follower stopped midway applies the whole record again (story
        // updates are idempotent upserts).
        if batches.is_empty() {
            batches.push(storyfold_store::Batch::default());
        }
        let last = batches.len() - 1;
        for (index, mut batch) in batches.into_iter().enumerate() {
            if index == last {
                batch.states.push((
                    FOLLOW_STATE.into(),
                    serde_json::to_value(FollowState { stories_seq: seq }).unwrap_or_default(),
                ));
            }
            store.commit(&batch)?;
        }
        applied += 1;
        if until_now && seq >= end {
            break;
        }
    }
    Ok(applied)
}

/// The store batches of the story updates stored under `keys` in the results bucket, in order
/// (read concurrently). An entry holds the updates of one job message (a JSON array) or, from
/// an older worker, one update.
async fn stored_batches(
    results: &kv::Store,
    keys: Vec<String>,
) -> Result<Vec<storyfold_store::Batch>> {
    futures_util::stream::iter(keys)
        .map(|key| async move {
            let bytes = results
                .get(key.as_str())
                .await
                .map_err(nats("get story result"))?
                .filter(|bytes| !bytes.is_empty())
                .ok_or_else(|| Error::Nats {
                    what: "story result",
                    message: format!("no stored story update under {key}"),
                })?;
            let updates = if is_json_array(&bytes) {
                decode::<Vec<Update>>("story updates", &bytes)?
            } else {
                vec![decode::<Update>("story update", &bytes)?]
            };
            Ok(updates.into_iter().map(Update::into_batch).collect())
        })
        .buffered(RESULT_FETCHES)
        .collect::<Vec<Result<Vec<storyfold_store::Batch>>>>()
        .await
        .into_iter()
        .try_fold(Vec::new(), |mut all, batches| {
            all.extend(batches?);
            Ok(all)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_keys_name_their_sequences_as_runs() {
        let seqs = [17, 40, 41, 42, 43, 44, 45, 46, 50];
        let key = entry_key(&seqs);
        assert_eq!(key, "17_40-46_50");
        assert_eq!(entry_seqs(&key), Some(seqs.to_vec()));
        assert_eq!(entry_key(&[7]), "7");
        assert_eq!(entry_seqs("7"), Some(vec![7]));
        // Restated docs (two tokens) and other keys are not entries of prepared docs.
        assert_eq!(entry_seqs(&restated_key(7)), None);
        assert_eq!(entry_seqs("9-3"), None);
    }

    /// A job message from a leader that took over mid-replay may not name a member's entry:
    /// the worker finds it among the bucket's keys (here on a real nats-server, as in
    /// tests/nats.rs, which starts it the same way).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn entries_holding_finds_the_entries_of_unlocated_sequences() {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = std::process::Command::new("nats-server")
            .args(["-js", "-sd"])
            .arg(dir.path())
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nats-server on PATH (.ci/run installs it)");
        let url = format!("nats://127.0.0.1:{port}");
        let started = Instant::now();
        let ctx = loop {
            match setup(&url).await {
                Ok(ctx) => break ctx,
                Err(error) if started.elapsed() > Duration::from_secs(10) => panic!("{error}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        for key in [entry_key(&[1, 2, 3]), entry_key(&[7, 9]), restated_key(2)] {
            ctx.docs.put(key, Bytes::from_static(b"[]")).await.unwrap();
        }
        let mut found = entries_holding(&ctx, &BTreeSet::from([2, 9]))
            .await
            .unwrap();
        found.sort();
        assert_eq!(found, ["1-3", "7_9"]);
        assert!(entries_holding(&ctx, &BTreeSet::from([5]))
            .await
            .unwrap()
            .is_empty());
        let _ = server.kill();
        let _ = server.wait();
    }

    #[test]
    fn an_entry_reads_as_a_batch_or_as_one_doc() {
        let failed = Prepared::Failed {
            input: "a".into(),
            reason: "empty".into(),
        };
        let batch = encode(&[(3u64, failed.clone()), (4, failed.clone())]);
        let read = decode_entry(&[3, 4], &batch).unwrap();
        assert_eq!(read, vec![(3, failed.clone()), (4, failed.clone())]);
        let one = encode(&failed);
        assert_eq!(decode_entry(&[9], &one).unwrap(), vec![(9, failed)]);
    }
}
