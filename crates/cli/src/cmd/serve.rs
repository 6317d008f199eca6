//! `storyfold serve`: the HTTP API and the web page over the store, with live ingest.
use clap::Args as ClapArgs;
use std::net::SocketAddr;
use storyfold_server::{ServerConfig, WatchSource};

/// Arguments of `storyfold serve`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Address to listen on (loopback by default; use 0.0.0.0:PORT to serve other machines).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Bearer token that `POST /api/articles` requires; without one the server takes no writes.
    #[arg(long, env = "STORYFOLD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// RSS/Atom feed URL or folder to poll for new articles (repeatable).
    #[arg(long, value_name = "FEED_URL_OR_DIR")]
    pub watch: Vec<String>,
    /// Seconds between polls of each watched source (doubled per consecutive failure).
    #[arg(long, default_value_t = 300, value_name = "N")]
    pub poll_secs: u64,
    /// Follow story updates published by `storyfold worker`s on this NATS JetStream URL.
    #[arg(long, value_name = "URL")]
    pub nats: Option<String>,
}

/// Runs `storyfold serve`.
pub fn run(args: &Args, global: &crate::Global) -> anyhow::Result<()> {
    if let Some(url) = &args.nats {
        follow_nats_stories(url, global)?;
    }
    // Check the sources before binding, so a typo fails fast with the source named.
    for source in &args.watch {
        WatchSource::parse(source)?;
    }
    let mut config = ServerConfig::new(global.store.clone());
    config.addr = args.addr;
    config.token = args.token.clone();
    config.watch = args.watch.clone();
    config.poll_secs = args.poll_secs;
    let writes = config.token.is_some();
    storyfold_server::serve(config, |addr| {
        eprintln!(
            "storyfold serve: http://{addr}/ (store {}; writes {}; Ctrl-C stops)",
            global.store.display(),
            if writes {
                "need the bearer token"
            } else {
                "off, no --token"
            }
        );
    })?;
    Ok(())
}

/// `--nats`: follows the `stories.>` updates that `storyfold worker`s publish into the store this
/// server reads, on a thread of its own (the server's cache follows the store files, so the pages
/// update). Fails at once when this build has no NATS client (the `storyfold-worker/nats`
/// feature); a later failure of the subscription is logged and the server goes on serving.
fn follow_nats_stories(url: &str, global: &crate::Global) -> anyhow::Result<()> {
    storyfold_worker::block_on(async {}).map_err(|e| anyhow::anyhow!("--nats {url}: {e}"))?;
    let (url, store) = (url.to_string(), global.store.clone());
    std::thread::Builder::new()
        .name("nats-stories".into())
        .spawn(move || {
            let result = storyfold_worker::block_on(storyfold_worker::follow_stories(&url, &store))
                .and_then(|inner| inner);
            if let Err(error) = result {
                tracing::error!(nats = %url, %error, "Stopped following story updates.");
            }
        })?;
    Ok(())
}
