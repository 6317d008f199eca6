//! `storyfold worker` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold worker`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold worker`.
pub fn run(_args: &Args, _global: &crate::Global) -> anyhow::Result<()> {
    anyhow::bail!("storyfold worker is not built yet")
}
