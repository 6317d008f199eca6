//! `storyfold publish --nats URL INPUT...`: send articles to the JetStream article stream, in
//! input order, for `storyfold worker` processes to ingest (docs/SCALING.md).
use crate::io::{read_articles, Tally};
use clap::Args as ClapArgs;
use std::path::PathBuf;

/// Arguments of `storyfold publish`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// NATS server URL (JetStream enabled).
    #[arg(long, env = "STORYFOLD_NATS", default_value = "nats://127.0.0.1:4222")]
    pub nats: String,
    /// Files, folders, JSONL, feeds, WARC; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Subject partitions (`sf.articles.<n>`, by a stable hash of the article id).
    #[arg(long, default_value_t = 16)]
    pub partitions: u32,
}

/// Runs `storyfold publish`.
pub fn run(args: &Args, _global: &crate::Global) -> anyhow::Result<()> {
    if !storyfold_worker::HAS_NATS {
        return Err(storyfold_worker::Error::NoNats.into());
    }
    let mut tally = Tally::default();
    let articles = read_articles(&args.inputs).filter_map(|item| match item {
        Ok(raw) => {
            tally.ok += 1;
            Some(raw)
        }
        Err(error) => {
            tally.bad(&error);
            None
        }
    });
    let published = storyfold_worker::block_on(storyfold_worker::publish(
        &args.nats,
        articles,
        args.partitions,
    ))??;
    tally.finish("publish")?;
    eprintln!(
        "storyfold publish: {} articles published ({} already in the stream), stream at {}",
        published.articles, published.duplicates, published.last_seq
    );
    Ok(())
}
