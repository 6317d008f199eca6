//! `storyfold publish` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold publish`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold publish`.
pub fn run(_args: &Args, _global: &crate::Global) -> anyhow::Result<()> {
    anyhow::bail!("storyfold publish is not built yet")
}
