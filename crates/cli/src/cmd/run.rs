//! `storyfold run` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold run`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold run`.
pub fn run(_args: &Args, _global: &crate::Global) -> anyhow::Result<()> {
    anyhow::bail!("storyfold run is not built yet")
}
