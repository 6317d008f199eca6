//! The NATS JetStream layer: streams, consumers, key-value and object stores.
use crate::wire::{Prepared, Preparer, Snapshot, Update};
use crate::{
    partition_of, Error, Progress, Published, Result, Sequencer, WorkerOptions, ARTICLES_STREAM,
    ARTICLES_SUBJECT, DOCS_BUCKET, FOLLOW_STATE, PREPARE_CONSUMER, SNAPSHOT_BUCKET, STATE_BUCKET,
    STORIES_STREAM, STORIES_SUBJECT,
};
use async_nats::jetstream::{
    self, consumer, kv, message::PublishMessage as Publish, object_store, stream,
};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use storyfold_model::RawArticle;
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

/// A subject token from an id: NATS tokens may not hold `.`, `*`, `>` or whitespace.
fn token(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

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
    snapshots: object_store::ObjectStore,
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
    Ok(())
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
        snapshots,
    })
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
    let mut tasks = Tasks::default();
    let prepare = tokio::spawn(prepare_loop(ctx.clone(), options.clone()));
    tasks.0.push(prepare.abort_handle());
    let sequence = tokio::spawn(sequence_loop(ctx.clone(), options.clone()));
    tasks.0.push(sequence.abort_handle());
    let joined = tokio::select! {
        r = prepare => r,
        r = sequence => r,
    };
    joined.map_err(nats("worker task"))?
}

/// Pulls articles from the shared consumer, extracts and analyzes them, puts the prepared doc
/// under its stream sequence, then acknowledges. A worker killed before the ack leaves the
/// article to be redelivered; putting the same doc twice is harmless.
async fn prepare_loop(ctx: Arc<Ctx>, options: WorkerOptions) -> Result<()> {
    let stream = ctx
        .js
        .get_stream(ARTICLES_STREAM)
        .await
        .map_err(nats("article stream"))?;
    let consumer: consumer::PullConsumer = stream
        .get_or_create_consumer(
            PREPARE_CONSUMER,
            consumer::pull::Config {
                durable_name: Some(PREPARE_CONSUMER.into()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: options.ack_wait,
                max_ack_pending: MAX_ACK_PENDING,
                ..Default::default()
            },
        )
        .await
        .map_err(nats("prepare consumer"))?;
    let mut messages = consumer
        .stream()
        .max_messages_per_batch(options.fetch_batch.max(1))
        .messages()
        .await
        .map_err(nats("pull"))?;
    let preparer = Arc::new(Preparer::new(&options.pipeline)?);
    let mut puts = tokio::task::JoinSet::new();
    while let Some(message) = messages.next().await {
        let message = message.map_err(nats("pull"))?;
        let seq = message
            .info()
            .map_err(nats("message info"))?
            .stream_sequence;
        let payload = message.payload.clone();
        let preparer = preparer.clone();
        let prepared = tokio::task::spawn_blocking(move || {
            encode(&preparer.prepare_bytes(&payload, &format!("{ARTICLES_STREAM}#{seq}")))
        })
        .await
        .map_err(nats("prepare task"))?;
        let docs = ctx.docs.clone();
        puts.spawn(async move {
            docs.put(seq_key(seq), prepared)
                .await
                .map_err(nats("put doc"))?;
            message.ack().await.map_err(nats("ack"))
        });
        while puts.len() >= PUT_WINDOW {
            if let Some(done) = puts.join_next().await {
                done.map_err(nats("put task"))??;
            }
        }
        while let Some(done) = puts.try_join_next() {
            done.map_err(nats("put task"))??;
        }
    }
    Err(Error::Nats {
        what: "pull",
        message: "the article consumer closed".into(),
    })
}

/// Takes the sequencing lease whenever it is free and sequences while holding it.
async fn sequence_loop(ctx: Arc<Ctx>, options: WorkerOptions) -> Result<()> {
    loop {
        match try_acquire(&ctx, &options).await? {
            Some(revision) => {
                tracing::info!(worker = %options.name, "Took the sequencing lease.");
                match lead(&ctx, &options, revision).await {
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

/// What the leader keeps between commits.
struct Leader<'a> {
    ctx: &'a Ctx,
    options: &'a WorkerOptions,
    sequencer: Sequencer,
    head: Head,
    head_revision: u64,
    stories_last: u64,
    deposed: Arc<AtomicBool>,
    since_snapshot: usize,
    max_payload: usize,
}

async fn lead(ctx: &Ctx, options: &WorkerOptions, lease_revision: u64) -> Result<()> {
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
    tracing::info!(
        applied = head.applied,
        resume_from = sequencer.next_seq(),
        "Sequencing."
    );
    let stories_last = ctx
        .js
        .get_stream(STORIES_STREAM)
        .await
        .map_err(nats("story stream"))?
        .info()
        .await
        .map_err(nats("story stream"))?
        .state
        .last_sequence;
    let mut leader = Leader {
        ctx,
        options,
        sequencer,
        head,
        head_revision,
        stories_last,
        deposed,
        since_snapshot: 0,
        max_payload: ctx.client.server_info().max_payload,
    };
    let mut watch = ctx
        .docs
        .watch_with_history(">")
        .await
        .map_err(nats("watch docs"))?;
    let mut buffer: BTreeMap<u64, Prepared> = BTreeMap::new();
    let mut since_commit = 0usize;
    let mut last_commit = Instant::now();
    loop {
        let next = tokio::time::timeout(Duration::from_millis(50), watch.next()).await;
        match next {
            Ok(Some(entry)) => {
                let entry = entry.map_err(nats("watch docs"))?;
                if entry.operation != kv::Operation::Put {
                    continue;
                }
                let Ok(seq) = entry.key.parse::<u64>() else {
                    continue;
                };
                let prepared: Prepared = decode("prepared article", &entry.value)?;
                if seq < leader.sequencer.next_seq() {
                    leader.sequencer.remember(seq, &prepared);
                } else {
                    buffer.insert(seq, prepared);
                }
                loop {
                    let next_seq = leader.sequencer.next_seq();
                    let Some(prepared) = buffer.remove(&next_seq) else {
                        break;
                    };
                    leader.sequencer.apply(next_seq, prepared)?;
                    since_commit += 1;
                    leader.since_snapshot += 1;
                    if since_commit >= options.commit_every.max(1) {
                        leader.commit().await?;
                        since_commit = 0;
                        last_commit = Instant::now();
                    }
                }
                if since_commit > 0 && last_commit.elapsed() > Duration::from_secs(1) {
                    leader.commit().await?;
                    since_commit = 0;
                    last_commit = Instant::now();
                }
            }
            Ok(None) => {
                return Err(Error::Nats {
                    what: "watch docs",
                    message: "the watch ended".into(),
                })
            }
            Err(_idle) => {
                if leader.deposed.load(Ordering::SeqCst) {
                    return Err(Error::Deposed);
                }
                let applied = leader.sequencer.next_seq() - 1;
                if leader.sequencer.has_pending() || leader.head.applied < applied {
                    leader.commit().await?;
                    since_commit = 0;
                    last_commit = Instant::now();
                }
            }
        }
    }
}

impl Leader<'_> {
    /// Recomputes the touched stories, publishes them on `stories.>` (each publish expects the
    /// story stream's last sequence, so a deposed leader that lost track cannot slip in), then
    /// moves the head with a revision check.
    async fn commit(&mut self) -> Result<()> {
        if self.deposed.load(Ordering::SeqCst) {
            return Err(Error::Deposed);
        }
        for (id, seq) in self.sequencer.missing_docs() {
            let bytes = self
                .ctx
                .docs
                .get(seq_key(seq))
                .await
                .map_err(nats("get doc"))?
                .ok_or_else(|| Error::MissingDoc(id.clone()))?;
            if let Prepared::Doc(doc) = decode("prepared article", &bytes)? {
                self.sequencer.supply(id, *doc);
            }
        }
        let updates = self.sequencer.commit()?;
        for update in updates {
            for part in self.split(update) {
                self.publish(part).await?;
            }
        }
        let applied = self.sequencer.next_seq() - 1;
        let mut stale_snapshot = None;
        if self.since_snapshot >= self.options.snapshot_every.max(1) {
            let name = format!("snapshot-{applied}");
            let bytes = serde_json::to_vec(&self.sequencer.snapshot()?).map_err(|source| {
                Error::Decode {
                    what: "snapshot",
                    source,
                }
            })?;
            self.ctx
                .snapshots
                .put(name.as_str(), &mut bytes.as_slice())
                .await
                .map_err(nats("snapshot"))?;
            stale_snapshot = self.head.snapshot.replace(name);
            self.since_snapshot = 0;
        }
        self.head.applied = applied;
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
            if let Err(error) = self.ctx.snapshots.delete(old.as_str()).await {
                tracing::warn!(%error, snapshot = %old, "Could not delete an old snapshot.");
            }
        }
        tracing::debug!(applied, "Committed.");
        Ok(())
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

    /// Publishes one update; a payload over the server's limit goes as consecutive parts
    /// (header `Sf-Part: i/n`) that the follower joins. Every part expects the stream's last
    /// sequence; if another publisher slipped in, the whole update is sent again from part 0.
    async fn publish(&mut self, (subject, payload): (String, Bytes)) -> Result<()> {
        let limit = self.max_payload.saturating_sub(4096).max(1);
        let parts: Vec<Bytes> = if payload.len() > limit {
            (0..payload.len())
                .step_by(limit)
                .map(|start| payload.slice(start..(start + limit).min(payload.len())))
                .collect()
        } else {
            vec![payload]
        };
        'again: loop {
            for (index, part) in parts.iter().enumerate() {
                let mut message = Publish::build()
                    .payload(part.clone())
                    .expected_last_sequence(self.stories_last);
                if parts.len() > 1 {
                    message = message.header(PART_HEADER, format!("{index}/{}", parts.len()));
                }
                let sent = self
                    .ctx
                    .js
                    .send_publish(subject.clone(), message)
                    .await
                    .map_err(nats("publish story"))?
                    .await;
                match sent {
                    Ok(ack) => self.stories_last = ack.sequence,
                    Err(e)
                        if e.kind() == jetstream::context::PublishErrorKind::WrongLastSequence =>
                    {
                        if self.deposed.load(Ordering::SeqCst) {
                            return Err(Error::Deposed);
                        }
                        // A deposed leader published in between: its update is a correct,
                        // earlier state; ours supersedes it.
                        self.stories_last = self
                            .ctx
                            .js
                            .get_stream(STORIES_STREAM)
                            .await
                            .map_err(nats("story stream"))?
                            .info()
                            .await
                            .map_err(nats("story stream"))?
                            .state
                            .last_sequence;
                        continue 'again;
                    }
                    Err(e) => return Err(nats("publish story")(e)),
                }
            }
            return Ok(());
        }
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
        let mut batch = update.into_batch();
        batch.states.push((
            FOLLOW_STATE.into(),
            serde_json::to_value(FollowState { stories_seq: seq }).unwrap_or_default(),
        ));
        store.commit(&batch)?;
        applied += 1;
        if until_now && seq >= end {
            break;
        }
    }
    Ok(applied)
}
