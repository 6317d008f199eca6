//! `storyfold dedup` (being built).
use clap::Args as ClapArgs;
use std::path::PathBuf;

/// Arguments of `storyfold dedup`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input files; `-` for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Runs `storyfold dedup`.
pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("storyfold dedup is not built yet")
}
