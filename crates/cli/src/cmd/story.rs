//! `storyfold story` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold story`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold story`.
pub fn run(_args: &Args, _global: &crate::Global) -> anyhow::Result<()> {
    anyhow::bail!("storyfold story is not built yet")
}
