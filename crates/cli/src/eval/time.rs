//! `storyfold eval time` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold eval time`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold eval time`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold eval time is not built yet")
}
