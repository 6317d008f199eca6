//! `storyfold eval similarity` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold eval similarity`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold eval similarity`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold eval similarity is not built yet")
}
