//! `storyfold serve` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold serve`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold serve`.
pub fn run(_args: &Args, _global: &crate::Global) -> anyhow::Result<()> {
    anyhow::bail!("storyfold serve is not built yet")
}
