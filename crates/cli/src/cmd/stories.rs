//! `storyfold stories` (being built).
use clap::Args as ClapArgs;

/// Arguments of `storyfold stories`.
#[derive(Debug, ClapArgs)]
pub struct Args {}

/// Runs `storyfold stories`.
pub fn run(_args: &Args, _global: &crate::Global) -> anyhow::Result<()> {
    anyhow::bail!("storyfold stories is not built yet")
}
