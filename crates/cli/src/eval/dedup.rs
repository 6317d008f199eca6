//! `storyfold eval dedup` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold eval dedup`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold eval dedup`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold eval dedup is not built yet")
}
