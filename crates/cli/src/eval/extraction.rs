//! `storyfold eval extraction` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold eval extraction`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold eval extraction`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold eval extraction is not built yet")
}
