//! `storyfold worker --nats URL`: one scale-out worker (docs/SCALING.md). Any number may run
//! against one JetStream; together they give the same stories as `storyfold run`.
use anyhow::Context;
use clap::Args as ClapArgs;
use std::time::Duration;
use storyfold_worker::WorkerOptions;

/// Arguments of `storyfold worker`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// NATS server URL (JetStream enabled).
    #[arg(long, env = "STORYFOLD_NATS", default_value = "nats://127.0.0.1:4222")]
    pub nats: String,
    /// This worker's name, unique among workers (default: host and process id).
    #[arg(long)]
    pub name: Option<String>,
    /// Seconds an article may stay unacknowledged before it is redelivered to another worker.
    #[arg(long, default_value_t = 30)]
    pub ack_wait: u64,
    /// Milliseconds the sequencing lease lasts without a heartbeat (failover time).
    #[arg(long, default_value_t = 5000)]
    pub lease_ms: u64,
    /// Articles per story commit.
    #[arg(long, default_value_t = 500)]
    pub commit_every: usize,
    /// Articles between sequencer snapshots.
    #[arg(long, default_value_t = 2000)]
    pub snapshot_every: usize,
    /// Do not work: print where the cluster stands (JSON) and exit.
    #[arg(long, conflicts_with = "sync")]
    pub status: bool,
    /// Do not work: wait until every published article is applied, copy the story updates into
    /// the local store (`--store`), and exit.
    #[arg(long)]
    pub sync: bool,
    /// Seconds `--sync` waits at most.
    #[arg(long, default_value_t = 3600)]
    pub timeout: u64,
}

/// Runs `storyfold worker`.
pub fn run(args: &Args, global: &crate::Global) -> anyhow::Result<()> {
    if !storyfold_worker::HAS_NATS {
        return Err(storyfold_worker::Error::NoNats.into());
    }
    if args.status {
        let progress = storyfold_worker::block_on(storyfold_worker::progress(&args.nats))??;
        println!(
            "{}",
            serde_json::json!({
                "published": progress.published,
                "applied": progress.applied,
                "story_updates": progress.story_updates,
                "leader": progress.leader,
                "done": progress.done(),
            })
        );
        return Ok(());
    }
    if args.sync {
        let store = global.store.clone();
        let timeout = Duration::from_secs(args.timeout);
        let (progress, applied) = storyfold_worker::block_on(async {
            let progress = storyfold_worker::wait_done(&args.nats, timeout).await?;
            let applied = storyfold_worker::sync_stories(&args.nats, &store).await?;
            Ok::<_, storyfold_worker::Error>((progress, applied))
        })??;
        eprintln!(
            "storyfold worker --sync: {} articles applied; {applied} story updates copied into {}",
            progress.applied,
            store.display()
        );
        return Ok(());
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-{}", host_name(), std::process::id()));
    let mut options = WorkerOptions::new(&args.nats, &name);
    options.ack_wait = Duration::from_secs(args.ack_wait.max(1));
    options.lease = Duration::from_millis(args.lease_ms.max(100));
    options.commit_every = args.commit_every.max(1);
    options.snapshot_every = args.snapshot_every.max(1);
    tracing::info!(worker = %name, nats = %args.nats, "Worker starting.");
    storyfold_worker::block_on(storyfold_worker::run_worker(&options))?
        .with_context(|| format!("worker {name}"))
}

fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "worker".into())
}
