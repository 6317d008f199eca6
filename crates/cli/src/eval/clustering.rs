//! `storyfold eval clustering` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold eval clustering`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold eval clustering`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold eval clustering is not built yet")
}
